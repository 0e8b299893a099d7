/** Turns Pods and workload resources into pod shapes owned by a workload. */
import type { ContainerPort, PodShape } from '../model.js';
import { fieldPath, InvalidObjectError, optInt, optMap, optMapList, optString, protocolField, stringMap, type Json } from './fields.js';

/** Kinds whose pod template makes them one workload, and where their pod template sits. */
const TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = {
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export const WORKLOAD_KINDS: readonly string[] = Object.keys(TEMPLATE_PATHS);

export interface ParsedPodSource {
  /** The workload the pod belongs to. */
  readonly owner: { readonly kind: string; readonly name: string };
  readonly shape: PodShape;
  /** Pods the object stands for: its replicas (or a Job's parallelism); 1 for a Pod. */
  readonly podCount: number;
}

/** A workload resource: its pod template's labels and ports. */
export function parseWorkloadResource(obj: Json, kind: string, name: string): ParsedPodSource {
  let node: Json = obj;
  let path = '';
  for (const key of TEMPLATE_PATHS[kind]!) {
    node = optMap(node, key, path) ?? {};
    path = fieldPath(path, key);
  }
  return { owner: { kind, name }, shape: podShape(node, path), podCount: declaredPods(obj, kind) };
}

/** Replicas, or a Job's parallelism; a DaemonSet runs one pod per node, which manifests do not tell. */
function declaredPods(obj: Json, kind: string): number {
  const spec = optMap(obj, 'spec', '') ?? {};
  if (kind === 'Job') return optInt(spec, 'parallelism', 'spec') ?? 1;
  if (kind === 'CronJob') {
    const jobSpec = optMap(optMap(spec, 'jobTemplate', 'spec') ?? {}, 'spec', 'spec.jobTemplate') ?? {};
    return optInt(jobSpec, 'parallelism', 'spec.jobTemplate.spec') ?? 1;
  }
  if (kind === 'DaemonSet') return 1;
  return optInt(spec, 'replicas', 'spec') ?? 1;
}

/**
 * A bare Pod. A controlling owner (ownerReferences with `controller: true`, other than a Node)
 * names the workload it belongs to; otherwise the pod is a workload of its own.
 */
export function parsePod(obj: Json, name: string): ParsedPodSource {
  return { owner: podOwner(obj, name), shape: podShape(obj, ''), podCount: 1 };
}

/** The workload a Pod belongs to: its controlling owner (not a Node), or the pod itself. */
export function podOwner(obj: Json, name: string): { kind: string; name: string } {
  return controllingOwner(obj) ?? { kind: 'Pod', name };
}

/** The `controller: true` owner reference of an object, other than a Node, if it names one. */
export function controllingOwner(obj: Json): { kind: string; name: string } | undefined {
  const metadata = optMap(obj, 'metadata', '') ?? {};
  const owners = optMapList(metadata, 'ownerReferences', 'metadata') ?? [];
  const controller = owners.find((o) => o.controller === true && o.kind !== 'Node');
  const ownerName = controller ? optString(controller, 'name', 'metadata.ownerReferences') : undefined;
  return controller && ownerName ? { kind: optString(controller, 'kind', 'metadata.ownerReferences') || 'Pod', name: ownerName } : undefined;
}

/**
 * Workload kinds that another workload makes and runs: a Deployment's ReplicaSets, a CronJob's
 * Jobs. A live cluster lists both; the pods are the owner's, and naming the ReplicaSet as well would
 * report every Deployment twice.
 */
export const MADE_BY: Readonly<Record<string, string>> = { ReplicaSet: 'Deployment', Job: 'CronJob' };

/** Where a workload kind keeps its pod template, e.g. `['spec', 'template']`. */
export function templatePath(kind: string): readonly string[] | undefined {
  return TEMPLATE_PATHS[kind];
}

/** Labels from `metadata.labels`, ports from every container's `ports` (init containers serve no traffic). */
function podShape(template: Json, path: string): PodShape {
  const metadata = optMap(template, 'metadata', path) ?? {};
  const labels = stringMap(metadata, 'labels', fieldPath(path, 'metadata'));
  const spec = optMap(template, 'spec', path) ?? {};
  const ports: ContainerPort[] = [];
  (optMapList(spec, 'containers', fieldPath(path, 'spec')) ?? []).forEach((container, i) => {
    const at = `${fieldPath(path, 'spec')}.containers[${i}]`;
    (optMapList(container, 'ports', at) ?? []).forEach((p, j) => ports.push(containerPort(p, `${at}.ports[${j}]`)));
  });
  return { labels, ports };
}

function containerPort(raw: Json, path: string): ContainerPort {
  const key = containerPortKey(raw);
  const port = optInt(raw, key, path);
  if (port === undefined) throw new InvalidObjectError(`${path}.containerPort: Required value`);
  const name = optString(raw, 'name', path);
  const protocol = protocolField(raw, 'protocol', path);
  return name ? { name, port, protocol } : { port, protocol };
}

/** Kubernetes' JSON decoding matches field names case-insensitively, so `containerport` counts. */
function containerPortKey(raw: Json): string {
  for (const k of Object.keys(raw)) {
    // Only 13-letter keys can match: other keys (name, protocol) need no lowercase copy.
    if (k.length === 13 && k.toLowerCase() === 'containerport') return k;
  }
  return 'containerPort';
}
