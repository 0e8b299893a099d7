/**
 * An independent, minimal reading of raw Kubernetes objects into a `ClusterModel`, for the test
 * oracle: what the manifests MEAN per the Kubernetes API (defaulting included) and np-guard's peer
 * naming, written without the project's parsers. It trusts its input (valid objects of the kinds
 * the property-test generator produces) and does no validation.
 *
 * It also returns the address blocks np-guard cuts the external address space with: every
 * NetworkPolicy ipBlock (`cidr` minus `except`), whether or not the policy's `policyTypes` make that
 * rule count, and every admin-policy egress `networks` CIDR on its own.
 */
import type { Protocol } from '../../lib/core/netpol/connectionSet.js';
import { IntervalSet } from '../../lib/core/netpol/intervals.js';
import type { LabelSelector, Labels, SelectorOperator, SelectorRequirement } from '../../lib/core/netpol/labelSelector.js';
import type {
  AdminPolicyInfo, AdminRule, ClusterModel, ContainerPort, NamespaceInfo, NetpolRule, NetworkPolicyInfo, Peer,
  PodPeer, PodShape, RulePort, RulePorts, Workload,
} from '../../lib/core/netpol/model.js';
import { normalize, subtract, type Range } from './ranges.js';

type Obj = Record<string, unknown>;

const MAX_IPV4 = 2 ** 32 - 1;
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
const TEMPLATE_KINDS = ['Deployment', 'ReplicaSet', 'ReplicationController', 'StatefulSet', 'DaemonSet', 'Job'];

export interface ReadModel {
  readonly model: ClusterModel;
  readonly sourceBlocks: Range[];
  readonly destinationBlocks: Range[];
}

const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const list = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function readManifests(objects: readonly Obj[]): ReadModel {
  const namespaces = new Map<string, Labels>();
  const workloadNamespaces = new Set<string>();
  const workloads = new Map<string, { kind: string; namespace: string; name: string; pods: Map<string, PodShape> }>();
  const policies: NetworkPolicyInfo[] = [];
  const adminPolicies: AdminPolicyInfo[] = [];
  const sourceBlocks: Range[] = [];
  const destinationBlocks: Range[] = [];

  const addPod = (kind: string, namespace: string, name: string, shape: PodShape): void => {
    const id = `${namespace}/${name}[${kind}]`;
    const entry = workloads.get(id) ?? { kind, namespace, name, pods: new Map<string, PodShape>() };
    entry.pods.set(JSON.stringify([Object.entries(shape.labels).sort(), shape.ports]), shape);
    workloads.set(id, entry);
    workloadNamespaces.add(namespace);
  };

  for (const o of objects) {
    const kind = str(o.kind) ?? '';
    const metadata = obj(o.metadata);
    const name = str(metadata.name) ?? '';
    const namespace = str(metadata.namespace) || 'default';
    const spec = obj(o.spec);
    if (kind === 'Namespace') {
      namespaces.set(name, { ...labelsOf(metadata.labels), [NAMESPACE_NAME_LABEL]: name });
    } else if (TEMPLATE_KINDS.includes(kind)) {
      addPod(kind, namespace, name, podShape(obj(spec.template)));
    } else if (kind === 'Pod') {
      const owner = (list(metadata.ownerReferences) ?? []).map(obj).find((r) => r.controller === true && r.kind !== 'Node');
      if (owner) addPod(str(owner.kind) || 'Pod', namespace, str(owner.name) ?? name, podShape(o));
      else addPod('Pod', namespace, name, podShape(o));
    } else if (kind === 'NetworkPolicy') {
      policies.push(readNetworkPolicy(spec, namespace, name));
      for (const rule of list(spec.ingress) ?? []) sourceBlocks.push(...ipBlocksOf(obj(rule).from));
      for (const rule of list(spec.egress) ?? []) destinationBlocks.push(...ipBlocksOf(obj(rule).to));
    } else if (kind === 'AdminNetworkPolicy' || kind === 'BaselineAdminNetworkPolicy') {
      adminPolicies.push(readAdminPolicy(spec, kind, name));
      for (const rule of list(spec.egress) ?? []) {
        for (const peer of list(obj(rule).to) ?? []) {
          for (const cidr of list(obj(peer).networks) ?? []) destinationBlocks.push(cidrRange(String(cidr)));
        }
      }
    }
  }

  for (const ns of workloadNamespaces) if (!namespaces.has(ns)) namespaces.set(ns, { [NAMESPACE_NAME_LABEL]: ns });
  const namespaceList: NamespaceInfo[] = [...namespaces].map(([n, labels]) => ({ name: n, labels }));
  const workloadList: Workload[] = [...workloads].map(([id, w]) => ({
    id, kind: w.kind, namespace: w.namespace, name: w.name, pods: [...w.pods.values()], podCount: w.pods.size,
  }));
  return {
    model: { namespaces: namespaceList, workloads: workloadList, policies, adminPolicies, services: [], exposedBackends: [] },
    sourceBlocks,
    destinationBlocks,
  };
}

