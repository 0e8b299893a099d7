/**
 * Raw Kubernetes objects → validated `ClusterModel`, with diagnostics.
 *
 * What is fatal follows what the API server would reject in a policy (a policy we cannot read
 * exactly would make every answer wrong): invalid or conflicting NetworkPolicies and admin policies,
 * and duplicate namespaces. A malformed workload, service or route is a warning and is skipped.
 */
import type { DiagnosticList } from '../diagnostics.js';
import type { SourcedObject } from '../manifests/parseManifestText.js';
import type { Labels } from './labelSelector.js';
import { checkOwnerLabelGaps } from './ownerLabelGaps.js';
import type {
  AdminPolicyInfo, ClusterModel, ExposedBackend, NamespaceInfo, NetworkPolicyInfo, PodShape, ServiceInfo, Workload,
} from './model.js';
import { parseAdminPolicy } from './parse/adminPolicy.js';
import { InvalidObjectError, isMap, stringMap, type Json } from './parse/fields.js';
import { ParseMemo } from './parse/memo.js';
import { displayedName, readObjectName } from './parse/metadata.js';
import { parseNetworkPolicy } from './parse/networkPolicy.js';
import { parseIngress, parseRoute, parseService } from './parse/services.js';
import { controllingOwner, MADE_BY, parsePod, parseWorkloadResource, WORKLOAD_KINDS } from './parse/workloads.js';
import { pushAll } from '../arrays.js';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function workloadId(namespace: string, name: string, kind: string): string {
  return `${namespace}/${name}[${kind}]`;
}

export function buildClusterModel(objects: readonly SourcedObject[], diagnostics: DiagnosticList): ClusterModel {
  const builder = new ModelBuilder(diagnostics);
  for (const o of objects) builder.add(o);
  if (builder.seen.workloads === 0) diagnostics.warn('no relevant Kubernetes workload resources found');
  if (builder.seen.policies === 0) diagnostics.warn('no relevant Kubernetes network policy resources found: all connections are allowed');
  return builder.finish();
}

/**
 * The objects of one cluster that kubeseg can read, with one diagnostic for each it cannot. A kind
 * the model reads is read exactly as {@link buildClusterModel} reads it (an invalid policy or
 * namespace is fatal, a malformed workload, Service or Route is skipped with a warning); any other
 * of `kinds` needs a readable name and namespace; kinds not in `kinds` are left out. `scan` builds
 * its snapshots from these, so that the checks, the engine and `connectivity` see the same objects
 * and the same warnings.
 */
export function admitObjects(objects: readonly SourcedObject[], kinds: ReadonlySet<string>, diagnostics: DiagnosticList): SourcedObject[] {
  const builder = new ModelBuilder(diagnostics);
  const admitted: SourcedObject[] = [];
  for (const o of objects) {
    const kind = String(o.object.kind);
    if (!kinds.has(kind)) continue;
    const verdict = builder.add(o);
    if (verdict === 'read' || (verdict === 'ignored' && hasReadableName(o, diagnostics))) admitted.push(o);
  }
  // Refused now rather than by the analysis, which no longer knows the files.
  if (!diagnostics.hasFatal) checkOwnerLabelGaps(builder.finish(), diagnostics);
  return admitted;
}

