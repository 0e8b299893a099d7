/**
 * MS-TA9030 Access Kubelet API. Every node's kubelet serves an HTTPS API on TCP 10250 (pods, logs,
 * exec when authorisation is lax) and, where still enabled, an unauthenticated read-only API on
 * 10255. A pod that can open connections to node addresses on those ports can enumerate what runs on
 * the node. Mitigated by egress NetworkPolicies that keep pods away from the node addresses.
 */
import { fail, pass, unknown, type CheckOutcome } from '../../findings/finding.js';
import { addressesToCidrs } from '../../netpol/ipv4.js';
import { decidingAnswers, kubeletTargets, reachTargets, targetsOf } from '../addressTargets.js';
import type { CheckContext } from '../context.js';
import { denyEgressToAddresses, retext } from '../remediation.js';
import { judgeNeededPath } from '../limitEgress.js';
import { kubeletNeed } from '../needs.js';
import type { Technique } from '../types.js';
import { isHostNetwork, hostNetworkFailure } from '../workloads.js';
import { nodesProxy } from './nodesProxy.js';

const CHECK = 'kubelet-reachable';

const KUBELET_PATH = { does: 'reads the kubelet API', needs: 'needs the kubelet API' };

/** Evidence lists this many node addresses, then a count of the rest. */
const LISTED = 5;

export const technique: Technique = {
  meta: {
    id: 'MS-TA9030',
    name: 'Access Kubelet API',
    tactics: ['Discovery'],
    mitreAttack: ['T1613'],
    mitigations: ['MS-M9014', 'MS-M9021'],
    severity: 'high',
    weight: 7,
    segmentationMitigates: true,
    formerNames: [],
    evidence: ['workloads', 'networkpolicies', 'nodes'],
    description: 'An attacker in a pod queries the kubelet on a node (TCP 10250, or the unauthenticated read-only port 10255) '
      + 'to list the pods, containers and configuration of that node. kubeseg takes every Node\'s InternalIP and ExternalIP '
      + '(IPv4) and fails a workload whose egress can open a connection to any of them on 10250 or 10255; it checks the network '
      + 'path, not whether the kubelet listens on 10255. Pods on the host network reach their own node\'s kubelet whatever '
      + 'the policies say. A scraper whose own ServiceAccount may get nodes/metrics, nodes/stats or nodes/proxy reads the kubelet '
      + 'by design: it fails only when nothing limits the rest of its egress. Node agents (host-network DaemonSets in kube-system) are not assessed. '
      + 'RBAC: every ServiceAccount, User and Group but the control plane that a ClusterRoleBinding grants nodes/proxy (the kubelet API '
      + 'through the API server) fails, critical with create (commands in any pod) and high with get; unknown RBAC is unknown.',
  },
  checks: [kubeletReachable, nodesProxy],
};

function kubeletReachable(ctx: CheckContext): CheckOutcome[] {
  const targets = kubeletTargets(ctx);
  const answers = reachTargets(ctx, targets);
  const nodeCidrs = addressesToCidrs(targets.map((t) => t.address));
  return ctx.subjects().map((w) => {
    if (isHostNetwork(w)) {
      return hostNetworkFailure(CHECK, w, 'NetworkPolicies do not apply and it reaches the kubelet as the node does');
    }
    const need = kubeletNeed(ctx, w);
    if (need) return judgeNeededPath(ctx, CHECK, w, KUBELET_PATH, need.evidence);
    const deciding = decidingAnswers(answers.get(w.id) ?? []);
    const first = deciding.answers[0];
    if (!first) {
      return unknown(CHECK, w.ref, `whether ${w.id} can reach the kubelet API is unknown: no Node has an IPv4 InternalIP or ExternalIP in the evidence`);
    }
    const decidingTargets = targetsOf(deciding.answers, LISTED);
    const listed = decidingTargets.first.map((t) => t.label);
    const more = decidingTargets.count > LISTED ? [`and ${decidingTargets.count - LISTED} more`] : [];
    // Every answer's reasons name its own address; one example is enough to show which policy decides.
    const evidence = [...listed, ...more, ...first.answer.reasons];
    switch (deciding.status) {
      case 'blocked':
        return pass(CHECK, w.ref, `${w.id} cannot reach the kubelet API on any of ${targets.length} node address and port pairs`, evidence);
      case 'unknown':
        return unknown(CHECK, w.ref, `whether ${w.id} can reach the kubelet API is unknown`, evidence);
      case 'exposed': {
        const network = denyEgressToAddresses(ctx, w, nodeCidrs, 'node addresses');
        return fail(CHECK, w.ref, `${w.id} can reach the kubelet API on ${decidingTargets.count} of ${targets.length} node address and port pairs`,
          evidence, retext(network, `${network.text} This also closes other host-network services on the nodes to it; allow those it needs explicitly. `
            + 'Nodes come and go: prefer excluding the node subnets over single addresses.'));
      }
    }
  });
}
