/**
 * MS-TA9029 Access the Kubernetes API server. A compromised pod that reaches the API server with
 * the service-account token Kubernetes mounts into it can list, read and (with enough RBAC) change
 * cluster objects. Mitigated by egress NetworkPolicies that keep pods away from the API server's
 * addresses (where enforced) and by not mounting tokens into pods that do not call the API.
 */
import { fail, pass, unknown, type CheckOutcome } from '../../findings/finding.js';
import { apiServerTargets, decidingAnswers, reachTargets } from '../addressTargets.js';
import type { CheckContext } from '../context.js';
import type { PodSpecPatch } from '../../findings/finding.js';
import { denyEgressToAddresses, patchRemediation, podSpecPatch, withPatch } from '../remediation.js';
import { judgeNeededPath } from '../limitEgress.js';
import { apiServerNeed } from '../needs.js';
import type { Technique } from '../types.js';
import { isHostNetwork, type WorkloadInfo } from '../workloads.js';
import { anonymousAccess } from './anonymousAccess.js';
import { type Json, mapsIn } from '../json.js';

const CHECK = 'api-server-reachable-with-token';

const API_SERVER_PATH = { does: 'calls the API server', needs: 'needs the API server' };

export const technique: Technique = {
  meta: {
    id: 'MS-TA9029',
    name: 'Access the Kubernetes API server',
    tactics: ['Discovery'],
    mitreAttack: ['T1613'],
    mitigations: ['MS-M9002', 'MS-M9003', 'MS-M9014', 'MS-M9025'],
    severity: 'high',
    weight: 8,
    segmentationMitigates: true,
    formerNames: [],
    evidence: ['workloads', 'services', 'networkpolicies', 'serviceaccounts'],
    description: 'An attacker in a pod uses its automounted service-account token to query the Kubernetes API server. '
      + 'kubeseg takes the API server addresses from the default/kubernetes Endpoints and EndpointSlices (or the cloud API '
      + 'endpoint when it is an IP address) and fails a workload that can reach one of them AND gets a service-account token '
      + '(automountServiceAccountToken not false on the pod spec nor on its ServiceAccount, or a projected token volume). '
      + 'A workload that mounts no token passes whatever the network allows; when the token is mounted and the API server '
      + 'address is unknown the result is unknown. A workload whose own ServiceAccount holds RBAC permissions calls the API server by design: '
      + 'it passes when an enforced egress policy limits the rest of its egress and fails when nothing does. Node agents (host-network DaemonSets in kube-system) are not assessed. '
      + 'Anonymous access: every RoleBinding or ClusterRoleBinding that grants anything to the user system:anonymous or the group '
      + 'system:unauthenticated fails, with a severity that follows what it grants (the default discovery bindings are low, reading '
      + 'objects high, Secrets, writes or wildcards critical); with no such binding the cluster passes, and unknown RBAC is unknown.',
  },
  checks: [apiServerWithToken, anonymousAccess],
};

