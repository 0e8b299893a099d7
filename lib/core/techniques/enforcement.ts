/**
 * Does anything enforce NetworkPolicies? A policy that no CNI enforces mitigates nothing, so every
 * network check depends on this answer. When it cannot be determined the answer is `unknown`,
 * never `enforced`.
 */
import type { EvidenceSnapshot, KubeObject } from '../evidence/snapshot.js';
import { CLOUD_STEPS, evidenceStatus } from '../evidence/snapshot.js';
import { cloudStep, stepProblem } from './cloudFacts.js';
import { at, mapsIn, stringsIn } from './json.js';

export type EnforcementStatus = 'enforced' | 'not-enforced' | 'unknown';

export interface Enforcement {
  readonly status: EnforcementStatus;
  /** One sentence a report can print first. */
  readonly reason: string;
}

/** DaemonSets of CNIs that enforce NetworkPolicies whenever they run. */
const ENFORCING_DAEMONSETS: Readonly<Record<string, string>> = {
  'calico-node': 'Calico',
  cilium: 'Cilium',
  'antrea-agent': 'Antrea',
  'weave-net': 'Weave Net',
  'kube-router': 'kube-router',
};

export function detectEnforcement(snapshot: EvidenceSnapshot): Enforcement {
  const daemonSets = snapshot.objects.filter((o) => o.kind === 'DaemonSet');
  for (const ds of daemonSets) {
    const cni = ENFORCING_DAEMONSETS[ds.metadata.name];
    if (cni) return { status: 'enforced', reason: `NetworkPolicies are enforced by ${cni} (DaemonSet ${ds.metadata.namespace ?? 'default'}/${ds.metadata.name})` };
  }
  const addOn = snapshot.cloud.vpcCni?.enableNetworkPolicy;
  const awsNode = daemonSets.find((d) => d.metadata.name === 'aws-node' && d.metadata.namespace === 'kube-system');
  const agent = awsNode ? policyAgentFlag(awsNode) : undefined;
  if (addOn === true || agent === true) {
    const how = addOn === true ? 'the add-on sets enableNetworkPolicy' : 'aws-node runs the network policy agent with --enable-network-policy=true';
    return { status: 'enforced', reason: `NetworkPolicies are enforced by the Amazon VPC CNI network policy agent (${how})` };
  }
  const listed = evidenceStatus(snapshot, 'workloads');
  if (listed.status !== 'ok') {
    return { status: 'unknown', reason: `whether a CNI enforces NetworkPolicies could not be determined: DaemonSets were not collected (${listed.status}${listed.detail ? `: ${listed.detail}` : ''})` };
  }
  if (addOn === false || awsNode) {
    const why = addOn === false ? 'the VPC CNI add-on has enableNetworkPolicy=false' : 'aws-node runs without the network policy agent enabled';
    return { status: 'not-enforced', reason: `No CNI enforces NetworkPolicies: ${why}, and no Calico, Cilium or other enforcing CNI was found. Every NetworkPolicy is ignored` };
  }
  return { status: 'unknown', reason: `whether a CNI enforces NetworkPolicies could not be determined: the evidence holds no CNI DaemonSet (aws-node, calico-node, cilium) and ${addOnText(snapshot)}` };
}

/** What the evidence says of the vpc-cni EKS add-on when it does not decide enforcement. */
function addOnText(snapshot: EvidenceSnapshot): string {
  const problem = stepProblem(cloudStep(snapshot, CLOUD_STEPS.vpcCni.step));
  if (problem) return `the VPC CNI add-on's configuration could not be read (${problem})`;
  if (snapshot.cloud.vpcCni?.addOn === 'absent') return 'the vpc-cni EKS add-on is not installed';
  if (snapshot.cloud.vpcCni?.addOn === 'installed') return 'the vpc-cni add-on\'s enableNetworkPolicy value could not be read';
  return 'no VPC CNI add-on configuration';
}

/** The network policy agent's `--enable-network-policy` flag, when aws-node runs the agent. */
function policyAgentFlag(awsNode: KubeObject): boolean | undefined {
  const agent = mapsIn(at(awsNode, 'spec', 'template', 'spec', 'containers')).find((c) => c.name === 'aws-network-policy-agent');
  if (!agent) return undefined;
  const flag = stringsIn(agent.args).find((a) => a.startsWith('--enable-network-policy'));
  return flag === '--enable-network-policy=true' || flag === '--enable-network-policy';
}