function labelsOf(raw: unknown): Labels {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(raw))) out[k] = String(v);
  return out;
}

/** Labels of the pod (template) metadata; ports of all its containers, protocol TCP by default. */
function podShape(template: Obj): PodShape {
  const ports: ContainerPort[] = [];
  for (const container of list(obj(template.spec).containers) ?? []) {
    for (const p of (list(obj(container).ports) ?? []).map(obj)) {
      const protocol = (str(p.protocol) ?? 'TCP') as Protocol;
      const name = str(p.name);
      ports.push(name ? { name, port: Number(p.containerPort), protocol } : { port: Number(p.containerPort), protocol });
    }
  }
  return { labels: labelsOf(obj(template.metadata).labels), ports };
}

// ------------------------------------------------------------------------------------------------
// Selectors and addresses

function selector(raw: unknown): LabelSelector {
  const s = obj(raw);
  const requirements: SelectorRequirement[] = [];
  for (const [key, value] of Object.entries(obj(s.matchLabels))) requirements.push({ key, operator: 'In', values: [String(value)] });
  for (const e of (list(s.matchExpressions) ?? []).map(obj)) {
    requirements.push({ key: String(e.key), operator: e.operator as SelectorOperator, values: (list(e.values) ?? []).map(String) });
  }
  return { requirements, key: JSON.stringify(requirements) };
}

const MATCH_ALL: LabelSelector = { requirements: [], key: '[]' };

/** `a.b.c.d/n` → its address range (host bits ignored, as the API server accepts them). */
export function cidrRange(cidr: string): Range {
  const [address, prefixText] = cidr.split('/');
  const value = address!.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const size = 2 ** (32 - Number(prefixText));
  const start = Math.floor(value / size) * size;
  return [start, start + size - 1];
}

/** `cidr` minus every `except`, as maximal contiguous ranges. */
function ipBlockRanges(raw: unknown): Range[] {
  const block = obj(raw);
  const excepts = (list(block.except) ?? []).map((e) => cidrRange(String(e)));
  return [...subtract([cidrRange(String(block.cidr))], excepts, 0, MAX_IPV4)];
}

function ipBlocksOf(peers: unknown): Range[] {
  return (list(peers) ?? []).map(obj).filter((p) => p.ipBlock !== undefined).flatMap((p) => ipBlockRanges(p.ipBlock));
}

function ipPeer(ranges: Range[], text: string): Peer {
  return { type: 'ip', ranges: IntervalSet.fromRanges(normalize(ranges)), text };
}

// ------------------------------------------------------------------------------------------------
// NetworkPolicy

/**
 * policyTypes defaulting, as the API server does it: without `policyTypes` a policy isolates
 * ingress, and isolates egress only if it has at least one egress rule.
 */
function readNetworkPolicy(spec: Obj, namespace: string, name: string): NetworkPolicyInfo {
  const listed = (list(spec.policyTypes) ?? []).map(String);
  const egressRules = list(spec.egress) ?? [];
  const ingressOn = listed.length > 0 ? listed.includes('Ingress') : true;
  const egressOn = listed.length > 0 ? listed.includes('Egress') : egressRules.length > 0;
  const rules = (raw: unknown[], peersKey: 'from' | 'to'): NetpolRule[] =>
    raw.map(obj).map((rule) => ({ peers: netpolPeers(rule[peersKey], namespace), ports: netpolPorts(rule.ports) }));
  return {
    namespace,
    name,
    podSelector: selector(spec.podSelector),
    ...(ingressOn && { ingress: rules(list(spec.ingress) ?? [], 'from') }),
    ...(egressOn && { egress: rules(egressRules, 'to') }),
  };
}

