/**
 * The fix for a workload that needs the API server or the kubelet and whose egress nothing limits:
 * an egress policy that allows exactly what its RBAC shows it needs (the API server, the kubelet on
 * the nodes), cluster DNS, and the pods of the cluster, and nothing else (no instance metadata, no
 * other node ports, no addresses outside the cluster). TA9029 and TA9030 build the same policy for
 * the same workload, so the bundle holds it once.
 */
import type { Remediation } from '../findings/finding.js';
import { addressesToCidrs } from '../netpol/ipv4.js';
import { apiServerTargets, kubeletTargets, type AddressTarget } from './addressTargets.js';
import type { CheckContext } from './context.js';
import { apiServerNeed, kubeletNeed } from './needs.js';
import { allowPolicySelector, asDefaultDenyEgress, manifestRemediation, noSafeSelector, workloadPolicyName } from './remediation.js';
import type { WorkloadInfo } from './workloads.js';

const DNS_RULE = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
};

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
