/**
 * MS-TA9029 Access the Kubernetes API server. A compromised pod that reaches the API server with
 * the service-account token Kubernetes mounts into it can list, read and (with enough RBAC) change
 * cluster objects. Mitigated by egress NetworkPolicies that keep pods away from the API server's
 * addresses (where enforced) and by not mounting tokens into pods that do not call the API.
 */
import type { KubeObject } from '../../evidence/snapshot.js';
import { fail, pass, unknown, type CheckOutcome } from '../../findings/finding.js';
import { parseIpv4 } from '../../netpol/ipv4.js';
import { isApiServerService } from '../../netpol/parse/services.js';
import { decidingAnswers, reachTargets, type AddressTarget } from '../addressTargets.js';
import type { CheckContext } from '../context.js';
import { denyEgressToAddresses, patchRemediation, podSpecPatch, withPatch, type LazyYaml } from '../remediation.js';
import type { Technique } from '../types.js';
import { isHostNetwork, type WorkloadInfo } from '../workloads.js';
import { type Json, mapsIn } from '../json.js';

const CHECK = 'api-server-reachable-with-token';

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
      + 'address is unknown the result is unknown. Node agents (host-network DaemonSets in kube-system) are not assessed.',
  },
  checks: [apiServerWithToken],
};

function apiServerWithToken(ctx: CheckContext): CheckOutcome[] {
  const targets = apiServerTargets(ctx);
  const answers = reachTargets(ctx, targets);
  const apiServerCidrs = targets.map((t) => `${t.address}/32`);
  return ctx.subjects().map((w) => {
    const token = tokenMount(ctx, w);
    if (!token.mounted) return pass(CHECK, w.ref, `${w.id} mounts no service-account token`, [token.evidence]);
    if (isHostNetwork(w)) {
      return fail(CHECK, w.ref, `${w.id} runs on the host network, where NetworkPolicies do not apply, and mounts a service-account token`,
        ['spec.hostNetwork: true', token.evidence], token.patch ? patchRemediation(token.advice, token.patch) : { text: token.advice });
    }
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

/**
 * Where pods send API requests: the `kubernetes` Service's endpoints, else the cloud API endpoint
 * when it is an IPv4 literal. Only IPv4 addresses: the engine analyses IPv4.
 */
export function apiServerTargets(ctx: CheckContext): AddressTarget[] {
  const found = new Map<string, AddressTarget>();
  const add = (address: string, port: number, source: string): void => {
    if (parseIpv4(address) === undefined || found.has(`${address}:${port}`)) return;
    found.set(`${address}:${port}`, { address, port, label: `API server ${address}:${port} (${source})` });
  };
  for (const e of ctx.objects('Endpoints').filter(isKubernetesService)) {
    for (const subset of mapsIn(e.subsets)) {
      const ports = tcpPorts(subset.ports);
      for (const a of mapsIn(subset.addresses)) for (const p of ports) add(String(a.ip), p, 'Endpoints default/kubernetes');
    }
  }
  const slices = ctx.objects('EndpointSlice').filter((s) =>
    (s.metadata.namespace ?? 'default') === 'default' && (s.metadata.labels as Record<string, string> | undefined)?.['kubernetes.io/service-name'] === 'kubernetes');
  for (const s of slices) {
    const ports = tcpPorts(s.ports);
    for (const e of mapsIn(s.endpoints)) {
      for (const address of Array.isArray(e.addresses) ? e.addresses : []) for (const p of ports) add(String(address), p, `EndpointSlice default/${s.metadata.name}`);
    }
  }
  if (found.size === 0) {
    const endpoint = ipLiteralEndpoint(ctx.snapshot.cloud.apiServer?.endpoint);
    if (endpoint) add(endpoint.address, endpoint.port, `cloud API endpoint ${ctx.snapshot.cloud.apiServer?.endpoint}`);
  }
  return [...found.values()];
}

const isKubernetesService = (o: KubeObject): boolean => isApiServerService(o.metadata.namespace || 'default', o.metadata.name);

/** TCP ports of an Endpoints subset or EndpointSlice; none listed means the API server's usual 443. */
function tcpPorts(raw: unknown): number[] {
  const ports = mapsIn(raw).filter((p) => (p.protocol ?? 'TCP') === 'TCP' && typeof p.port === 'number').map((p) => p.port as number);
  return ports.length > 0 ? ports : [443];
}

/** `https://10.0.0.1:6443` or `10.0.0.1` → address and port; a host name → undefined. */
function ipLiteralEndpoint(endpoint: string | undefined): { address: string; port: number } | undefined {
  const m = /^(?:https?:\/\/)?([^/:]+)(?::(\d+))?/.exec(endpoint ?? '');
  if (!m || parseIpv4(m[1]!) === undefined) return undefined;
  return { address: m[1]!, port: m[2] ? Number(m[2]) : 443 };
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
  readonly patch?: LazyYaml;
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
