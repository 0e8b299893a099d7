/**
 * A brute-force reachability ORACLE, written straight from the Kubernetes NetworkPolicy and
 * AdminNetworkPolicy / BaselineAdminNetworkPolicy specifications, to check the engine against.
 *
 * It is deliberately naive: every workload is expanded into its pods (its replicas), and
 * every (source, destination) pair of pods or external address pieces is decided on its own by
 * walking the policies, with no grouping, interning or caching. It shares nothing with
 * lib/core/netpol/engine/: only the model types and the label-selector `matches` function.
 *
 * Per direction, for the pod the policies apply to (the "subject": the source for egress, the
 * destination for ingress) and the other end of the connection (the "peer"):
 *  1. AdminNetworkPolicies whose subject selects the pod, by priority (lowest first), rules in
 *     order: a rule whose peers match decides whatever ports it names that nothing decided yet —
 *     Allow, Deny or Pass. Whatever no rule decided is passed on as well.
 *  2. If some NetworkPolicy selects the pod in this direction, the pod is isolated: of the passed
 *     ports, only those some matching rule of those policies allows get through (the union).
 *  3. Otherwise the BaselineAdminNetworkPolicy's rules in order (first match decides, Allow or
 *     Deny); whatever it leaves undecided is allowed.
 * A pod-to-pod connection is egress of the source ∩ ingress of the destination. An external
 * source is decided by the destination's ingress alone; an external destination by the source's
 * egress alone. Named rule ports resolve on the destination pod's container ports.
 */
import type { Protocol } from '../../lib/core/netpol/connectionSet.js';
import { matches, type Labels } from '../../lib/core/netpol/labelSelector.js';
import type {
  AdminPolicyInfo, ClusterModel, ContainerPort, NetworkPolicyInfo, Peer, PodPeer, RulePorts,
} from '../../lib/core/netpol/model.js';
import { complement, intersect, normalize, subtract, union, type Range, type RangeList } from './ranges.js';

const PROTOCOLS: readonly Protocol[] = ['SCTP', 'TCP', 'UDP'];
const MIN_PORT = 1;
const MAX_PORT = 65535;
const MAX_IPV4 = 2 ** 32 - 1;
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

type Direction = 'ingress' | 'egress';

/** Allowed ports, per protocol. */
export type Conn = Readonly<Record<Protocol, RangeList>>;

const NO_CONN: Conn = { SCTP: [], TCP: [], UDP: [] };
const ALL_CONN: Conn = { SCTP: [[MIN_PORT, MAX_PORT]], TCP: [[MIN_PORT, MAX_PORT]], UDP: [[MIN_PORT, MAX_PORT]] };

function connOf(protocol: Protocol, ports: RangeList): Conn {
  return { ...NO_CONN, [protocol]: normalize(ports) };
}

// The identity shortcuts below only save allocations in the common no-policy / all-ports cases.

function connUnion(a: Conn, b: Conn): Conn {
  if (a === NO_CONN || b === ALL_CONN) return b;
  if (b === NO_CONN || a === ALL_CONN) return a;
  return { SCTP: union(a.SCTP, b.SCTP), TCP: union(a.TCP, b.TCP), UDP: union(a.UDP, b.UDP) };
}

function connIntersect(a: Conn, b: Conn): Conn {
  if (a === ALL_CONN || b === NO_CONN) return b;
  if (b === ALL_CONN || a === NO_CONN) return a;
  return { SCTP: intersect(a.SCTP, b.SCTP), TCP: intersect(a.TCP, b.TCP), UDP: intersect(a.UDP, b.UDP) };
}

function connSubtract(a: Conn, b: Conn): Conn {
  if (a === NO_CONN || b === NO_CONN) return a;
  if (b === ALL_CONN) return NO_CONN;
  const minus = (x: RangeList, y: RangeList): RangeList => subtract(x, y, MIN_PORT, MAX_PORT);
  return { SCTP: minus(a.SCTP, b.SCTP), TCP: minus(a.TCP, b.TCP), UDP: minus(a.UDP, b.UDP) };
}

function connComplement(a: Conn): Conn {
  if (a === NO_CONN) return ALL_CONN;
  if (a === ALL_CONN) return NO_CONN;
  const not = (x: RangeList): RangeList => complement(x, MIN_PORT, MAX_PORT);
  return { SCTP: not(a.SCTP), TCP: not(a.TCP), UDP: not(a.UDP) };
}

function connIsEmpty(a: Conn): boolean {
  return PROTOCOLS.every((p) => a[p].length === 0);
}

