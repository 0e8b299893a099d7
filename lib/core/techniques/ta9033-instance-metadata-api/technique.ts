/**
 * MS-TA9033 Access the instance metadata API. A pod that reaches 169.254.169.254 can read the
 * node's cloud credentials (the node role) and network details. Mitigated by egress NetworkPolicies
 * (where enforced) and by IMDSv2 with a hop limit of 1 on every node group.
 */
import { fail, pass, unknown, type CheckOutcome } from '../../findings/finding.js';
import type { CheckContext, NetworkAnswer } from '../context.js';
import { denyEgressToAddress } from '../remediation.js';
import { CLOUD_STEPS } from '../../evidence/snapshot.js';
import { cloudStep, metadataSourceText, nodeGroupMetadataText, nodeGroupsUnknownText, nodesOutsideNodeGroups, stepProblem } from '../cloudFacts.js';
import type { Technique } from '../types.js';
import { isHostNetwork, hostNetworkFailure } from '../workloads.js';

export const IMDS_ADDRESS = '169.254.169.254';
const CHECK = 'imds-egress-allowed';

export const technique: Technique = {
  meta: {
    id: 'MS-TA9033',
    name: 'Instance Metadata API',
    tactics: ['Discovery'],
    mitreAttack: ['T1552.005'],
    mitigations: ['MS-M9014', 'MS-M9018'],
    severity: 'high',
    weight: 8,
    segmentationMitigates: true,
    formerNames: [],
    evidence: ['workloads', 'networkpolicies'],
    description: 'Cloud providers serve instance metadata, including the node\'s credentials, at 169.254.169.254. '
      + 'kubeseg asks, for every workload, whether its egress can reach that address on port 80, and whether the node groups '
      + 'require IMDSv2 with a hop limit of 1 (which keeps pods off the host network away from it). Each node group\'s metadata '
      + 'options come from its launch template, or are EKS\'s defaults when it has none (documented for AL2023 only: IMDSv2 required, '
      + 'hop limit 1); a Node that no listed managed node group holds (self-managed, Karpenter) keeps the hop limit from counting. Node agents (host-network '
      + 'DaemonSets in kube-system, such as aws-node) act as the node and are not assessed.',
  },
  checks: [imdsEgress],
};

function imdsEgress(ctx: CheckContext): CheckOutcome[] {
  const hopLimited = imdsHopLimited(ctx);
  return ctx.reachAddress(IMDS_ADDRESS, 80).flatMap((answer): CheckOutcome[] => {
    const w = answer.workload;
    if (!ctx.isSubject(w)) return [];
    return [judgeImdsAccess(ctx, answer, hopLimited)];
  });
}

/**
 * One workload's access to the instance metadata API, from the engine's answer (to
 * 169.254.169.254:80) and the node groups' metadata options (`imdsHopLimited`).
 */
export function judgeImdsAccess(ctx: CheckContext, answer: NetworkAnswer, hopLimited: string | undefined): CheckOutcome {
  // MS-TA9020 judges the same access for the same workloads: its remediation is worked out once.
  return ctx.shared(`imds-access|${hopLimited ?? ''}|${answer.workload.id}`, () => judgedImdsAccess(ctx, answer, hopLimited));
}

function judgedImdsAccess(ctx: CheckContext, answer: NetworkAnswer, hopLimited: string | undefined): CheckOutcome {
  const w = answer.workload;
  if (isHostNetwork(w)) {
    return hostNetworkFailure(CHECK, w, 'NetworkPolicies do not apply and it reaches the instance metadata API as the node does');
  }
  if (hopLimited) {
    return pass(CHECK, w.ref, `${w.id} cannot obtain instance metadata: every node group requires IMDSv2 with a hop limit of 1`, [hopLimited]);
  }
  if (answer.status === 'blocked') {
    return pass(CHECK, w.ref, `${w.id} cannot reach the instance metadata API`, answer.reasons);
  }
  if (answer.status === 'unknown') {
    return unknown(CHECK, w.ref, `whether ${w.id} can reach the instance metadata API is unknown`, answer.reasons);
  }
  return fail(CHECK, w.ref, `${w.id} can reach the instance metadata API at ${IMDS_ADDRESS}:80`, [...answer.reasons, ...imdsFacts(ctx)],
    denyEgressToAddress(ctx, w, `${IMDS_ADDRESS}/32`, 'instance metadata'));
}

/**
 * Evidence sentence when every node group keeps pods away from IMDSv2, else undefined. A Node in the
 * evidence that no listed node group holds (self-managed, Karpenter) may not: then undefined.
 */
export function imdsHopLimited(ctx: CheckContext): string | undefined {
  const groups = ctx.snapshot.cloud.nodeGroups ?? [];
  if (groups.length === 0) return undefined;
  const safe = groups.every((g) => g.httpTokens === 'required' && g.httpPutResponseHopLimit === 1);
  if (!safe || nodesOutsideNodeGroups(ctx.snapshot).length > 0) return undefined;
  const named = groups.map((g) => {
    const source = metadataSourceText(g);
    return source ? `${g.name} (${source})` : g.name;
  });
  return `node groups ${named.join(', ')}: HttpTokens=required, HttpPutResponseHopLimit=1`;
}

/** The same for every workload of a cluster: worked out once. */
function imdsFacts(ctx: CheckContext): readonly string[] {
  return ctx.shared('imds-facts', () => nodeMetadataFacts(ctx));
}

function nodeMetadataFacts(ctx: CheckContext): string[] {
  const groups = ctx.snapshot.cloud.nodeGroups ?? [];
  const outside = nodesOutsideNodeGroups(ctx.snapshot);
  const nodes = outside.length === 0 ? [] : [`Node${outside.length === 1 ? '' : 's'} ${outside.slice(0, 3).join(', ')}${outside.length > 3 ? ` and ${outside.length - 3} more` : ''} `
    + `${outside.length === 1 ? 'is' : 'are'} in no listed EKS managed node group (self-managed or Karpenter): ${outside.length === 1 ? 'its' : 'their'} metadata options are unknown`];
  const unknownGroups = nodeGroupsUnknownText(ctx.snapshot);
  const templates = stepProblem(cloudStep(ctx.snapshot, CLOUD_STEPS.launchTemplates.step));
  return [...(unknownGroups ? [unknownGroups] : groups.map(nodeGroupMetadataText)), ...(templates ? [templates] : []), ...nodes];
}
