/**
 * The validated, analysis-ready view of a cluster's network-relevant objects.
 * Produced by `buildClusterModel` from raw Kubernetes objects; consumed by the reachability engine.
 */
import type { Protocol } from './connectionSet.js';
import type { IntervalSet } from './intervals.js';
import type { LabelSelector, Labels } from './labelSelector.js';

export interface ObjectRef {
  readonly kind: string;
  /** Null for cluster-scoped objects. */
  readonly namespace: string | null;
  readonly name: string;
}

export interface NamespaceInfo {
  readonly name: string;
  /** Includes `kubernetes.io/metadata.name`. */
  readonly labels: Labels;
}

export interface ContainerPort {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** A workload: a controller resource, or a pod named after its controlling owner, or a bare pod. */
export interface Workload {
  /** `namespace/name[Kind]`, np-guard's peer notation; unique per cluster. */
  readonly id: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Distinct pod shapes of this workload; usually exactly one. */
  readonly pods: readonly PodShape[];
  /** How many pods it has: declared replicas, or the Pod objects read. Reachability ignores it. */
  readonly podCount: number;
}

export interface PodShape {
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
}

/** A port clause of a policy rule. No `port` and no `name` means every port of the protocol. */
export interface RulePort {
  readonly protocol: Protocol;
  readonly range?: readonly [start: number, end: number];
  readonly name?: string;
  /** AdminNetworkPolicy named ports match a container port of that name whatever its protocol. */
  readonly anyProtocol?: true;
}

/** `'any'` stands for an absent or empty list, which Kubernetes reads as "no restriction". */
export type RulePorts = readonly RulePort[] | 'any';

/** Pods matched by a namespace selector and a pod selector. */
export interface PodPeer {
  readonly type: 'pods';
  /** Undefined: only the policy's own namespace. */
  readonly namespaceSelector?: LabelSelector;
  readonly podSelector: LabelSelector;
  /** Namespace the policy lives in, when `namespaceSelector` is undefined. */
  readonly ownNamespace?: string;
}

/** External addresses: an IPv4 set (cidr minus except); IPv6 blocks are kept as text only. */
export interface IpPeer {
  readonly type: 'ip';
  readonly ranges: IntervalSet;
  readonly text: string;
}

export type Peer = PodPeer | IpPeer;

export interface NetpolRule {
  /** `'any'`: absent or empty `from`/`to`, i.e. every peer in and out of the cluster. */
  readonly peers: readonly Peer[] | 'any';
  readonly ports: RulePorts;
}

export interface NetworkPolicyInfo {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** Undefined when the policy does not isolate ingress (per policyTypes); [] denies all ingress. */
  readonly ingress?: readonly NetpolRule[];
  readonly egress?: readonly NetpolRule[];
  /**
   * ipBlocks of rules in a direction that policyTypes leaves out. They allow nothing, but the external
   * address space is still cut at their boundaries, as np-guard does, so that listings line up.
   */
  readonly ignoredIpBlocks?: { readonly ingress: readonly IntervalSet[]; readonly egress: readonly IntervalSet[] };
}

export type AdminAction = 'Allow' | 'Deny' | 'Pass';

export interface AdminRule {
  readonly name: string;
  readonly action: AdminAction;
  readonly peers: readonly Peer[];
  readonly ports: RulePorts;
}

/** AdminNetworkPolicy, or BaselineAdminNetworkPolicy (`baseline: true`, evaluated after NetworkPolicies). */
export interface AdminPolicyInfo {
  readonly kind: 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';
  readonly name: string;
  readonly baseline: boolean;
  /** Lower is evaluated first. The baseline policy has none. */
  readonly priority: number;
  readonly subject: PodPeer;
  readonly ingress: readonly AdminRule[];
  readonly egress: readonly AdminRule[];
}

export interface ServicePortInfo {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** Number or container-port name; defaults to `port`. */
  readonly targetPort: number | string;
}

export interface ServiceInfo {
  readonly namespace: string;
  readonly name: string;
  /** Undefined: a service without selector (endpoints managed elsewhere). */
  readonly selector?: Labels;
  readonly ports: readonly ServicePortInfo[];
}

/** One backend that an Ingress or Route sends traffic to. */
export interface ExposedBackend {
  readonly source: ObjectRef;
  readonly namespace: string;
  readonly serviceName: string;
  /**
   * Which service port: matched against a service port's name, number or targetPort (a Route's
   * `targetPort` may be any of them). Undefined means every port of the service.
   */
  readonly servicePort?: number | string;
}

export interface ClusterModel {
  readonly namespaces: readonly NamespaceInfo[];
  readonly workloads: readonly Workload[];
  readonly policies: readonly NetworkPolicyInfo[];
  readonly adminPolicies: readonly AdminPolicyInfo[];
  readonly services: readonly ServiceInfo[];
  readonly exposedBackends: readonly ExposedBackend[];
}