function isFull(ports: RangeList): boolean {
  return ports.length === 1 && ports[0]![0] === MIN_PORT && ports[0]![1] === MAX_PORT;
}

/** np-guard notation: `All Connections`, or `SCTP 1-9,TCP 53,8080-9090,UDP 53`. */
export function formatConn(a: Conn): string {
  if (PROTOCOLS.every((p) => isFull(a[p]))) return 'All Connections';
  return PROTOCOLS.filter((p) => a[p].length > 0)
    .map((p) => `${p} ${a[p].map(([s, e]) => (s === e ? `${s}` : `${s}-${e}`)).join(',')}`)
    .join(',');
}

// ------------------------------------------------------------------------------------------------
// Peers: pods and external address pieces

interface Pod {
  /** Index into `model.workloads`. */
  readonly workload: number;
  readonly namespace: string;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
}

/** A contiguous piece of the IPv4 space: every ipBlock either contains it whole or not at all. */
export interface AddressPiece {
  readonly start: number;
  readonly end: number;
}

type Endpoint = { readonly kind: 'pod'; readonly pod: Pod } | ({ readonly kind: 'ip' } & AddressPiece);

/** Every pod: `podCount` of them per workload (at least one of each shape), shapes taken in turn. */
function podsOf(model: ClusterModel): Pod[] {
  return model.workloads.flatMap((w, workload) =>
    Array.from({ length: Math.max(w.podCount, w.pods.length, 1) }, (_, i) => {
      const shape = w.pods[i % w.pods.length]!;
      return { workload, namespace: w.namespace, labels: shape.labels, ports: shape.ports };
    }));
}

/**
 * The address pieces: 0.0.0.0–255.255.255.255 cut at the start and end+1 of every block, so each
 * piece lies wholly inside or wholly outside every block.
 */
export function cutAddressSpace(blocks: readonly Range[]): AddressPiece[] {
  const cuts = new Set<number>([0]);
  for (const [start, end] of blocks) {
    cuts.add(start);
    if (end < MAX_IPV4) cuts.add(end + 1);
  }
  const starts = [...cuts].sort((a, b) => a - b);
  return starts.map((start, i) => ({ start, end: i + 1 < starts.length ? starts[i + 1]! - 1 : MAX_IPV4 }));
}

/**
 * NetworkPolicy ingress ipBlocks (sources can only be told apart by those), including those of
 * policies whose policyTypes leave ingress out: np-guard cuts at them too.
 */
export function sourceBlocks(model: ClusterModel): Range[] {
  const out: Range[] = [];
  for (const policy of model.policies) {
    for (const rule of policy.ingress ?? []) out.push(...ipRangesOf(rule.peers));
    for (const set of policy.ignoredIpBlocks?.ingress ?? []) out.push(...set.ranges);
  }
  return out;
}

/** NetworkPolicy egress ipBlocks (left-out direction included), and AdminNetworkPolicy / Baseline egress `networks`. */
export function destinationBlocks(model: ClusterModel): Range[] {
  const out: Range[] = [];
  for (const policy of model.policies) {
    for (const rule of policy.egress ?? []) out.push(...ipRangesOf(rule.peers));
    for (const set of policy.ignoredIpBlocks?.egress ?? []) out.push(...set.ranges);
  }
  for (const admin of model.adminPolicies) {
    for (const rule of admin.egress) out.push(...ipRangesOf(rule.peers));
  }
  return out;
}

