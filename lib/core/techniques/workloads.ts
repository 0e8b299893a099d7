/**
 * The workloads of a snapshot with what non-network checks read: the pod spec, labels, annotations
 * and service account. Ids match the reachability engine's (`ns/name[Kind]`), pods collapsing into
 * their controlling owner exactly as there.
 */
import type { KubeObject } from '../evidence/snapshot.js';
import { fail, type CheckOutcome, type ResourceRef } from '../findings/finding.js';
import { workloadId } from '../netpol/buildClusterModel.js';
import { displayedName } from '../netpol/parse/metadata.js';
import { podOwner, templatePath } from '../netpol/parse/workloads.js';
import type { ClusterModel } from '../netpol/model.js';

type Json = Record<string, unknown>;

export interface WorkloadInfo {
  /** `namespace/name[Kind]`, as in the connectivity list. */
  readonly id: string;
  /** What findings name: the owning workload, or the bare pod. */
  readonly ref: ResourceRef & { readonly namespace: string };
  /** The (sanitised) pod spec of its template or of one of its pods. */
  readonly podSpec: Json;
  readonly podLabels: Readonly<Record<string, string>>;
  readonly podAnnotations: Readonly<Record<string, string>>;
  readonly serviceAccountName: string;
}

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The workloads of the engine's model, described from their objects. An object the model did not
 * read (a malformed one, or a duplicate) is left out, so that every check asks the engine only
 * about workloads it knows.
 */
export function inventoryWorkloads(objects: readonly KubeObject[], model: Pick<ClusterModel, 'workloads'>): WorkloadInfo[] {
  const known = new Set(model.workloads.map((w) => w.id));
  const byId = new Map<string, WorkloadInfo>();
  const described = new Set<string>();
  for (const o of objects) {
    const path = o.kind === 'Pod' ? [] : templatePath(o.kind);
    if (!path) continue;
    const { namespace, name } = displayedName(o);
    const owner = o.kind === 'Pod' ? podOwner(o as Json, name) : { kind: o.kind, name };
    const id = workloadId(namespace, owner.name, owner.kind);
    if (!known.has(id)) continue;
    // The resource's template describes the workload better than one of its pods; of two
    // resources with one id, the model read the first.
    if (o.kind === 'Pod' ? byId.has(id) : described.has(id)) continue;
    if (o.kind !== 'Pod') described.add(id);
    let template: unknown = o;
    for (const key of path) template = isMap(template) ? template[key] : undefined;
    const t = isMap(template) ? template : {};
    const metadata = isMap(t.metadata) ? t.metadata : {};
    const podSpec = isMap(t.spec) ? t.spec : {};
    byId.set(id, {
      id,
      ref: { kind: owner.kind, namespace, name: owner.name },
      podSpec,
      podLabels: stringMap(metadata.labels),
      podAnnotations: stringMap(metadata.annotations),
      serviceAccountName: typeof podSpec.serviceAccountName === 'string' && podSpec.serviceAccountName ? podSpec.serviceAccountName : 'default',
    });
  }
  return [...byId.values()];
}

function stringMap(v: unknown): Record<string, string> {
  if (!isMap(v)) return {};
  return Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string>;
}

/** Every container of a pod spec, init and ephemeral ones included. */
export function containersOf(podSpec: Json): readonly Json[] {
  let containers = containersBySpec.get(podSpec);
  if (!containers) {
    containers = ['initContainers', 'containers', 'ephemeralContainers'].flatMap((f) => (Array.isArray(podSpec[f]) ? podSpec[f] : []).filter(isMap));
    containersBySpec.set(podSpec, containers);
  }
  return containers;
}
/** Several checks read every workload's containers: listed once per pod spec (specs are never changed). */
const containersBySpec = new WeakMap<Json, Json[]>();

/** NetworkPolicies do not apply to pods on the host network. */
export function isHostNetwork(workload: WorkloadInfo): boolean {
  return workload.podSpec.hostNetwork === true;
}

/**
 * Host-network DaemonSets in kube-system (aws-node, kube-proxy, CSI drivers): they act as the node,
 * so pod segmentation cannot apply to them and techniques about pods leave them out.
 */
export function isNodeAgent(workload: WorkloadInfo): boolean {
  return isHostNetwork(workload) && workload.ref.kind === 'DaemonSet' && workload.ref.namespace === 'kube-system';
}

/** The failure of a workload on the host network, where NetworkPolicies do not apply; `consequence` says what it can do. */
export function hostNetworkFailure(check: string, workload: WorkloadInfo, consequence: string): CheckOutcome {
  return fail(check, workload.ref, `${workload.id} runs on the host network: ${consequence}`, ['spec.hostNetwork: true'],
    { text: 'Run the workload off the host network, or accept it as a node-level component.' });
}
