/**
 * What the live collector lists, kind by kind: the API group, version and resource of every kind in
 * EVIDENCE_KINDS, and the client-node call that lists it across all namespaces, one page at a time.
 */
import * as k8s from '@kubernetes/client-node';
import { EVIDENCE_KINDS, type EvidenceKind } from '../../core/evidence/snapshot.js';

/** One page of a list, as plain JSON: the objects as the API server sent them. */
export interface Page {
  readonly items: readonly Record<string, unknown>[];
  readonly continueToken: string | undefined;
}

export interface PageRequest {
  readonly limit: number;
  readonly continueToken: string | undefined;
}

/** The API clients of one cluster; made per collection, never shared between clusters. */
export interface ClusterApis {
  readonly core: k8s.CoreV1Api;
  readonly apps: k8s.AppsV1Api;
  readonly batch: k8s.BatchV1Api;
  readonly discovery: k8s.DiscoveryV1Api;
  readonly networking: k8s.NetworkingV1Api;
  readonly rbac: k8s.RbacAuthorizationV1Api;
  readonly custom: k8s.CustomObjectsApi;
}

export function makeClusterApis(kc: k8s.KubeConfig): ClusterApis {
  return {
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    batch: kc.makeApiClient(k8s.BatchV1Api),
    discovery: kc.makeApiClient(k8s.DiscoveryV1Api),
    networking: kc.makeApiClient(k8s.NetworkingV1Api),
    rbac: kc.makeApiClient(k8s.RbacAuthorizationV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
  };
}

type ListParams = { limit: number; _continue?: string };
type TypedList = { items: readonly object[]; metadata?: { _continue?: string } };
type Lister = (apis: ClusterApis, params: ListParams, options: k8s.ConfigurationOptions) => Promise<TypedList>;

export interface Resource {
  readonly kind: string;
  /** '' for the core group. */
  readonly group: string;
  readonly version: string;
  readonly plural: string;
  readonly list: Lister;
}

/** A custom resource lists as untyped JSON through the CustomObjectsApi. */
function custom(group: string, version: string, plural: string): Lister {
  return async (apis, params, options) => (await apis.custom.listClusterCustomObject({ group, version, plural, ...params }, options)) as TypedList;
}

const RESOURCES: Record<string, Resource> = Object.fromEntries(([
  ['Namespace', '', 'v1', 'namespaces', (a, p, o) => a.core.listNamespace(p, o)],
  ['Pod', '', 'v1', 'pods', (a, p, o) => a.core.listPodForAllNamespaces(p, o)],
  ['ReplicationController', '', 'v1', 'replicationcontrollers', (a, p, o) => a.core.listReplicationControllerForAllNamespaces(p, o)],
  ['Service', '', 'v1', 'services', (a, p, o) => a.core.listServiceForAllNamespaces(p, o)],
  ['Endpoints', '', 'v1', 'endpoints', (a, p, o) => a.core.listEndpointsForAllNamespaces(p, o)],
  ['ServiceAccount', '', 'v1', 'serviceaccounts', (a, p, o) => a.core.listServiceAccountForAllNamespaces(p, o)],
  ['ConfigMap', '', 'v1', 'configmaps', (a, p, o) => a.core.listConfigMapForAllNamespaces(p, o)],
  ['Node', '', 'v1', 'nodes', (a, p, o) => a.core.listNode(p, o)],
  ['Deployment', 'apps', 'v1', 'deployments', (a, p, o) => a.apps.listDeploymentForAllNamespaces(p, o)],
  ['ReplicaSet', 'apps', 'v1', 'replicasets', (a, p, o) => a.apps.listReplicaSetForAllNamespaces(p, o)],
  ['StatefulSet', 'apps', 'v1', 'statefulsets', (a, p, o) => a.apps.listStatefulSetForAllNamespaces(p, o)],
  ['DaemonSet', 'apps', 'v1', 'daemonsets', (a, p, o) => a.apps.listDaemonSetForAllNamespaces(p, o)],
  ['Job', 'batch', 'v1', 'jobs', (a, p, o) => a.batch.listJobForAllNamespaces(p, o)],
  ['CronJob', 'batch', 'v1', 'cronjobs', (a, p, o) => a.batch.listCronJobForAllNamespaces(p, o)],
  ['EndpointSlice', 'discovery.k8s.io', 'v1', 'endpointslices', (a, p, o) => a.discovery.listEndpointSliceForAllNamespaces(p, o)],
  ['Ingress', 'networking.k8s.io', 'v1', 'ingresses', (a, p, o) => a.networking.listIngressForAllNamespaces(p, o)],
  ['NetworkPolicy', 'networking.k8s.io', 'v1', 'networkpolicies', (a, p, o) => a.networking.listNetworkPolicyForAllNamespaces(p, o)],
  ['Route', 'route.openshift.io', 'v1', 'routes', custom('route.openshift.io', 'v1', 'routes')],
  ['AdminNetworkPolicy', 'policy.networking.k8s.io', 'v1alpha1', 'adminnetworkpolicies', custom('policy.networking.k8s.io', 'v1alpha1', 'adminnetworkpolicies')],
  ['BaselineAdminNetworkPolicy', 'policy.networking.k8s.io', 'v1alpha1', 'baselineadminnetworkpolicies',
    custom('policy.networking.k8s.io', 'v1alpha1', 'baselineadminnetworkpolicies')],
  ['Role', 'rbac.authorization.k8s.io', 'v1', 'roles', (a, p, o) => a.rbac.listRoleForAllNamespaces(p, o)],
  ['ClusterRole', 'rbac.authorization.k8s.io', 'v1', 'clusterroles', (a, p, o) => a.rbac.listClusterRole(p, o)],
  ['RoleBinding', 'rbac.authorization.k8s.io', 'v1', 'rolebindings', (a, p, o) => a.rbac.listRoleBindingForAllNamespaces(p, o)],
  ['ClusterRoleBinding', 'rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', (a, p, o) => a.rbac.listClusterRoleBinding(p, o)],
] satisfies [string, string, string, string, Lister][]).map(([kind, group, version, plural, list]) => [kind, { kind, group, version, plural, list }]));

/** The resources of an evidence step, in EVIDENCE_KINDS order. */
export function resourcesOf(step: EvidenceKind): Resource[] {
  return EVIDENCE_KINDS[step].map((kind) => RESOURCES[kind]!);
}

export const groupVersion = (r: Resource): string => (r.group === '' ? r.version : `${r.group}/${r.version}`);

/** `roles.rbac.authorization.k8s.io`, `pods`: how the API server names a resource in a 403. */
export const resourceName = (r: Resource): string => (r.group === '' ? r.plural : `${r.plural}.${r.group}`);

/** One page, each item a plain API object with the kind and apiVersion a list leaves out of its items. */
export async function listPage(apis: ClusterApis, r: Resource, request: PageRequest, options: k8s.ConfigurationOptions): Promise<Page> {
  const params: ListParams = { limit: request.limit, ...(request.continueToken !== undefined && { _continue: request.continueToken }) };
  const raw: { page?: RawList } = {};
  await r.list(apis, params, capturingRawPage(options, raw));
  if (!raw.page) throw new Error(`list ${resourceName(r)}: no list in the answer`);
  const items = (raw.page.items ?? []).map((item) => ({ ...item, apiVersion: groupVersion(r), kind: r.kind }));
  return { items, continueToken: raw.page.metadata?.continue || undefined };
}

interface RawList {
  readonly items?: readonly Record<string, unknown>[];
  readonly metadata?: { readonly continue?: string };
}

/**
 * The typed call still makes the request (authentication, TLS, errors as ApiException), but a 200
 * answer's JSON is taken here and client-node is handed the list without its items. Otherwise it
 * turns every item into its typed model, with an `undefined` key for every absent attribute, and
 * serialising that back to the API's JSON costs as much again: measured, these passes were a large
 * part of a collection's CPU and memory (bench/README.md).
 */
function capturingRawPage(options: k8s.ConfigurationOptions, into: { page?: RawList }): k8s.ConfigurationOptions {
  return {
    ...options,
    middlewareMergeStrategy: 'append',
    middleware: [...(options.middleware ?? []), {
      pre: (ctx) => new k8s.Observable(Promise.resolve(ctx)),
      post: (rc) => new k8s.Observable(takeItems(rc, into)),
    }],
  };
}

async function takeItems(rc: k8s.ResponseContext, into: { page?: RawList }): Promise<k8s.ResponseContext> {
  if (rc.httpStatusCode !== 200) return rc;
  const page = JSON.parse(await rc.body.text()) as RawList;
  into.page = page;
  const rest = JSON.stringify({ ...page, items: [] });
  return new k8s.ResponseContext(rc.httpStatusCode, rc.headers, { text: async () => rest, binary: async () => Buffer.from(rest) });
}
