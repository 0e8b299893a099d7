/**
 * How checks read the EKS cloud facts: node groups' metadata options and where they come from,
 * Pod Identity roles, access entries. A cloud step that was not `ok` leaves its facts undefined;
 * these helpers turn that into the reason a check prints, never into a pass.
 */
import { CLOUD_STEPS, type AccessEntry, type CollectionStep, type EvidenceSnapshot, type NodeGroupFacts } from '../evidence/snapshot.js';

/** The recorded status of a cloud step; undefined when none was recorded (offline input without it). */
export function cloudStep(snapshot: EvidenceSnapshot, step: string): CollectionStep | undefined {
  return snapshot.collection.find((s) => s.step === step);
}

/** `node groups: forbidden (eks:ListNodegroups ...: AccessDeniedException)`, for a step that is not ok. */
export function stepProblem(step: CollectionStep | undefined): string | undefined {
  if (!step || step.status === 'ok' || step.status === 'absent') return undefined;
  return `${step.step}: ${step.status}${step.detail ? ` (${step.detail})` : ''}`;
}

/** Where a node group's metadata options come from, in words. */
export function metadataSourceText(g: NodeGroupFacts): string | undefined {
  const lt = g.launchTemplate;
  const template = lt ? `launch template ${lt.id ?? lt.name ?? ''}${lt.version ? ` version ${lt.version}` : ''}` : undefined;
  switch (g.metadataSource) {
    case 'launch-template': return template;
    case 'eks-default': return `EKS default${g.amiType ? ` for ${g.amiType}` : ''}, no custom launch template`;
    case 'ec2-default': return `${template ?? 'launch template'} sets no metadata options: EC2 defaults apply, set by the AMI and the account`;
    default: return template ? `${template} could not be read` : undefined;
  }
}

/** `node group general: HttpTokens=optional, HttpPutResponseHopLimit=2 (launch template lt-1 version 3)`. */
export function nodeGroupMetadataText(g: NodeGroupFacts): string {
  const source = metadataSourceText(g);
  const unknownWhy = g.metadataSource === 'eks-default' && g.httpTokens === undefined
    ? '; the EKS User Guide documents these defaults for AL2023 only' : '';
  return `node group ${g.name}: HttpTokens=${g.httpTokens ?? 'unknown'}, HttpPutResponseHopLimit=${g.httpPutResponseHopLimit ?? 'unknown'}`
    + (source ? ` (${source}${unknownWhy})` : '');
}

/** Why the node groups' metadata options are unknown, or undefined when some are recorded. */
export function nodeGroupsUnknownText(snapshot: EvidenceSnapshot): string | undefined {
  const groups = snapshot.cloud.nodeGroups;
  if (groups && groups.length > 0) return undefined;
  if (groups) return 'the cluster has no EKS managed node groups (self-managed nodes\' and Fargate\'s metadata options are not read)';
  const problem = stepProblem(cloudStep(snapshot, CLOUD_STEPS.nodeGroups.step));
  return `node-group metadata options are unknown${problem ? ` (${problem})` : ''}`;
}

/**
 * Nodes in the evidence that no listed managed node group holds (self-managed nodes, Karpenter):
 * their metadata options are unknown. Fargate nodes have no instance metadata for pods at all.
 */
export function nodesOutsideNodeGroups(snapshot: EvidenceSnapshot): string[] {
  const groups = new Set((snapshot.cloud.nodeGroups ?? []).map((g) => g.name));
  return snapshot.objects.filter((o) => o.kind === 'Node').flatMap((node) => {
    const labels = (node.metadata.labels ?? {}) as Record<string, unknown>;
    if (labels['eks.amazonaws.com/compute-type'] === 'fargate') return [];
    const group = labels['eks.amazonaws.com/nodegroup'];
    return typeof group === 'string' && groups.has(group) ? [] : [node.metadata.name];
  });
}

/** Pod Identity roles by `namespace/serviceAccount`, or the reason they are unknown. */
export type PodIdentityRoles = { readonly known: true; readonly roles: Map<string, string> } | { readonly known: false; readonly reason: string };

export function podIdentityRoles(snapshot: EvidenceSnapshot): PodIdentityRoles {
  const associations = snapshot.cloud.podIdentityAssociations;
  if (associations) {
    return { known: true, roles: new Map(associations.map((a) => [`${a.namespace}/${a.serviceAccount}`, a.roleArn ?? 'an IAM role (ARN not recorded)'])) };
  }
  const problem = stepProblem(cloudStep(snapshot, CLOUD_STEPS.podIdentity.step));
  return { known: false, reason: problem ? `EKS Pod Identity associations could not be read (${problem})` : 'EKS Pod Identity associations are not in the evidence' };
}

const CLUSTER_ADMIN_POLICIES = ['AmazonEKSClusterAdminPolicy', 'AmazonEKSAdminPolicy'];

/** Access entries that hold a cluster-admin EKS access policy at cluster scope, each with the policy's name. */
export function clusterAdminEntries(snapshot: EvidenceSnapshot): { entry: AccessEntry; policy: string }[] {
  return (snapshot.cloud.accessEntries ?? []).flatMap((entry) => {
    const policy = (entry.accessPolicies ?? []).find((p) => p.scope === 'cluster' && CLUSTER_ADMIN_POLICIES.includes(policyName(p.policyArn)));
    return policy ? [{ entry, policy: policyName(policy.policyArn) }] : [];
  });
}

const policyName = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);

/** IAM principals whose access entries put them in a Kubernetes group. */
export function accessEntryMembers(snapshot: EvidenceSnapshot, group: string): string[] {
  return (snapshot.cloud.accessEntries ?? []).filter((e) => e.kubernetesGroups?.includes(group)).map((e) => e.principalArn);
}