function ipRangesOf(peers: readonly Peer[] | 'any'): Range[] {
  if (peers === 'any') return [];
  return peers.flatMap((peer) => (peer.type === 'ip' ? peer.ranges.ranges.map(([s, e]): Range => [s, e]) : []));
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export function externalName(piece: AddressPiece): string {
  return `${formatIpv4(piece.start)}-${formatIpv4(piece.end)}[External]`;
}

// ------------------------------------------------------------------------------------------------
// The decision for one direction of one pair

/** The policies whose subject (or pod selector) picks a pod, for one direction. */
interface SubjectPolicies {
  /** AdminNetworkPolicies, by priority. */
  readonly admins: readonly AdminPolicyInfo[];
  /** NetworkPolicies that isolate the pod in this direction. */
  readonly networkPolicies: readonly NetworkPolicyInfo[];
  readonly baselines: readonly AdminPolicyInfo[];
}

class Oracle {
  private readonly namespaceLabels = new Map<string, Labels>();
  private readonly admins: readonly AdminPolicyInfo[];
  private readonly baselines: readonly AdminPolicyInfo[];

  /** Which policies select a pod, per direction: worked out once per pod, not once per pair. */
  private readonly selection = new Map<Pod, Record<Direction, SubjectPolicies>>();

  constructor(private readonly model: ClusterModel) {
    for (const ns of model.namespaces) this.namespaceLabels.set(ns.name, ns.labels);
    this.admins = model.adminPolicies.filter((a) => !a.baseline).sort((a, b) => a.priority - b.priority);
    this.baselines = model.adminPolicies.filter((a) => a.baseline);
  }

  private policiesSelecting(pod: Pod, direction: Direction): SubjectPolicies {
    let entry = this.selection.get(pod);
    if (!entry) {
      const forDirection = (d: Direction): SubjectPolicies => ({
        admins: this.admins.filter((a) => this.selectsPod(a.subject, pod)),
        networkPolicies: this.model.policies.filter((policy) => this.networkPolicySelects(policy, d, pod)),
        baselines: this.baselines.filter((b) => this.selectsPod(b.subject, pod)),
      });
      entry = { ingress: forDirection('ingress'), egress: forDirection('egress') };
      this.selection.set(pod, entry);
    }
    return entry[direction];
  }

  private labelsOfNamespace(namespace: string): Labels {
    return this.namespaceLabels.get(namespace) ?? { [NAMESPACE_NAME_LABEL]: namespace };
  }

  /** Does a namespace selector (or, without one, the policy's own namespace) plus pod selector pick `pod`? */
  private selectsPod(peer: PodPeer, pod: Pod): boolean {
    const namespaceOk = peer.namespaceSelector
      ? matches(peer.namespaceSelector, this.labelsOfNamespace(pod.namespace))
      : pod.namespace === peer.ownNamespace;
    return namespaceOk && matches(peer.podSelector, pod.labels);
  }

  private peerMatches(peer: Peer, other: Endpoint): boolean {
    if (peer.type === 'ip') {
      return other.kind === 'ip' && peer.ranges.ranges.some(([start, end]) => start <= other.start && other.end <= end);
    }
    return other.kind === 'pod' && this.selectsPod(peer, other.pod);
  }

  private anyPeerMatches(peers: readonly Peer[] | 'any', other: Endpoint): boolean {
    return peers === 'any' || peers.some((peer) => this.peerMatches(peer, other));
  }

  /** The ports a rule names, with named ports looked up on `target` (nothing on an address). */
  private rulePorts(ports: RulePorts, target: Pod | undefined): Conn {
    if (ports === 'any') return ALL_CONN;
    let conn = NO_CONN;
    for (const p of ports) {
      if (p.name === undefined) {
        conn = connUnion(conn, connOf(p.protocol, [p.range ?? [MIN_PORT, MAX_PORT]]));
        continue;
      }
      // The first container port of that name; a NetworkPolicy also needs its protocol to agree.
      const found = target?.ports.find((cp) => cp.name === p.name);
      if (found && (p.anyProtocol || found.protocol === p.protocol)) {
        conn = connUnion(conn, connOf(found.protocol, [[found.port, found.port]]));
      }
    }
    return conn;
  }

  private networkPolicySelects(policy: NetworkPolicyInfo, direction: Direction, pod: Pod): boolean {
    return policy[direction] !== undefined && policy.namespace === pod.namespace && matches(policy.podSelector, pod.labels);
  }

  /** What `subject` accepts from (ingress) or may send to (egress) `other`. */
  decide(direction: Direction, subject: Pod, other: Endpoint): Conn {
    const portTarget = direction === 'ingress' ? subject : other.kind === 'pod' ? other.pod : undefined;

    // 1. AdminNetworkPolicies: the first matching rule decides each port.
    let allowed = NO_CONN;
    let denied = NO_CONN;
    let decided = NO_CONN; // allowed, denied or explicitly passed
    const { admins, networkPolicies, baselines } = this.policiesSelecting(subject, direction);
    for (const admin of admins) {
      for (const rule of admin[direction]) {
        if (!rule.peers.some((peer) => this.peerMatches(peer, other))) continue;
        const fresh = connSubtract(this.rulePorts(rule.ports, portTarget), decided);
        if (rule.action === 'Allow') allowed = connUnion(allowed, fresh);
        if (rule.action === 'Deny') denied = connUnion(denied, fresh);
        decided = connUnion(decided, fresh);
      }
    }
    const passed = connComplement(connUnion(allowed, denied));

    // 2. NetworkPolicies: isolation, then the union of what their matching rules allow.
    if (networkPolicies.length > 0) {
      let npAllowed = NO_CONN;
      for (const policy of networkPolicies) {
        for (const rule of policy[direction]!) {
          if (this.anyPeerMatches(rule.peers, other)) npAllowed = connUnion(npAllowed, this.rulePorts(rule.ports, portTarget));
        }
      }
      return connUnion(allowed, connIntersect(passed, npAllowed));
    }

    // 3. BaselineAdminNetworkPolicy: the first matching rule decides; the rest is allowed.
    let baselineDenied = NO_CONN;
    let baselineDecided = NO_CONN;
    for (const baseline of baselines) {
      for (const rule of baseline[direction]) {
        if (!rule.peers.some((peer) => this.peerMatches(peer, other))) continue;
        const fresh = connSubtract(this.rulePorts(rule.ports, portTarget), baselineDecided);
        if (rule.action === 'Deny') baselineDenied = connUnion(baselineDenied, fresh);
        baselineDecided = connUnion(baselineDecided, fresh);
      }
    }
    return connUnion(allowed, connSubtract(passed, baselineDenied));
  }

  podToPod(src: Pod, dst: Pod): Conn {
    const egress = this.decide('egress', src, { kind: 'pod', pod: dst });
    if (connIsEmpty(egress)) return NO_CONN;
    return connIntersect(egress, this.decide('ingress', dst, { kind: 'pod', pod: src }));
  }

  addressToPod(piece: AddressPiece, dst: Pod): Conn {
    return this.decide('ingress', dst, { kind: 'ip', ...piece });
  }

  podToAddress(src: Pod, piece: AddressPiece): Conn {
    return this.decide('egress', src, { kind: 'ip', ...piece });
  }
}

// ------------------------------------------------------------------------------------------------
// Public API

export interface BruteForceOptions {
  /** Address blocks that cut the source space; default: the model's NetworkPolicy ingress ipBlocks. */
  readonly sourceBlocks?: readonly Range[];
  /** Address blocks that cut the destination space; default: the model's egress ipBlocks and networks. */
  readonly destinationBlocks?: readonly Range[];
}

/**
 * `"SRC => DST"` → connection text, for every pair with a non-empty connection: workload to
 * workload (the union over their pods; never a workload to itself), external piece to workload,
 * workload to external piece.
 */
export function bruteForceWorkloadConnections(model: ClusterModel, options: BruteForceOptions = {}): Map<string, string> {
  const oracle = new Oracle(model);
  const pods = podsOf(model);
  const podsByWorkload = model.workloads.map((_, w) => pods.filter((p) => p.workload === w));
  const sources = cutAddressSpace(options.sourceBlocks ?? sourceBlocks(model));
  const destinations = cutAddressSpace(options.destinationBlocks ?? destinationBlocks(model));
  const out = new Map<string, string>();
  const record = (src: string, dst: string, conn: Conn): void => {
    if (!connIsEmpty(conn)) out.set(`${src} => ${dst}`, formatConn(conn));
  };

  for (const piece of sources) {
    model.workloads.forEach((dst, d) => {
      let conn = NO_CONN;
      for (const dstPod of podsByWorkload[d]!) conn = connUnion(conn, oracle.addressToPod(piece, dstPod));
      record(externalName(piece), dst.id, conn);
    });
  }
  model.workloads.forEach((src, s) => {
    for (const piece of destinations) {
      let conn = NO_CONN;
      for (const srcPod of podsByWorkload[s]!) conn = connUnion(conn, oracle.podToAddress(srcPod, piece));
      record(src.id, externalName(piece), conn);
    }
    model.workloads.forEach((dst, d) => {
      if (s === d) return;
      let conn = NO_CONN;
      for (const srcPod of podsByWorkload[s]!) {
        for (const dstPod of podsByWorkload[d]!) conn = connUnion(conn, oracle.podToPod(srcPod, dstPod));
      }
      record(src.id, dst.id, conn);
    });
  });
  return out;
}

/** For each workload (by index in `model.workloads`), how many other workloads it can open any connection to. */
export function bruteForceReachCounts(model: ClusterModel): number[] {
  const oracle = new Oracle(model);
  const pods = podsOf(model);
  const podsByWorkload = model.workloads.map((_, w) => pods.filter((p) => p.workload === w));
  return model.workloads.map((_, s) => {
    let count = 0;
    model.workloads.forEach((_dst, d) => {
      if (s === d) return;
      const reached = podsByWorkload[s]!.some((srcPod) =>
        podsByWorkload[d]!.some((dstPod) => !connIsEmpty(oracle.podToPod(srcPod, dstPod))));
      if (reached) count++;
    });
    return count;
  });
}