/** Absent or empty: every peer. */
function netpolPeers(raw: unknown, namespace: string): readonly Peer[] | 'any' {
  const peers = list(raw) ?? [];
  if (peers.length === 0) return 'any';
  return peers.map(obj).map((p): Peer => {
    if (p.ipBlock !== undefined) return ipPeer(ipBlockRanges(p.ipBlock), JSON.stringify(p.ipBlock));
    const podSelector = p.podSelector === undefined ? MATCH_ALL : selector(p.podSelector);
    return p.namespaceSelector === undefined
      ? { type: 'pods', podSelector, ownNamespace: namespace }
      : { type: 'pods', namespaceSelector: selector(p.namespaceSelector), podSelector };
  });
}

/** Absent or empty: every port of every protocol. */
function netpolPorts(raw: unknown): RulePorts {
  const ports = list(raw) ?? [];
  if (ports.length === 0) return 'any';
  return ports.map(obj).map((p): RulePort => {
    const protocol = (str(p.protocol) ?? 'TCP') as Protocol;
    if (p.port === undefined) return { protocol };
    if (typeof p.port === 'string') return { protocol, name: p.port };
    const start = Number(p.port);
    return { protocol, range: [start, p.endPort === undefined ? start : Number(p.endPort)] };
  });
}

// ------------------------------------------------------------------------------------------------
// AdminNetworkPolicy and BaselineAdminNetworkPolicy

function readAdminPolicy(spec: Obj, kind: AdminPolicyInfo['kind'], name: string): AdminPolicyInfo {
  const baseline = kind === 'BaselineAdminNetworkPolicy';
  const rules = (raw: unknown, peersKey: 'from' | 'to'): AdminRule[] =>
    (list(raw) ?? []).map(obj).map((rule) => ({
      name: str(rule.name) ?? '',
      action: rule.action as AdminRule['action'],
      peers: (list(rule[peersKey]) ?? []).map(obj).flatMap(adminPeers),
      ports: adminPorts(rule.ports),
    }));
  return {
    kind,
    name,
    baseline,
    priority: baseline ? Number.POSITIVE_INFINITY : Number(spec.priority),
    subject: namespacesOrPods(obj(spec.subject)),
    ingress: rules(spec.ingress, 'from'),
    egress: rules(spec.egress, 'to'),
  };
}

function namespacesOrPods(raw: Obj): PodPeer {
  if (raw.namespaces !== undefined) return { type: 'pods', namespaceSelector: selector(raw.namespaces), podSelector: MATCH_ALL };
  const pods = obj(raw.pods);
  return { type: 'pods', namespaceSelector: selector(pods.namespaceSelector), podSelector: selector(pods.podSelector) };
}

/** Each `networks` CIDR is its own peer; `namespaces` and `pods` peers select pods. */
function adminPeers(raw: Obj): Peer[] {
  if (raw.networks !== undefined) {
    return (list(raw.networks) ?? []).map((cidr) => ipPeer([cidrRange(String(cidr))], String(cidr)));
  }
  return [namespacesOrPods(raw)];
}

/** Absent: every connection. Present but empty: none. Named ports match whatever the container's protocol. */
function adminPorts(raw: unknown): RulePorts {
  const ports = list(raw);
  if (ports === undefined) return 'any';
  return ports.map(obj).map((p): RulePort => {
    if (p.namedPort !== undefined) return { protocol: 'TCP', name: String(p.namedPort), anyProtocol: true };
    if (p.portNumber !== undefined) {
      const pn = obj(p.portNumber);
      return { protocol: (str(pn.protocol) ?? 'TCP') as Protocol, range: [Number(pn.port), Number(pn.port)] };
    }
    const pr = obj(p.portRange);
    return { protocol: (str(pr.protocol) ?? 'TCP') as Protocol, range: [Number(pr.start), Number(pr.end)] };
  });
}
