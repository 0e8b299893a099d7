/**
 * The evidence snapshot (DESIGN §3.3): one versioned JSON document per cluster holding its identity,
 * the Kubernetes objects the checks need (secret values already removed, see sanitize.ts), cloud
 * facts when known, and the status of every collection step. The offline manifest loader, the demo
 * and the live collector all produce it, so every check runs the same on all of them.
 */
import * as z from 'zod';

export const SNAPSHOT_VERSION = 1;

export const COLLECTION_STATUSES = ['ok', 'forbidden', 'error', 'absent'] as const;
export type CollectionStatus = (typeof COLLECTION_STATUSES)[number];

/**
 * What the checks read, by collection step. A step that is not `ok` makes every check that needs
 * it report `unknown` with the step's reason, never `pass`. Secrets are not among them: no check
 * needs one, so kubeseg neither lists them live (a list returns their values) nor keeps them offline.
 */
export const EVIDENCE_KINDS = {
  namespaces: ['Namespace'],
  workloads: ['Pod', 'Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'],
  services: ['Service', 'Endpoints', 'EndpointSlice', 'Ingress', 'Route'],
  networkpolicies: ['NetworkPolicy'],
  adminnetworkpolicies: ['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'],
  serviceaccounts: ['ServiceAccount'],
  rbac: ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
  configmaps: ['ConfigMap'],
  nodes: ['Node'],
} as const;
export type EvidenceKind = keyof typeof EVIDENCE_KINDS;
export const EVIDENCE_KIND_NAMES = Object.keys(EVIDENCE_KINDS) as EvidenceKind[];

export const collectionStepSchema = z.object({
  /** An evidence kind (`pods`...) or a cloud step (`describe cluster`, `vpc-cni add-on`...). */
  step: z.string().min(1),
  status: z.enum(COLLECTION_STATUSES),
  /** Why, for anything but `ok`: "403 Forbidden: list roles.rbac.authorization.k8s.io". */
  detail: z.string().optional(),
});
export type CollectionStep = z.infer<typeof collectionStepSchema>;

export const clusterIdentitySchema = z.object({
  name: z.string().min(1),
  account: z.string().regex(/^\d{12}$/, 'an AWS account id has 12 digits').optional(),
  region: z.string().min(1).optional(),
  source: z.enum(['eks', 'kubeconfig', 'manifests', 'demo']),
});
export type ClusterIdentity = z.infer<typeof clusterIdentitySchema>;

/** Where a node group's metadata options come from (the evidence names it). */
export const METADATA_SOURCES = ['launch-template', 'eks-default', 'ec2-default'] as const;
export type MetadataSource = (typeof METADATA_SOURCES)[number];

export const nodeGroupFactsSchema = z.object({
  name: z.string().min(1),
  httpTokens: z.enum(['required', 'optional']).optional(),
  httpPutResponseHopLimit: z.number().int().min(1).max(64).optional(),
  /**
   * `launch-template`: the node group's own launch template sets them; `eks-default`: no custom
   * launch template, so EKS's defaults for the AMI type apply; `ec2-default`: the launch template
   * sets no metadata options, so EC2's defaults (from the AMI and the account) apply.
   */
  metadataSource: z.enum(METADATA_SOURCES).optional(),
  /** The node group's AMI type (`AL2023_x86_64_STANDARD`...), which decides EKS's defaults. */
  amiType: z.string().min(1).optional(),
  launchTemplate: z.object({ id: z.string().optional(), name: z.string().optional(), version: z.string().optional() }).strict().optional(),
}).strict();
export type NodeGroupFacts = z.infer<typeof nodeGroupFactsSchema>;

/** An EKS Pod Identity association: pods of that ServiceAccount get the IAM role's credentials. */
export const podIdentityAssociationSchema = z.object({
  namespace: z.string().min(1),
  serviceAccount: z.string().min(1),
  roleArn: z.string().min(1).optional(),
}).strict();
export type PodIdentityAssociation = z.infer<typeof podIdentityAssociationSchema>;

/** An EKS access entry: an IAM principal's access to the cluster, through Kubernetes groups or EKS access policies. */
export const accessEntrySchema = z.object({
  principalArn: z.string().min(1),
  /** `STANDARD`, `EC2_LINUX`, `FARGATE_LINUX`... */
  type: z.string().min(1).optional(),
  username: z.string().optional(),
  kubernetesGroups: z.array(z.string()).optional(),
  accessPolicies: z.array(z.object({
    /** `arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy`. */
    policyArn: z.string().min(1),
    scope: z.enum(['cluster', 'namespace']),
    namespaces: z.array(z.string()).optional(),
  }).strict()).optional(),
}).strict();
export type AccessEntry = z.infer<typeof accessEntrySchema>;

