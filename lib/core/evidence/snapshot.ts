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

export const cloudFactsSchema = z.object({
  apiServer: z.object({
    endpoint: z.string().optional(),
    endpointPublicAccess: z.boolean().optional(),
    endpointPrivateAccess: z.boolean().optional(),
    publicAccessCidrs: z.array(z.string()).optional(),
  }).strict().optional(),
  vpcCni: z.object({
    version: z.string().optional(),
    /** The add-on's `enableNetworkPolicy` configuration value. */
    enableNetworkPolicy: z.boolean().optional(),
  }).strict().optional(),
  nodeGroups: z.array(z.object({
    name: z.string().min(1),
    httpTokens: z.enum(['required', 'optional']).optional(),
    httpPutResponseHopLimit: z.number().int().min(1).max(64).optional(),
  }).strict()).optional(),
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