function apiServerWithToken(ctx: CheckContext): CheckOutcome[] {
  const targets = apiServerTargets(ctx);
  const answers = reachTargets(ctx, targets);
  const apiServerCidrs = targets.map((t) => `${t.address}/32`);
  return ctx.subjects().map((w) => {
    const token = tokenMount(ctx, w);
    if (!token.mounted) return pass(CHECK, w.ref, `${w.id} mounts no service-account token`, [token.evidence]);
    const need = apiServerNeed(ctx, w);
    if (isHostNetwork(w)) {
      const advice = need ? `Run ${w.id} off the host network, so that NetworkPolicies can limit its egress to what it needs.` : token.advice;
      return fail(CHECK, w.ref, `${w.id} runs on the host network, where NetworkPolicies do not apply, and mounts a service-account token`,
        ['spec.hostNetwork: true', token.evidence, ...(need?.evidence ?? [])], token.patch && !need ? patchRemediation(advice, token.patch) : { text: advice });
    }
    if (need) return judgeNeededPath(ctx, CHECK, w, API_SERVER_PATH, [token.evidence, ...need.evidence]);
    const deciding = decidingAnswers(answers.get(w.id) ?? []);
    const first = deciding.answers[0];
    if (!first) {
      return unknown(CHECK, w.ref, `whether ${w.id} can reach the API server is unknown: API server address unknown`,
        [noAddressEvidence(ctx), token.evidence]);
    }
    const target = first.targets[0]!;
    const evidence = [...first.targets.map((t) => t.label), ...first.answer.reasons, token.evidence];
    switch (deciding.status) {
      case 'blocked':
        return pass(CHECK, w.ref, `${w.id} cannot reach the API server`, evidence);
      case 'unknown':
        return unknown(CHECK, w.ref, `whether ${w.id} can reach the API server is unknown`, evidence);
      case 'exposed': {
        const network = denyEgressToAddresses(ctx, w, apiServerCidrs, 'the API server');
        return fail(CHECK, w.ref, `${w.id} can reach the API server at ${target.address}:${target.port} with its service-account token`,
          evidence, withPatch(network, `${network.text} ${token.advice}`, token.patch));
      }
    }
  });
}


function noAddressEvidence(ctx: CheckContext): string {
  const endpoint = ctx.snapshot.cloud.apiServer?.endpoint;
  const cloud = endpoint ? `the cloud API endpoint ${endpoint} is not an IP address` : 'no cloud API endpoint is known';
  return `no IPv4 address in Endpoints or EndpointSlices of Service default/kubernetes, and ${cloud}`;
}

/** Whether the workload's pods get a service-account token, why, and how to stop it. */
export interface TokenMount {
  readonly mounted: boolean;
  readonly evidence: string;
  /** Remediation text when mounted. */
  readonly advice: string;
  /** A pod-spec patch that stops the mount, when one field does it. */
  readonly patch?: PodSpecPatch;
}

/**
 * Whether Kubernetes puts a service-account token into the workload's pods: a projected token
 * volume always does; otherwise the pod spec's automountServiceAccountToken, then the
 * ServiceAccount's, decide, and mounting is the default.
 */
export function tokenMount(ctx: CheckContext, w: WorkloadInfo): TokenMount {
  const sa = `ServiceAccount ${w.ref.namespace}/${w.serviceAccountName}`;
  const projected = mapsIn(w.podSpec.volumes).find((v) =>
    mapsIn((v.projected as Json | undefined)?.sources).some((s) => s.serviceAccountToken !== undefined));
  if (projected) {
    return {
      mounted: true, evidence: `volume ${String(projected.name)} projects a token of ${sa}`,
      advice: `Unless ${w.id} needs it, remove its projected service-account token volume ${String(projected.name)}.`,
    };
  }
  const off = {
    advice: `Unless ${w.id} calls the Kubernetes API, set automountServiceAccountToken: false in its pod spec `
      + `(or on ${sa} if no pod using it needs a token).`,
    patch: podSpecPatch(w, { automountServiceAccountToken: false }),
  };
  const podSetting = w.podSpec.automountServiceAccountToken;
  if (podSetting === false) return { mounted: false, evidence: 'the pod spec sets automountServiceAccountToken: false', ...off };
  if (podSetting === true) return { mounted: true, evidence: `the pod spec sets automountServiceAccountToken: true (token of ${sa})`, ...off };
  const account = ctx.object('ServiceAccount', `${w.ref.namespace}/${w.serviceAccountName}`);
  if (!account) {
    return { mounted: true, evidence: `${sa} is not in the evidence and the pod spec does not disable automountServiceAccountToken, so the token is mounted`, ...off };
  }
  if (account.automountServiceAccountToken === false) return { mounted: false, evidence: `${sa} sets automountServiceAccountToken: false`, ...off };
  return { mounted: true, evidence: `the token of ${sa} is automounted: neither the pod spec nor the ServiceAccount sets automountServiceAccountToken: false`, ...off };
}
