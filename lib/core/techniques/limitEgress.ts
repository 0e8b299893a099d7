/**
 * Judging a workload that needs the API server or the kubelet, and the fix when nothing limits its egress:
 * an egress policy that allows exactly what its RBAC shows it needs (the API server, the kubelet on
 * the nodes), cluster DNS, and the pods of the cluster, and nothing else (no instance metadata, no
 * other node ports, no addresses outside the cluster). TA9029 and TA9030 build the same policy for
 * the same workload, so the bundle holds it once.
 */
import { fail, pass, unknown, type CheckOutcome, type Remediation } from '../findings/finding.js';
import { addressesToCidrs } from '../netpol/ipv4.js';
import { apiServerTargets, kubeletTargets, type AddressTarget } from './addressTargets.js';
import type { CheckContext } from './context.js';
import { apiServerNeed, egressLimit, kubeletNeed } from './needs.js';
import { allowPolicySelector, asDefaultDenyEgress, manifestRemediation, noSafeSelector, workloadPolicyName } from './remediation.js';
import type { WorkloadInfo } from './workloads.js';

const DNS_RULE = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
};

/** What a workload's role needs, in the words of its finding: `calls the API server`, `needs the API server`. */
export interface NeededPath {
  readonly does: string;
  readonly needs: string;
}

/**
 * A workload whose own RBAC role shows it needs a path: reaching it is its job. It passes when an
 * enforced egress policy limits the rest of its egress and fails when nothing does; the fix keeps
 * the needed path open.
 */
export function judgeNeededPath(ctx: CheckContext, check: string, w: WorkloadInfo, path: NeededPath, evidence: readonly string[]): CheckOutcome {
  switch (egressLimit(ctx, w)) {
    case 'limited':
      return pass(check, w.ref, `${w.id} ${path.does}, as its RBAC role needs, and NetworkPolicies limit the rest of its egress`, evidence);
    case 'unknown':
      return unknown(check, w.ref, `${w.id} ${path.does}, as its RBAC role needs; whether anything limits the rest of its egress is unknown`,
        [...evidence, `only NetworkPolicies would limit it, and ${ctx.enforcement.reason}`]);
    case 'open':
      return fail(check, w.ref, `${w.id} ${path.needs}, as its RBAC role shows, but nothing limits its egress: a compromised pod reaches every destination`,
        [...evidence, ctx.enforcement.status === 'not-enforced' ? ctx.enforcement.reason : `no NetworkPolicy selects ${w.id} for egress`],
        limitEgressToNeeds(ctx, w));
  }
}

export function limitEgressToNeeds(ctx: CheckContext, w: WorkloadInfo): Remediation {
  const needed = [
    ...(apiServerNeed(ctx, w) ? [{ what: 'the API server', targets: apiServerTargets(ctx) }] : []),
    ...(kubeletNeed(ctx, w) ? [{ what: 'the kubelet', targets: kubeletTargets(ctx).filter((t) => t.port === 10250) }] : []),
  ].filter((n) => n.targets.length > 0);
  const lead = `Limit the egress of ${w.id} to what it needs: ${[...needed.map((n) => n.what), 'cluster DNS', 'the pods of the cluster'].join(', ')}. `
    + 'Add any address outside the cluster it calls (a cloud or ACME endpoint, say) before applying.';
  const podSelector = allowPolicySelector(ctx, w, 'egress');
  if (!podSelector) return { text: `${lead}${noSafeSelector(w, 'egress')}` };
  const policy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: workloadPolicyName('kubeseg-limit-egress', w), namespace: w.ref.namespace },
    spec: {
      podSelector,
      policyTypes: ['Egress'],
      egress: [...needed.map((n) => addressRule(n.targets)), DNS_RULE, { to: [{ namespaceSelector: {} }] }],
    },
  };
  return manifestRemediation(lead, asDefaultDenyEgress(policy));
}

function addressRule(targets: readonly AddressTarget[]): object {
  const ports = [...new Set(targets.map((t) => t.port))].sort((a, b) => a - b);
  return {
    to: addressesToCidrs(targets.map((t) => t.address)).map((cidr) => ({ ipBlock: { cidr } })),
    ports: ports.map((port) => ({ protocol: 'TCP', port })),
  };
}
