/**
 * MS-TA9031 Network mapping. From a compromised pod an attacker scans the pod network to map the
 * cluster's services. A workload whose egress reaches (nearly) every other workload can map all of
 * them; egress NetworkPolicies that name the destinations a workload needs take that away.
 */
import { fail, pass, unknown, type CheckOutcome, type Remediation } from '../../findings/finding.js';
import { NAMESPACE_NAME_LABEL } from '../../netpol/buildClusterModel.js';
import type { CheckContext } from '../context.js';
import { allowPolicySelector, asDefaultDenyEgress, manifestRemediation, noSafeSelector, workloadPolicyName } from '../remediation.js';
import { namespaceCoverage } from '../namespacePolicies.js';
import type { Technique } from '../types.js';
import { isHostNetwork, type WorkloadInfo, hostNetworkFailure } from '../workloads.js';

const CHECK = 'egress-reaches-most-workloads';
const NAMESPACE_CHECKS = { uncovered: 'namespace-egress-unrestricted', noDefaultDeny: 'namespace-without-default-deny-egress', workloadCheck: CHECK };

/** A workload that reaches at least this share of the other workloads can map the cluster. */
export const MAPPING_THRESHOLD = 0.9;

export const technique: Technique = {
  meta: {
    id: 'MS-TA9031',
    name: 'Network mapping',
    tactics: ['Discovery'],
    mitreAttack: ['T1046'],
    mitigations: ['MS-M9014'],
    severity: 'medium',
    weight: 5,
    segmentationMitigates: true,
    formerNames: [],
    evidence: ['namespaces', 'workloads', 'networkpolicies'],
    description: 'An attacker in a pod scans the cluster network to discover services to attack next. kubeseg counts, for every '
      + 'workload, the other workloads it can open at least one connection to, and fails it when that is 90% or more of all '
      + 'other workloads (in-cluster egress unrestricted in practice); below that the workload passes. Pods on the host network '
      + 'are not subject to NetworkPolicies and fail. Node agents (host-network DaemonSets in kube-system) are not assessed, '
      + 'and a cluster with a single workload has nothing to map. Each namespace that holds workloads is judged too: it fails '
      + 'when no NetworkPolicy selects any of its workloads for egress (every pod in it can map the network), and a namespace '
      + 'without a default deny for egress (no policy selecting all of its pods) is listed as a low-severity finding.',
  },
  checks: [networkMapping, (ctx) => namespaceCoverage(ctx, 'egress', NAMESPACE_CHECKS)],
};

function networkMapping(ctx: CheckContext): CheckOutcome[] {
  const others = ctx.workloads.length - 1;
  if (others === 0) return [];
  return ctx.subjects().map((w) => {
    if (isHostNetwork(w)) {
      return hostNetworkFailure(CHECK, w, 'egress NetworkPolicies do not apply and it can scan the pod and node networks');
    }
    if (ctx.enforcement.status === 'not-enforced') {
      return fail(CHECK, w.ref, `${w.id} can open connections to all ${others} other workloads: NetworkPolicies are not enforced`,
        [ctx.enforcement.reason], remediation(ctx, w, []));
    }
    const reached = ctx.queries.reachSummary(ctx.queries.indexOf(w.id));
    const share = reached.count / others;
    const where = reached.namespaces > 0 ? ` in ${reached.namespaces} namespace${reached.namespaces === 1 ? '' : 's'}` : '';
    const summary = `${w.id} can open connections to ${reached.count} of ${others} other workloads (${percent(share)})${where}`;
    // One example shows which rules (or the lack of them) let it through; the remediation names those rules.
    const shown = reached.example && ctx.reachPair(w.id, reached.example.id);
    const example = shown ? [`for example ${reached.example!.id} (${shown.connection}):`, ...shown.reasons] : [];
    if (share >= MAPPING_THRESHOLD) return fail(CHECK, w.ref, summary, example, remediation(ctx, w, shown?.reasons ?? []));
    if (ctx.enforcement.status === 'unknown') {
      return unknown(CHECK, w.ref, `${summary} if NetworkPolicies are enforced, which is unknown`, [ctx.enforcement.reason]);
    }
    return pass(CHECK, w.ref, summary, [`below the ${percent(MAPPING_THRESHOLD)} threshold`, ...example]);
  });
}

/** Rounded down, so a share just below the threshold never prints as the threshold. */
const percent = (share: number): string => `${Math.floor(share * 100)}%`;

/** A default-deny egress (for the selected pods) that still lets them resolve names through kube-system's DNS. */
function defaultDenyEgress(name: string, namespace: string, podSelector: object): object {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace },
    spec: {
      podSelector,
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } } }],
        ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
      }],
    },
  };
}

/** Default-deny egress for the namespace, naming the rules that allow the example connection today. */
function remediation(ctx: CheckContext, w: WorkloadInfo, reasons: readonly string[]): Remediation {
  const allowing = [...new Set(reasons.flatMap((r) => /^egress: (\w*NetworkPolicy [^,\s]+, egress rule .*) allows /.exec(r)?.[1] ?? []))];
  const narrow = allowing.length > 0 ? ` NetworkPolicies add up: also narrow the rules that allow this egress today (${allowing.join('; ')}).` : '';
  // The policy allows DNS: it must not select pods whose egress policies allow less.
  const podSelector = allowPolicySelector(ctx, w, 'egress', true);
  const scope = podSelector?.matchLabels ? `for the pods of ${w.id} ` : '';
  const text = `Deny egress by default ${scope}in namespace ${w.ref.namespace} (the policy still allows DNS to kube-system) and, in the same change, `
    + `allow the destinations ${w.id} and its neighbours need (in kube-system typically the API server and upstream DNS).${narrow}`;
  if (!podSelector) return { text: `${text}${noSafeSelector(w, 'egress')}` };
  const name = podSelector.matchLabels ? workloadPolicyName('kubeseg-default-deny-egress', w) : 'kubeseg-default-deny-egress';
  return manifestRemediation(text, asDefaultDenyEgress(defaultDenyEgress(name, w.ref.namespace, podSelector)));
}
