/**
 * A cluster as its API server would list it, for the live-collection benchmark: the seeded
 * synthetic cluster (`syntheticCluster.ts`, with the objects the checks read) plus what a live
 * cluster has and manifests do not: the Pods themselves (owned by a ReplicaSet of each Deployment,
 * or by their StatefulSet), Endpoints and EndpointSlices of every Service, a Role and a binding per
 * namespace, and the cluster-admin ClusterRoleBinding. Same index and seed → same objects.
 */
import { generateCluster } from './syntheticCluster.js';

type Obj = Record<string, unknown>;
type Meta = { name: string; namespace?: string; labels?: Record<string, string> };
type Container = { name: string; image: string; ports?: { name?: string; containerPort: number; protocol: string }[] };

export interface LiveClusterShape {
  readonly pods: number;
  readonly policies: number;
  readonly namespaces: number;
}

/** 300 pods, as in the issue; 60 NetworkPolicies over 12 namespaces. */
export const LIVE_CLUSTER: LiveClusterShape = { pods: 300, policies: 60, namespaces: 12 };

export function liveClusterObjects(shape: LiveClusterShape, seed: number): Obj[] {
  const generated = generateCluster({ ...shape, seed, clusterObjects: true }).map((s) => s.object as Obj);
  const nodes = generated.filter((o) => o.kind === 'Node').map((o) => (o.metadata as Meta).name);
  const objects: Obj[] = [];
  const uid = (kind: string, m: Meta): string => `${seed}-${kind}-${m.namespace ?? ''}-${m.name}`;
  let podIndex = 0;
  const podIps = new Map<string, string[]>(); // by namespace/app, for the Endpoints
  const podsOf = (ownerKind: string, ownerMeta: Meta, template: { labels: Record<string, string>; containers: Container[] }, replicas: number, suffix: (i: number) => string): Obj[] =>
    Array.from({ length: replicas }, (_, i) => {
      const n = podIndex++;
      const ip = `10.1.${Math.floor(n / 250)}.${(n % 250) + 2}`;
      const key = `${ownerMeta.namespace}/${template.labels.app ?? ownerMeta.name}`;
      podIps.set(key, [...(podIps.get(key) ?? []), ip]);
      const metadata: Meta & Obj = {
        name: `${ownerMeta.name}-${suffix(i)}`, namespace: ownerMeta.namespace, labels: { ...template.labels },
        uid: `${seed}-pod-${n}`, creationTimestamp: '2026-11-02T09:00:00Z',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: ownerKind, name: ownerMeta.name, uid: uid(ownerKind, ownerMeta), controller: true, blockOwnerDeletion: true }],
      };
      return {
        apiVersion: 'v1', kind: 'Pod', metadata,
        spec: {
          serviceAccountName: 'default', nodeName: nodes[n % nodes.length],
          containers: template.containers.map((c) => ({
            ...c,
            env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'DB_PASSWORD', value: 'not-a-real-password' }, { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
          })),
        },
        status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], hostIP: '10.0.1.4', startTime: '2026-11-02T09:00:05Z' },
      };
    });
  for (const o of generated) {
    const meta = o.metadata as Meta;
    const spec = o.spec as { replicas?: number; template?: { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } } } | undefined;
    const template = spec?.template && { labels: spec.template.metadata.labels, containers: spec.template.spec.containers };
    if (o.kind === 'Secret') continue; // never listed by the collector
    const withUid = { ...o, metadata: { ...meta, uid: uid(String(o.kind), meta) } };
    objects.push(withUid);
    if (o.kind === 'Deployment' && template) {
      const hash = (podIndex * 7919 + 12345).toString(36).slice(0, 6).padStart(6, 'x');
      const rsMeta: Meta = { name: `${meta.name}-${hash}`, namespace: meta.namespace!, labels: { ...template.labels, 'pod-template-hash': hash } };
      const rs = {
        apiVersion: 'apps/v1', kind: 'ReplicaSet',
        metadata: { ...rsMeta, uid: uid('ReplicaSet', rsMeta), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: meta.name, uid: uid('Deployment', meta), controller: true }] },
        spec: { replicas: spec.replicas, selector: (o.spec as Obj).selector, template: spec.template },
      };
      objects.push(rs, ...podsOf('ReplicaSet', rsMeta, { ...template, labels: { ...template.labels, 'pod-template-hash': hash } }, spec.replicas ?? 1,
        (i) => `${hash.slice(0, 5)}${i}`));
    }
    if (o.kind === 'StatefulSet' && template) objects.push(...podsOf('StatefulSet', meta, template, spec.replicas ?? 1, String));
    if (o.kind === 'Namespace') {
      const ns = meta.name;
      objects.push(
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'config-reader', namespace: ns, uid: `${seed}-role-${ns}` },
          rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list'] }] },
        { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'config-reader', namespace: ns, uid: `${seed}-rb-${ns}` },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'config-reader' },
          subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: ns }] },
      );
    }
  }
  // Endpoints and EndpointSlices after every pod has its address.
  for (const svc of generated.filter((o) => o.kind === 'Service')) {
    const meta = svc.metadata as Meta;
    const ports = ((svc.spec as { ports: { name: string; port: number; protocol: string; targetPort: string | number }[] }).ports)
      .map((p) => ({ name: p.name, port: typeof p.targetPort === 'number' ? p.targetPort : p.port, protocol: p.protocol }));
    const ips = podIps.get(`${meta.namespace}/${meta.name}`) ?? [];
    objects.push(
      { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: meta.name, namespace: meta.namespace, uid: `${seed}-ep-${meta.namespace}-${meta.name}` },
        subsets: ips.length === 0 ? [] : [{ addresses: ips.map((ip) => ({ ip })), ports }] },
      { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
        metadata: { name: `${meta.name}-abcde`, namespace: meta.namespace, labels: { 'kubernetes.io/service-name': meta.name }, uid: `${seed}-eps-${meta.namespace}-${meta.name}` },
        addressType: 'IPv4', endpoints: ips.map((ip) => ({ addresses: [ip], conditions: { ready: true } })), ports },
    );
  }
  objects.push({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'cluster-admin', uid: `${seed}-crb-admin` },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' }],
  });
  return objects;
}

/** How many objects of each kind a cluster has: what every collected snapshot must hold. */
export function countByKind(objects: readonly Obj[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of objects) counts.set(String(o.kind), (counts.get(String(o.kind)) ?? 0) + 1);
  return counts;
}