/** Kinds outside the model that have no namespace, for naming them in messages. */
const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set(['Node', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass']);

function hasReadableName({ source, object }: SourcedObject, diagnostics: DiagnosticList): boolean {
  try {
    readObjectName(object);
    return true;
  } catch (err) {
    if (!(err instanceof InvalidObjectError)) throw err;
    const kind = String(object.kind);
    diagnostics.warn(`${err.message}; object skipped`, { source, object: objectLabel(kind, displayedName(object), CLUSTER_SCOPED_KINDS.has(kind)) });
    return false;
  }
}

/** `Kind namespace/name`, or `Kind name` for a cluster-scoped kind. */
function objectLabel(kind: string, { namespace, name }: { namespace: string; name: string }, clusterScoped: boolean): string {
  return clusterScoped ? `${kind} ${name}` : `${kind} ${namespace}/${name}`;
}

/**
 * The model with NetworkPolicies added, each replacing the policy of the same namespace and name if
 * there is one: what a what-if analysis applies, without reading every other object again. An
 * invalid policy is fatal, as in {@link buildClusterModel}; objects of other kinds are refused.
 */
export function withNetworkPolicies(model: ClusterModel, objects: readonly SourcedObject[], diagnostics: DiagnosticList): ClusterModel {
  const memo = new ParseMemo();
  const policies = new Map(model.policies.map((p) => [`${p.namespace}/${p.name}`, p]));
  const namespaces = new Map(model.namespaces.map((n) => [n.name, n]));
  for (const { source, object } of objects) {
    const label = objectLabel(String(object.kind), displayedName(object), false);
    if (object.kind !== 'NetworkPolicy') throw new Error(`${label}: only NetworkPolicies can be added to an analysed model`);
    try {
      const { namespace, name } = readObjectName(object);
      policies.set(`${namespace}/${name}`, parseNetworkPolicy(object as Json, namespace, name, memo));
      if (!namespaces.has(namespace)) namespaces.set(namespace, implicitNamespace(namespace));
    } catch (err) {
      if (!(err instanceof InvalidObjectError)) throw err;
      diagnostics.fatal(err.message, { source, object: label });
    }
  }
  return { ...model, namespaces: [...namespaces.values()], policies: [...policies.values()] };
}

/** A namespace that objects live in without a Namespace object: it carries only its name label. */
function implicitNamespace(name: string): NamespaceInfo {
  return { name, labels: { [NAMESPACE_NAME_LABEL]: name } };
}

class ModelBuilder {
  private readonly namespaces = new Map<string, NamespaceInfo>();
  private readonly implicitNamespaces = new Set<string>();
  private readonly workloads = new Map<string, WorkloadEntry>();
  /** Workload resources read so far (pods may have named their owner before it appears). */
  private readonly workloadResources = new Set<string>();
  /** ReplicaSets and Jobs → the id of the Deployment or CronJob that made them (see MADE_BY). */
  private readonly madeBy = new Map<string, string>();
  private readonly policies = new Map<string, NetworkPolicyInfo>();
  private readonly adminPolicies = new Map<string, AdminPolicyInfo>();
  private readonly services = new Map<string, ServiceInfo>();
  private readonly exposedBackends: ExposedBackend[] = [];
  /** Counted before validation, so that a rejected object is not reported as missing. */
  readonly seen = { workloads: 0, policies: 0 };
  private readonly memo = new ParseMemo();
  private readonly handlers = this.kindHandlers();

  constructor(private readonly diagnostics: DiagnosticList) {}

  /** Whether the object was read into the model, rejected (and reported), or is of a kind the model ignores. */
  add({ source, object }: SourcedObject): 'read' | 'rejected' | 'ignored' {
    const kind = object.kind as string;
    const handler = this.handlers.get(kind);
    if (!handler) return 'ignored'; // kinds that do not affect connectivity (ConfigMap, RBAC, ...)
    if (handler.counts) this.seen[handler.counts]++;
    const label = objectLabel(kind, displayedName(object), handler.clusterScoped);
    try {
      const { namespace, name } = readObjectName(object);
      handler.run(object as Json, namespace, name, (message) => this.diagnostics.warn(message, { source, object: label }));
      if (!handler.clusterScoped) this.implicitNamespaces.add(namespace);
      return 'read';
    } catch (err) {
      if (!(err instanceof InvalidObjectError)) throw err;
      this.report(handler.fatal, err.message, source, label);
      return 'rejected';
    }
  }

  private report(fatal: boolean, message: string, source: string, object: string): void {
    if (fatal) this.diagnostics.fatal(message, { source, object });
    else this.diagnostics.warn(`${message}; object skipped`, { source, object });
  }

  /** One handler per kind, built once rather than per object. */
  private kindHandlers(): Map<string, KindHandler> {
    const handlers = new Map<string, KindHandler>([
      ['Namespace', { fatal: true, clusterScoped: true, run: (o, _ns, name) => this.addNamespace(o, name) }],
      ['Pod', { fatal: false, clusterScoped: false, counts: 'workloads', run: (o, ns, name) => this.addPod(o, ns, name) }],
      ['NetworkPolicy', { fatal: true, clusterScoped: false, counts: 'policies', run: (o, ns, name) => this.addPolicy(o, ns, name) }],
      ['Service', { fatal: false, clusterScoped: false, run: (o, ns, name) => this.addService(o, ns, name) }],
      ['Ingress', {
        fatal: false, clusterScoped: false,
        run: (o, ns, name) => pushAll(this.exposedBackends, parseIngress(o, { kind: 'Ingress', namespace: ns, name })),
      }],
      ['Route', {
        fatal: false, clusterScoped: false,
        run: (o, ns, name) => pushAll(this.exposedBackends, parseRoute(o, { kind: 'Route', namespace: ns, name })),
      }],
    ]);
    for (const kind of WORKLOAD_KINDS) {
      handlers.set(kind, { fatal: false, clusterScoped: false, counts: 'workloads', run: (o, ns, name) => this.addWorkload(o, kind, ns, name) });
    }
    for (const kind of ['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'] as const) {
      handlers.set(kind, {
        fatal: true, clusterScoped: true, counts: 'policies', run: (o, _ns, name, warn) => this.addAdminPolicy(o, kind, name, warn),
      });
    }
    return handlers;
  }

  private addNamespace(obj: Json, name: string): void {
    if (this.namespaces.has(name)) {
      throw new InvalidObjectError(`Namespace "${name}" already exists: only one object of a given kind can have a given name at a time`);
    }
    const labels = stringMap(isMap(obj.metadata) ? obj.metadata : {}, 'labels', 'metadata');
    this.namespaces.set(name, { name, labels: { ...labels, [NAMESPACE_NAME_LABEL]: name } });
  }

  private addPod(obj: Json, namespace: string, name: string): void {
    const { owner, shape } = parsePod(obj, name);
    const workload = this.entry(owner.kind, namespace, owner.name);
    workload.podShapes.add(shape);
    workload.podObjects++;
  }

  private addWorkload(obj: Json, kind: string, namespace: string, name: string): void {
    const { shape, podCount } = parseWorkloadResource(obj, kind, name);
    const id = workloadId(namespace, name, kind);
    if (this.workloadResources.has(id)) throw new InvalidObjectError(`${kind} "${namespace}/${name}" appears more than once`);
    this.workloadResources.add(id);
    const workload = this.entry(kind, namespace, name);
    workload.template = shape;
    workload.declaredPods = podCount;
    const maker = controllingOwner(obj);
    if (maker && maker.kind === MADE_BY[kind]) this.madeBy.set(id, workloadId(namespace, maker.name, maker.kind));
  }

  /**
   * A ReplicaSet or Job whose maker was read becomes part of it: its pods are the maker's, and its
   * own template (an old rollout's, often scaled to zero) is not. Without the maker it stays a
   * workload of its own.
   */
  private foldIntoMakers(): void {
    for (const [id, makerId] of this.madeBy) {
      const made = this.workloads.get(id);
      const maker = this.workloads.get(makerId);
      if (!made || !maker || !this.workloadResources.has(makerId)) continue;
      for (const shape of made.podShapes.values()) maker.podShapes.add(shape);
      maker.podObjects += made.podObjects;
      this.workloads.delete(id);
    }
  }

  private entry(kind: string, namespace: string, name: string): WorkloadEntry {
    const id = workloadId(namespace, name, kind);
    let workload = this.workloads.get(id);
    if (!workload) {
      workload = { kind, namespace, name, podShapes: new ShapeSet(), podObjects: 0 };
      this.workloads.set(id, workload);
    }
    return workload;
  }

  private addPolicy(obj: Json, namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    if (this.policies.has(key)) {
      throw new InvalidObjectError(`NetworkPolicy "${key}" already exists: only one object of a given kind can have a given name at a time`);
    }
    this.policies.set(key, parseNetworkPolicy(obj, namespace, name, this.memo));
  }

  private addAdminPolicy(obj: Json, kind: AdminPolicyInfo['kind'], name: string, warn: (m: string) => void): void {
    const key = `${kind}/${name}`;
    if (this.adminPolicies.has(key)) {
      throw new InvalidObjectError(`an ${kind} "${name}" already exists: only one object of a given kind can have a given name at a time`);
    }
    const policy = parseAdminPolicy(obj, kind, name, warn);
    const clash = [...this.adminPolicies.values()].find((p) => !p.baseline && !policy.baseline && p.priority === policy.priority);
    if (clash) {
      throw new InvalidObjectError(
        `AdminNetworkPolicies "${clash.name}" and "${name}" both have priority ${policy.priority}. Two policies are considered to be conflicting if they are assigned the same priority.`);
    }
    this.adminPolicies.set(key, policy);
  }

  private addService(obj: Json, namespace: string, name: string): void {
    this.services.set(`${namespace}/${name}`, parseService(obj, namespace, name));
  }

  finish(): ClusterModel {
    this.foldIntoMakers();
    for (const name of this.implicitNamespaces) {
      if (!this.namespaces.has(name)) this.namespaces.set(name, implicitNamespace(name));
    }
    const workloads: Workload[] = [...this.workloads].map(([id, w]) => ({
      id, kind: w.kind, namespace: w.namespace, name: w.name, pods: podShapes(w),
      podCount: w.declaredPods ?? w.podObjects,
    }));
    return {
      namespaces: [...this.namespaces.values()],
      workloads,
      policies: [...this.policies.values()],
      adminPolicies: [...this.adminPolicies.values()],
      services: [...this.services.values()],
      exposedBackends: this.exposedBackends,
    };
  }
}

/** How one kind of object is read into the model. */
interface KindHandler {
  /** Whether rejecting the object is fatal (policies, namespaces) or only skips it with a warning. */
  readonly fatal: boolean;
  readonly clusterScoped: boolean;
  /** The `seen` counter the kind counts towards, if any. */
  readonly counts?: 'workloads' | 'policies';
  readonly run: (o: Json, ns: string, name: string, warn: (m: string) => void) => void;
}

interface WorkloadEntry {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** The pod template of the workload resource, when the input has it. */
  template?: PodShape;
  /** The distinct shapes of its Pod objects. */
  readonly podShapes: ShapeSet;
  /** Replicas declared by the workload resource, when the input has it. */
  declaredPods?: number;
  podObjects: number;
}

/**
 * The pods a workload runs: its Pod objects when the input lists them (a live cluster, or
 * `kubectl get all`), else its template. Listed pods are what runs; they also carry labels the
 * controller adds (`pod-template-hash`) that a template leaves out.
 */
function podShapes(w: WorkloadEntry): PodShape[] {
  if (w.podObjects > 0 || !w.template) return w.podShapes.values();
  return [w.template];
}

/**
 * Distinct pod shapes in first-seen order; an equal shape seen later takes the earlier one's place.
 * Most workloads only ever get one shape, so keys are computed once a second one arrives.
 */
class ShapeSet {
  private first: PodShape | undefined;
  private byKey: Map<string, PodShape> | undefined;

  add(shape: PodShape): void {
    if (!this.first) {
      this.first = shape;
      return;
    }
    this.byKey ??= new Map([[shapeKey(this.first), this.first]]);
    this.byKey.set(shapeKey(shape), shape);
  }

  values(): PodShape[] {
    if (this.byKey) return [...this.byKey.values()];
    return this.first ? [this.first] : [];
  }
}

function shapeKey(shape: PodShape): string {
  return JSON.stringify([sortedLabels(shape.labels), shape.ports]);
}

function sortedLabels(labels: Labels): [string, string][] {
  return Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