export const cloudFactsSchema = z.object({
  apiServer: z.object({
    endpoint: z.string().optional(),
    endpointPublicAccess: z.boolean().optional(),
    endpointPrivateAccess: z.boolean().optional(),
    publicAccessCidrs: z.array(z.string()).optional(),
  }).strict().optional(),
  /** What DescribeCluster says of the cluster itself. */
  eks: z.object({
    kubernetesVersion: z.string().optional(),
    platformVersion: z.string().optional(),
    /** `CONFIG_MAP` (aws-auth only), `API_AND_CONFIG_MAP` or `API` (access entries only). */
    authenticationMode: z.string().optional(),
  }).strict().optional(),
  vpcCni: z.object({
    /** `absent`: no vpc-cni EKS add-on (the VPC CNI, if any, is self-managed and its setting unknown). */
    addOn: z.enum(['installed', 'absent']).optional(),
    version: z.string().optional(),
    /** The add-on's `enableNetworkPolicy` configuration value. */
    enableNetworkPolicy: z.boolean().optional(),
  }).strict().optional(),
  /** EKS managed node groups (self-managed nodes and Fargate are not listed). */
  nodeGroups: z.array(nodeGroupFactsSchema).optional(),
  podIdentityAssociations: z.array(podIdentityAssociationSchema).optional(),
  accessEntries: z.array(accessEntrySchema).optional(),
}).strict();
export type CloudFacts = z.infer<typeof cloudFactsSchema>;

/** A Kubernetes object as collected, after `sanitizeObject`. */
export const kubeObjectSchema = z.looseObject({
  kind: z.string().min(1),
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional() }),
});
export type KubeObject = z.infer<typeof kubeObjectSchema>;

/**
 * The step a live collector records when it cannot reach the API server at all (DNS, TCP, TLS,
 * timeout on discovery); its detail is the reason, and the cluster is reported `unreachable`.
 */
export const API_SERVER_STEP = 'api server';

/**
 * The cloud collection steps of an EKS cluster and the IAM actions each needs. A step that is not
 * `ok` leaves its facts undefined, and the checks that read them say so.
 */
export const CLOUD_STEPS = {
  cluster: { step: 'describe cluster', actions: 'eks:DescribeCluster' },
  nodeGroups: { step: 'node groups', actions: 'eks:ListNodegroups and eks:DescribeNodegroup' },
  launchTemplates: { step: 'launch templates', actions: 'ec2:DescribeLaunchTemplateVersions' },
  vpcCni: { step: 'vpc-cni add-on', actions: 'eks:DescribeAddon' },
  podIdentity: { step: 'pod identity associations', actions: 'eks:ListPodIdentityAssociations and eks:DescribePodIdentityAssociation' },
  accessEntries: { step: 'access entries', actions: 'eks:ListAccessEntries, eks:DescribeAccessEntry and eks:ListAssociatedAccessPolicies' },
} as const;

/** Policy-engine CRD groups whose policies could also filter traffic (DESIGN §4 reads NetworkPolicy and ANP only). */
export const POLICY_ENGINE_GROUPS = ['cilium.io', 'crd.projectcalico.org', 'projectcalico.org'] as const;

export const snapshotSchema = z.object({
  snapshotVersion: z.literal(SNAPSHOT_VERSION),
  cluster: clusterIdentitySchema,
  objects: z.array(kubeObjectSchema),
  cloud: cloudFactsSchema,
  collection: z.array(collectionStepSchema),
  /**
   * Of POLICY_ENGINE_GROUPS, those the API server serves (from API discovery). Only a live
   * collection knows this; absent for offline manifests, where it is unknown.
   */
  policyEngineGroups: z.array(z.string().min(1)).optional(),
}).strict();
export type EvidenceSnapshot = z.infer<typeof snapshotSchema>;

/** The status of an evidence kind; a kind without a recorded step was not collected. */
export function evidenceStatus(snapshot: EvidenceSnapshot, kind: string): CollectionStep {
  return snapshot.collection.find((s) => s.step === kind) ?? { step: kind, status: 'error', detail: 'not collected' };
}
