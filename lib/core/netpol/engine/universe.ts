/**
 * The peers the engine reasons about, as dense integer "slots":
 *  - pod types: pods that no selector can tell apart (same namespace, labels and container ports),
 *    however many workloads and replicas share them;
 *  - external IPv4 pieces: the address space cut at every ipBlock boundary, one list for sources
 *    (ingress ipBlocks) and one for destinations (egress ipBlocks and admin `networks`).
 * Selector matches are computed once per distinct selector and kept as membership arrays.
 */
import { NAMESPACE_NAME_LABEL } from '../buildClusterModel.js';
import type { Range } from '../intervals.js';
import { MAX_IPV4 } from '../ipv4.js';
import { matches, type LabelSelector, type Labels } from '../labelSelector.js';
import type { ClusterModel, ContainerPort, Peer, PodPeer } from '../model.js';
import { pushAll } from '../../arrays.js';

/** Namespace np-guard gives the ingress controller: a label-less pod of its own. */
export const INGRESS_CONTROLLER_NAMESPACE = 'ingress-controller-ns';

export interface PodType {
  readonly index: number;
  readonly namespace: string;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  /** Indexes into `ClusterModel.workloads`. */
  readonly workloads: number[];
}

export interface ExternalPiece {
  readonly start: number;
  readonly end: number;
}

/** Membership of slots in one peer, for one direction's slot space. */
export type Membership = Uint8Array;

export class Universe {
  readonly types: PodType[] = [];
  /** The ingress controller's pseudo pod type (a source only). */
  readonly ingressControllerType: number;
  /** Sources outside the cluster; their slots follow the pod types. */
  readonly sourcePieces: readonly ExternalPiece[];
  /** Destinations outside the cluster; their slots follow the pod types. */
  readonly destinationPieces: readonly ExternalPiece[];

  private readonly namespaceLabels = new Map<string, Labels>();
  private readonly typesByNamespace = new Map<string, number[]>();
  private readonly podPeerCache = new Map<string, Membership>();
  private readonly podTypesCache = new Map<string, number[]>();
  private readonly namespacesBySelector = new Map<string, string[]>();
  private readonly ipPeerCache = new Map<string, Membership>();

  constructor(readonly model: ClusterModel) {
    for (const ns of model.namespaces) this.namespaceLabels.set(ns.name, ns.labels);
    this.namespaceLabels.set(INGRESS_CONTROLLER_NAMESPACE, { [NAMESPACE_NAME_LABEL]: INGRESS_CONTROLLER_NAMESPACE });
    const byKey = new Map<string, PodType>();
    model.workloads.forEach((w, wi) => {
      for (const shape of w.pods) {
        const key = JSON.stringify([w.namespace, shape.labels, shape.ports]);
        let type = byKey.get(key);
        if (!type) {
          type = { index: this.types.length, namespace: w.namespace, labels: shape.labels, ports: shape.ports, workloads: [] };
          byKey.set(key, type);
          this.types.push(type);
        }
        if (type.workloads[type.workloads.length - 1] !== wi) type.workloads.push(wi);
      }
    });
    this.ingressControllerType = this.types.length;
    this.types.push({ index: this.ingressControllerType, namespace: INGRESS_CONTROLLER_NAMESPACE, labels: {}, ports: [], workloads: [] });
    this.types.forEach((t) => {
      const list = this.typesByNamespace.get(t.namespace) ?? [];
      list.push(t.index);
      this.typesByNamespace.set(t.namespace, list);
    });
    this.sourcePieces = cutAddressSpace(sourceRanges(model));
    this.destinationPieces = cutAddressSpace(destinationRanges(model));
  }

  get typeCount(): number {
    return this.types.length;
  }

  /** Slots of one direction's space: pod types, then external pieces. */
  slotCount(pieces: readonly ExternalPiece[]): number {
    return this.types.length + pieces.length;
  }

  /** Which slots (pod types and pieces of `pieces`) a peer matches. Cached per selector pair. */
  members(peer: Peer, pieces: readonly ExternalPiece[]): Membership {
    return peer.type === 'pods' ? this.podMembers(peer, pieces) : this.ipMembers(peer.text, peer.ranges.ranges, pieces);
  }

  /** {@link podTypes} as slots of one direction's space. Cached per selector pair and direction. */
  podMembers(peer: PodPeer, pieces: readonly ExternalPiece[]): Membership {
    const key = `${pieces === this.sourcePieces ? 's' : 'd'}|${podPeerKey(peer)}`;
    let set = this.podPeerCache.get(key);
    if (!set) {
      set = new Uint8Array(this.slotCount(pieces));
      for (const t of this.podTypes(peer)) set[t] = 1;
      this.podPeerCache.set(key, set);
    }
    return set;
  }

