/**
 * The reachability engine: which workloads and external address ranges may open connections to which.
 *
 * Cost grows with distinct label sets and policies, not with pods squared:
 *  1. pods collapse into pod types (same namespace, labels and container ports);
 *  2. destinations whose ingress is decided by the same policies share one ingress profile, and
 *     sources that every ingress rule peer treats alike share one source class (likewise for egress);
 *  3. each (ingress profile × source class) and (egress profile × destination class) is evaluated
 *     once, storing interned connection-set ids;
 *  4. a pair of pod types is then one intersection of two table entries.
 */
import type { ConnectionSet } from '../connectionSet.js';
import type { ClusterModel } from '../model.js';
import { CompiledPolicies, type Direction } from './compile.js';
import { ConnTable, NONE } from './connTable.js';
import { decide, PortResolver, type Decision } from './evaluate.js';
import { Universe, type ExternalPiece, type PodType } from './universe.js';

/** A peer of a connection: a pod type (by index) or an external piece of one direction's space. */
export type Slot = { readonly type: number } | { readonly piece: number };

export class Reachability {
  readonly universe: Universe;
  readonly policies: CompiledPolicies;
  readonly table = new ConnTable();
  readonly ports: PortResolver;

  private readonly inProfile: Int32Array;
  private readonly egProfile: Int32Array;
  /** Class of every ingress source slot (pod types, then source pieces). */
  private readonly srcClass: Int32Array;
  /** Class of every egress destination slot (pod types, then destination pieces). */
  private readonly dstClass: Int32Array;
  /** ingressTable[profile][srcClass] = connection id allowed into the profile's pods. */
  private readonly ingressTable: Int32Array[] = [];
  /** egressTable[profile][dstClass] = connection id allowed out of the profile's pods. */
  private readonly egressTable: Int32Array[] = [];

  /** Named rule ports that matched no container port of a pod they were evaluated on. */
  readonly warnings: string[] = [];

  constructor(readonly model: ClusterModel) {
    this.universe = new Universe(model);
    this.policies = new CompiledPolicies(this.universe);
    this.ports = new PortResolver(this.table, this.policies.referencedPortNames);
    const types = this.universe.types;

    const inReps: number[] = [];
    this.inProfile = classify(types.length, (t) => `${this.policies.selectionKey.ingress[t]}|${this.ports.namedPortsKey(types[t]!)}`, inReps);
    const egReps: number[] = [];
    this.egProfile = classify(types.length, (t) => this.policies.selectionKey.egress[t]!, egReps);

    const srcSig = signatures(this.universe.slotCount(this.universe.sourcePieces), this.policies.peerMemberships.ingress);
    const srcReps: number[] = [];
    this.srcClass = classify(srcSig.length, (slot) => srcSig[slot]!, srcReps);

    const dstSig = signatures(this.universe.slotCount(this.universe.destinationPieces), this.policies.peerMemberships.egress);
    const dstReps: number[] = [];
    this.dstClass = classify(dstSig.length, (slot) =>
      `${dstSig[slot]}|${slot < types.length ? this.ports.namedPortsKey(types[slot]!) : ''}`, dstReps);

    for (const d of inReps) {
      const layers = this.policies.layersOf('ingress', d);
      this.ingressTable.push(Int32Array.from(srcReps, (s) => decide(layers, s, types[d], this.table, this.ports, false).conn));
    }
    for (const s of egReps) {
      const layers = this.policies.layersOf('egress', s);
      this.egressTable.push(Int32Array.from(dstReps, (d) => decide(layers, d, types[d], this.table, this.ports, false).conn));
    }
    for (const { ports, name, example } of this.ports.unmatchedNamedPorts()) {
      const peer = example.workloads.length > 0 ? model.workloads[example.workloads[0]!]!.id : `a pod in ${example.namespace}`;
      this.warnings.push(`${this.policies.originOf(ports)}: port name: "${name}" has no match in the configuration of any destination peer (e.g. ${peer}), so it allows nothing`);
    }
    for (const ports of this.ports.namedPortsOnAddresses) {
      this.warnings.push(`${this.policies.originOf(ports)}: a named port is not defined for IP addresses; skipped for external destinations`);
    }
  }

  /** Connection id from pod type `s` to pod type `d`: egress of s ∩ ingress of d. */
  typeToType(s: number, d: number): number {
    return this.table.intersect(this.egressTable[this.egProfile[s]!]![this.dstClass[d]!]!, this.ingressTable[this.inProfile[d]!]![this.srcClass[s]!]!);
  }

  /** Connection id from a source piece into pod type `d` (ingress side only). */
  pieceToType(piece: number, d: number): number {
    return this.ingressTable[this.inProfile[d]!]![this.srcClass[this.universe.typeCount + piece]!]!;
  }

  /** Connection id from pod type `s` to a destination piece (egress side only). */
  typeToPiece(s: number, piece: number): number {
    return this.egressTable[this.egProfile[s]!]![this.dstClass[this.universe.typeCount + piece]!]!;
  }

