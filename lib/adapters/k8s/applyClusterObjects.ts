/**
 * Create-or-replace of the cluster-scoped RBAC objects kubeseg owns (its ClusterRole and
 * ClusterRoleBinding): read by name; create when absent; leave alone when the fields kubeseg sets
 * already hold; otherwise replace them at the read resourceVersion, keeping labels and annotations
 * others added. A role's rules become exactly kubeseg's (a widened role is narrowed back); a
 * binding keeps the subjects it has and gains kubeseg's, so granting a second group does not take
 * the role from the first.
 */
import { isDeepStrictEqual } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';

export type ApplyOutcome = 'created' | 'updated' | 'unchanged';

export interface Applied {
  readonly kind: string;
  readonly name: string;
  readonly outcome: ApplyOutcome;
}

/** A write the API server refused or could not be reached for: one line naming the call and object. */
export class KubeApplyError extends Error {}

type Obj = Record<string, unknown> & { metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string } };

interface KindApi {
  readonly model: string;
  /** The fields besides metadata that the object should hold, given what it holds now. */
  wanted(desired: Obj, current: Record<string, unknown>): Record<string, unknown>;
  readonly resource: string;
  read(name: string): Promise<object>;
  create(body: Obj): Promise<object>;
  replace(name: string, body: Obj): Promise<object>;
}

function kindApis(rbac: k8s.RbacAuthorizationV1Api, options: k8s.ConfigurationOptions): Record<string, KindApi> {
  return {
    ClusterRole: {
      model: 'V1ClusterRole', resource: 'clusterroles.rbac.authorization.k8s.io',
      wanted: (desired) => ({ rules: desired.rules }),
      read: (name) => rbac.readClusterRole({ name }, options),
      create: (body) => rbac.createClusterRole({ body: typed(body, 'V1ClusterRole') }, options),
      replace: (name, body) => rbac.replaceClusterRole({ name, body: typed(body, 'V1ClusterRole') }, options),
    },
    ClusterRoleBinding: {
      model: 'V1ClusterRoleBinding', resource: 'clusterrolebindings.rbac.authorization.k8s.io',
      wanted: (desired, current) => {
        const have = (current.subjects ?? []) as unknown[];
        const add = (plainJson(desired.subjects) as unknown[]).filter((s) => !have.some((h) => isDeepStrictEqual(h, s)));
        // roleRef cannot change on a live binding: a binding of that name to another role fails the replace, which names it.
        return { roleRef: desired.roleRef, subjects: [...have, ...add] };
      },
      read: (name) => rbac.readClusterRoleBinding({ name }, options),
      create: (body) => rbac.createClusterRoleBinding({ body: typed(body, 'V1ClusterRoleBinding') }, options),
      replace: (name, body) => rbac.replaceClusterRoleBinding({ name, body: typed(body, 'V1ClusterRoleBinding') }, options),
    },
  };
}

/** Applies the objects in order (a role before the binding that names it). */
export async function applyClusterObjects(kc: k8s.KubeConfig, objects: readonly Record<string, unknown>[], options: k8s.ConfigurationOptions): Promise<Applied[]> {
  const apis = kindApis(kc.makeApiClient(k8s.RbacAuthorizationV1Api), options);
  const applied: Applied[] = [];
  for (const object of objects as Obj[]) {
    const api = apis[String(object.kind)];
    if (!api) throw new KubeApplyError(`cannot apply a ${String(object.kind)}: only ClusterRole and ClusterRoleBinding`);
    applied.push({ kind: String(object.kind), name: object.metadata.name, outcome: await applyOne(api, object, kc.getCurrentCluster()?.server ?? '') });
  }
  return applied;
}

async function applyOne(api: KindApi, desired: Obj, server: string): Promise<ApplyOutcome> {
  const { name } = desired.metadata;
  const call = async <T>(verb: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      throw new KubeApplyError(failure(err, `${verb} ${api.resource} ${name}`, server));
    }
  };
  const current = await call('get', async () => {
    try {
      return plain(await api.read(name), api.model);
    } catch (err) {
      if (err instanceof k8s.ApiException && err.code === 404) return undefined;
      throw err;
    }
  });
  if (current === undefined) {
    await call('create', () => api.create(desired));
    return 'created';
  }
  const meta = (current.metadata ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string>; resourceVersion?: string };
  const labels = { ...meta.labels, ...desired.metadata.labels };
  const wanted = plainJson(api.wanted(desired, current)) as Record<string, unknown>;
  const same = Object.entries(wanted).every(([field, value]) => isDeepStrictEqual(current[field], value)) && isDeepStrictEqual(labels, meta.labels ?? {});
  if (same) return 'unchanged';
  const body: Obj = { ...desired, ...wanted, metadata: { name, labels, ...(meta.annotations && { annotations: meta.annotations }), resourceVersion: meta.resourceVersion } };
  await call('update', () => api.replace(name, body));
  return 'updated';
}

/** Plain API JSON as the typed model a client call takes (it serialises the model back to the same JSON). */
const typed = <T>(body: Obj, type: string): T => ObjectSerializer.deserialize(body, type, '') as T;

/** A typed model back to the API's JSON, so that it compares with the plain objects kubeseg generates. */
const plain = (model: object, type: string): Record<string, unknown> => plainJson(ObjectSerializer.serialize(model, type, '')) as Record<string, unknown>;
const plainJson = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

function failure(err: unknown, what: string, server: string): string {
  if (err instanceof k8s.ApiException) {
    const reason = typeof err.body === 'string' ? (/"message":"([^"]*)"/.exec(err.body)?.[1] ?? '') : '';
    return `${what}: HTTP ${err.code}${reason ? `: ${reason}` : ''}`;
  }
  const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
  const code = (err as { code?: string }).code ?? '';
  // The CA from DescribeCluster is the only one trusted: a certificate it did not sign stops the run.
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `${what}: the API server ${server} presented a certificate the cluster's CA did not sign (${code})`;
  if (err instanceof Error && err.name === 'AbortError') return `${what}: timed out`;
  return `${what}: ${message}`;
}