  /**
   * Pod types selected by a namespace selector plus pod selector (or the policy's own namespace).
   * Cached per selector pair, so that a policy's subject and its rule peers share the work.
   */
  podTypes(peer: PodPeer): readonly number[] {
    const key = podPeerKey(peer);
    let types = this.podTypesCache.get(key);
    if (!types) {
      const namespaces = peer.namespaceSelector ? this.namespacesMatching(peer.namespaceSelector) : [peer.ownNamespace!];
      types = [];
      for (const ns of namespaces) {
        for (const t of this.typesByNamespace.get(ns) ?? []) {
          if (matches(peer.podSelector, this.types[t]!.labels)) types.push(t);
        }
      }
      this.podTypesCache.set(key, types);
    }
    return types;
  }

  /** Namespaces a namespace selector matches. Cached per selector: peers repeat a few of them many times. */
  private namespacesMatching(selector: LabelSelector): readonly string[] {
    let names = this.namespacesBySelector.get(selector.key);
    if (!names) {
      names = [];
      for (const [name, labels] of this.namespaceLabels) if (matches(selector, labels)) names.push(name);
      this.namespacesBySelector.set(selector.key, names);
    }
    return names;
  }

  private ipMembers(text: string, ranges: readonly Range[], pieces: readonly ExternalPiece[]): Membership {
    const key = `${pieces === this.sourcePieces ? 's' : 'd'}|${text}|${ranges.map((r) => r.join('-')).join(',')}`;
    let set = this.ipPeerCache.get(key);
    if (!set) {
      set = new Uint8Array(this.slotCount(pieces));
      const offset = this.types.length;
      // Pieces are cut at every range boundary, so a piece is either inside a range or outside it.
      let p = 0;
      for (const [start, end] of ranges) {
        while (p < pieces.length && pieces[p]!.start < start) p++;
        while (p < pieces.length && pieces[p]!.end <= end) set[offset + p++] = 1;
      }
      this.ipPeerCache.set(key, set);
    }
    return set;
  }

  /** The piece of `pieces` holding an IPv4 address. */
  pieceOf(address: number, pieces: readonly ExternalPiece[]): number {
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (pieces[mid]!.start <= address) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Equal for peers that select the same pods. */
function podPeerKey(peer: PodPeer): string {
  return `${peer.ownNamespace ?? ''}|${peer.namespaceSelector?.key ?? ''}|${peer.podSelector.key}`;
}

/** Ranges of every ingress ipBlock of every NetworkPolicy. */
function sourceRanges(model: ClusterModel): Range[] {
  const out: Range[] = [];
  for (const p of model.policies) {
    addIpRanges(p.ingress ?? [], out);
    for (const set of p.ignoredIpBlocks?.ingress ?? []) pushAll(out, set.ranges);
  }
  return out;
}

/** Ranges of every egress ipBlock of every NetworkPolicy, and of every admin-policy `networks` peer. */
function destinationRanges(model: ClusterModel): Range[] {
  const out: Range[] = [];
  for (const p of model.policies) {
    addIpRanges(p.egress ?? [], out);
    for (const set of p.ignoredIpBlocks?.egress ?? []) pushAll(out, set.ranges);
  }
  for (const a of model.adminPolicies) addIpRanges(a.egress, out);
  return out;
}

/** Appends the ranges of the rules' IP peers (a plain loop: this runs over every rule of every policy). */
function addIpRanges(rules: readonly { peers: readonly Peer[] | 'any' }[], out: Range[]): void {
  for (const r of rules) {
    if (r.peers === 'any') continue;
    for (const p of r.peers) if (p.type === 'ip') pushAll(out, p.ranges.ranges);
  }
}

/** Cuts 0.0.0.0–255.255.255.255 at the start and end+1 of every range. */
export function cutAddressSpace(ranges: readonly Range[]): ExternalPiece[] {
  const cuts = new Set<number>([0]);
  for (const [start, end] of ranges) {
    cuts.add(start);
    if (end < MAX_IPV4) cuts.add(end + 1);
  }
  const starts = [...cuts].sort((a, b) => a - b);
  return starts.map((start, i) => ({ start, end: i + 1 < starts.length ? starts[i + 1]! - 1 : MAX_IPV4 }));
}