  conn(id: number): ConnectionSet {
    return this.table.get(id);
  }

  /** Union over the pod types of two workloads (usually one each). */
  workloadToWorkload(src: number, dst: number): number {
    let acc = NONE;
    for (const s of this.typesOf(src)) for (const d of this.typesOf(dst)) acc = this.table.union(acc, this.typeToType(s, d));
    return acc;
  }

  workloadToPiece(src: number, piece: number): number {
    let acc = NONE;
    for (const s of this.typesOf(src)) acc = this.table.union(acc, this.typeToPiece(s, piece));
    return acc;
  }

  pieceToWorkload(piece: number, dst: number): number {
    let acc = NONE;
    for (const d of this.typesOf(dst)) acc = this.table.union(acc, this.pieceToType(piece, d));
    return acc;
  }

  typesOf(workload: number): number[] {
    return this.workloadTypes[workload]!;
  }

  /** Pod types per workload, built on first use. */
  private get workloadTypes(): number[][] {
    if (!this.cachedWorkloadTypes) {
      const out: number[][] = this.model.workloads.map(() => []);
      for (const t of this.universe.types) for (const w of t.workloads) out[w]!.push(t.index);
      this.cachedWorkloadTypes = out;
    }
    return this.cachedWorkloadTypes;
  }
  private cachedWorkloadTypes: number[][] | undefined;

  /**
   * For every workload, how many other workloads it can open at least one connection to.
   * Rows are computed per distinct (egress profile, source class), columns per distinct
   * (ingress profile, destination class), so equal pods cost nothing extra.
   */
  reachCounts(): number[] {
    const types = this.universe.types.slice(0, this.universe.ingressControllerType);
    const dstKeys = new Map<string, number>();
    const dstKeyOf = new Int32Array(types.length);
    const keyList: { rep: number; workloads: number[] }[] = [];
    for (const t of types) {
      const key = `${this.inProfile[t.index]}:${this.dstClass[t.index]}`;
      let k = dstKeys.get(key);
      if (k === undefined) {
        k = keyList.length;
        dstKeys.set(key, k);
        keyList.push({ rep: t.index, workloads: [] });
      }
      keyList[k]!.workloads.push(...t.workloads);
      dstKeyOf[t.index] = k;
    }
    const singleType = this.model.workloads.every((_, w) => this.typesOf(w).length === 1);
    const rowCache = new Map<string, Uint8Array>();
    const rowOf = (s: number): Uint8Array => {
      const key = `${this.egProfile[s]}:${this.srcClass[s]}`;
      let row = rowCache.get(key);
      if (!row) {
        row = Uint8Array.from(keyList, (k) => (this.typeToType(s, k.rep) === NONE ? 0 : 1));
        rowCache.set(key, row);
      }
      return row;
    };
    return this.model.workloads.map((_, w) => {
      const own = this.typesOf(w);
      if (singleType) {
        const row = rowOf(own[0]!);
        let count = 0;
        row.forEach((ok, k) => { if (ok) count += keyList[k]!.workloads.length; });
        return row[dstKeyOf[own[0]!]!] ? count - 1 : count;
      }
      const reached = new Set<number>();
      for (const s of own) rowOf(s).forEach((ok, k) => { if (ok) for (const x of keyList[k]!.workloads) reached.add(x); });
      reached.delete(w);
      return reached.size;
    });
  }

  /** The full decision, with the rules involved, for one direction of one pair of slots. */
  explainDirection(direction: Direction, subjectType: number, peer: Slot): Decision {
    const layers = this.policies.layersOf(direction, subjectType);
    const types = this.universe.types;
    const peerSlot = 'type' in peer ? peer.type : this.universe.typeCount + peer.piece;
    const portTarget: PodType | undefined = direction === 'ingress' ? types[subjectType] : 'type' in peer ? types[peer.type] : undefined;
    return decide(layers, peerSlot, portTarget, this.table, this.ports, true);
  }

  get sourcePieces(): readonly ExternalPiece[] {
    return this.universe.sourcePieces;
  }

  get destinationPieces(): readonly ExternalPiece[] {
    return this.universe.destinationPieces;
  }
}

/** Assigns each index a class by key; `reps` receives one representative index per class. */
function classify(count: number, keyOf: (i: number) => string, reps: number[]): Int32Array {
  const ids = new Map<string, number>();
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const key = keyOf(i);
    let id = ids.get(key);
    if (id === undefined) {
      id = reps.length;
      ids.set(key, id);
      reps.push(i);
    }
    out[i] = id;
  }
  return out;
}

/** Per slot, the list of membership indexes containing it, as a string key. */
function signatures(slotCount: number, memberships: readonly Uint8Array[]): string[] {
  const sig: number[][] = Array.from({ length: slotCount }, () => []);
  memberships.forEach((m, k) => {
    for (let slot = 0; slot < slotCount; slot++) if (m[slot]) sig[slot]!.push(k);
  });
  return sig.map((s) => s.join(','));
}
