/**
 * The reachability engine: which workloads and external address ranges may open connections to which.
 *
 * Cost grows with distinct label sets and policies, not with pods squared:
 *  1. pods collapse into pod types (same namespace, labels and container ports);
 *  2. destinations whose ingress is decided by the same policies share one ingress profile, and
 *     sources that every ingress rule peer treats alike share one source class (likewise for egress);
 *  3. each (ingress profile × source class) and (egress profile × destination class) is evaluated
 *     once, storing interned connection-set ids; classes that none of a profile's rule peers match
 *     share one evaluation;
 *  4. a pair of pod types is then one intersection of two table entries.
 */
import type { ConnectionSet } from '../connectionSet.js';
import type { ClusterModel } from '../model.js';
import { CompiledPolicies, type CompiledRule, type Direction, type RuleOrigin } from './compile.js';
import { ConnTable, NONE } from './connTable.js';
import { decide, decideConn, PortResolver, ruleMatches, type Decision } from './evaluate.js';
import { SourceGroups, type PairTables } from './sourceGroups.js';
import { Universe, type ExternalPiece, type Membership, type PodType } from './universe.js';

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
  private readonly srcClasses: number;
  private readonly dstClasses: number;
  /** Connection id allowed into pods of an ingress profile from a source class, at `profile * srcClasses + class`. */
  private readonly ingressTable: Int32Array;
  /** Connection id allowed out of pods of an egress profile to a destination class, at `profile * dstClasses + class`. */
  private readonly egressTable: Int32Array;

  /** Named rule ports that matched nothing, or that rules applied to addresses. */
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

    const src = peerClasses(this.universe.slotCount(this.universe.sourcePieces), this.policies.peerMemberships.ingress, () => '');
    this.srcClass = src.classOf;
    const dst = peerClasses(this.universe.slotCount(this.universe.destinationPieces), this.policies.peerMemberships.egress,
      (slot) => (slot < types.length ? this.ports.namedPortsKey(types[slot]!) : ''));
    this.dstClass = dst.classOf;

    this.srcClasses = src.reps.length;
    this.dstClasses = dst.reps.length;
    this.ingressTable = new Int32Array(inReps.length * src.reps.length);
    const srcSignatures = new RuleSignatures(src.reps.length);
    inReps.forEach((d, profile) => {
      this.evaluateProfile('ingress', d, src, srcSignatures, () => types[d], this.ingressTable.subarray(profile * src.reps.length));
    });
    this.egressTable = new Int32Array(egReps.length * dst.reps.length);
    const dstSignatures = new RuleSignatures(dst.reps.length);
    egReps.forEach((s, profile) => {
      this.evaluateProfile('egress', s, dst, dstSignatures, (slot) => types[slot], this.egressTable.subarray(profile * dst.reps.length));
    });
    this.collectPortWarnings();
  }

  /**
   * One profile's connection per peer class, written to `row` (zeroed, one entry per class).
   * Classes that none of the profile's rule peers match get the same answer, computed once. So do
   * classes that the same rules match, unless a named port of an egress rule resolves on each
   * destination; then matched classes are evaluated one by one.
   */
  private evaluateProfile(
    direction: Direction, subject: number, classes: PeerClasses, signatures: RuleSignatures,
    portTarget: (slot: number) => PodType | undefined, row: Int32Array,
  ): void {
    const layers = this.policies.layersOf(direction, subject);
    const rules = [...layers.admin, ...(layers.networkPolicy ?? []), ...layers.baseline];
    const named = direction === 'egress' && rules.some((r) => r.ports !== 'any' && r.ports.some((p) => p.name));
    // For egress, named ports resolve on the destination, so an `any` rule with named ports tells every class apart.
    if (named && rules.some((r) => r.peers === 'any' && r.ports !== 'any' && r.ports.some((p) => p.name))) {
      classes.reps.forEach((slot, c) => { row[c] = decideConn(layers, slot, portTarget(slot), this.table, this.ports); });
      return;
    }
    const unmatched = decideConn(layers, -1, portTarget(-1), this.table, this.ports);
    if (unmatched !== NONE) row.fill(unmatched, 0, classes.reps.length);
    const matched = signatures.compute(rules, classes);
    const bySignature = new Map<number, number>();
    for (const c of matched) {
      const signature = signatures.of(c);
      let conn = named ? undefined : bySignature.get(signature);
      if (conn === undefined) {
        const slot = classes.reps[c]!;
        conn = decideConn(layers, slot, portTarget(slot), this.table, this.ports);
        bySignature.set(signature, conn);
      }
      row[c] = conn;
    }
    signatures.reset(matched);
  }

  private collectPortWarnings(): void {
    for (const { ports, name, example } of this.ports.unmatchedNamedPorts()) {
      const peer = example.workloads.length > 0 ? this.model.workloads[example.workloads[0]!]!.id : `a pod in ${example.namespace}`;
      this.warnings.push(`${this.policies.originOf(ports)}: port name: "${name}" has no match in the configuration of any destination peer (e.g. ${peer}), so it allows nothing`);
    }
    for (const ports of this.ports.namedPortsOnAddresses) {
      this.warnings.push(`${this.policies.originOf(ports)}: a named port is not defined for IP addresses; skipped for external destinations`);
    }
  }

  /** Connection id from pod type `s` to pod type `d`: egress of s ∩ ingress of d. */
  typeToType(s: number, d: number): number {
    return this.table.intersect(this.egressEntry(s, this.dstClass[d]!), this.ingressEntry(this.srcClass[s]!, d));
  }

  private egressEntry(sourceType: number, dstClass: number): number {
    return this.egressTable[this.egProfile[sourceType]! * this.dstClasses + dstClass]!;
  }

  private ingressEntry(srcClass: number, destinationType: number): number {
    return this.ingressTable[this.inProfile[destinationType]! * this.srcClasses + srcClass]!;
  }

  /** Connection id from a source piece into pod type `d` (ingress side only). */
  pieceToType(piece: number, d: number): number {
    return this.ingressEntry(this.srcClass[this.universe.typeCount + piece]!, d);
  }

  /** Connection id from pod type `s` to a destination piece (egress side only). */
  typeToPiece(s: number, piece: number): number {
    return this.egressEntry(s, this.dstClass[this.universe.typeCount + piece]!);
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

  /** Workloads that every policy treats alike as sources, built on first use. */
  get sourceGroups(): SourceGroups {
    return (this.cachedSourceGroups ??= new SourceGroups(this, this.pairTables()));
  }
  private cachedSourceGroups: SourceGroups | undefined;

  /** The tables behind {@link typeToType}, for indexes that walk them in bulk (read only). */
  private pairTables(): PairTables {
    return {
      inProfile: this.inProfile, egProfile: this.egProfile, srcClass: this.srcClass, dstClass: this.dstClass,
      srcClasses: this.srcClasses, dstClasses: this.dstClasses, ingressTable: this.ingressTable, egressTable: this.egressTable,
    };
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
   * How a destination admits a source regardless of the source's namespace: not isolated for
   * ingress at all, or through a NetworkPolicy rule that admits every namespace (and some port).
   * Undefined when every rule that admits the source names the namespaces it admits.
   */
  namespaceWideAdmission(srcType: number, dstType: number): 'not-isolated' | RuleOrigin | undefined {
    const layers = this.policies.layersOf('ingress', dstType);
    if (!layers.networkPolicy) return 'not-isolated';
    const rule = layers.networkPolicy.find((r) =>
      r.everyNamespace && ruleMatches(r, srcType) && this.ports.resolve(r.ports, this.universe.types[dstType]) !== NONE);
    return rule?.origin;
  }

  /**
   * The full decision, with the rules involved, for one direction of one pair of slots. Pairs of
   * the same profile and peer class share it (checks explain thousands of pairs): do not change it.
   */
  explainDirection(direction: Direction, subjectType: number, peer: Slot): Decision {
    const peerSlot = 'type' in peer ? peer.type : this.universe.typeCount + peer.piece;
    const key = direction === 'ingress'
      ? 2 * (this.inProfile[subjectType]! * this.srcClasses + this.srcClass[peerSlot]!)
      : 2 * (this.egProfile[subjectType]! * this.dstClasses + this.dstClass[peerSlot]!) + 1;
    let decision = this.decisions.get(key);
    if (!decision) {
      const types = this.universe.types;
      const portTarget: PodType | undefined = direction === 'ingress' ? types[subjectType] : 'type' in peer ? types[peer.type] : undefined;
      decision = decide(this.policies.layersOf(direction, subjectType), peerSlot, portTarget, this.table, this.ports);
      this.decisions.set(key, decision);
    }
    return decision;
  }
  private readonly decisions = new Map<number, Decision>();

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

/** Peer classes of one direction: slots that every rule peer treats alike. */
interface PeerClasses {
  readonly classOf: Int32Array;
  /** One representative slot per class. */
  readonly reps: readonly number[];
  /** For each membership (by index), the classes it contains. */
  readonly classesWith: readonly (readonly number[])[];
  readonly membershipIndex: ReadonlyMap<Membership, number>;
}

/**
 * Groups slots by the rule peers that contain them; `extraKey` adds what else tells slots apart
 * (for egress destinations, the container ports named ports resolve to).
 */
function peerClasses(slotCount: number, memberships: readonly Membership[], extraKey: (slot: number) => string): PeerClasses {
  const sig: number[][] = Array.from({ length: slotCount }, () => []);
  memberships.forEach((m, k) => {
    for (let slot = 0; slot < slotCount; slot++) if (m[slot]) sig[slot]!.push(k);
  });
  const reps: number[] = [];
  const classOf = classify(slotCount, (slot) => `${sig[slot]!.join(',')}|${extraKey(slot)}`, reps);
  const classesWith: number[][] = memberships.map(() => []);
  reps.forEach((slot, c) => { for (const k of sig[slot]!) classesWith[k]!.push(c); });
  return { classOf, reps, classesWith, membershipIndex: new Map(memberships.map((m, k) => [m, k])) };
}

/**
 * Per peer class, a number standing for the set of rules (by position) of one profile with a peer
 * that contains it: equal numbers, equal sets (`any` peers are left out: they contain every class
 * alike). Built as a trie walked in rule order, so it costs one step per (rule, matched class) and
 * builds no keys. The arrays are reused from profile to profile; `reset` clears what was written.
 */
class RuleSignatures {
  private readonly signature: Int32Array;
  /** The last rule that matched each class, so that two peers of one rule count once. */
  private readonly lastRule: Int32Array;

  constructor(classCount: number) {
    this.signature = new Int32Array(classCount);
    this.lastRule = new Int32Array(classCount).fill(-1);
  }

  /** The classes some rule peer contains, each once. */
  compute(rules: readonly CompiledRule[], classes: PeerClasses): number[] {
    const matched: number[] = [];
    const child = new Map<number, number>();
    rules.forEach((rule, r) => {
      if (rule.peers === 'any') return;
      // Classes a rule matches mostly share their signature so far: remember the last step taken.
      let from = -1;
      let to = -1;
      for (const m of rule.peers) {
        for (const c of classes.classesWith[classes.membershipIndex.get(m)!]!) {
          if (this.lastRule[c] === r) continue;
          if (this.lastRule[c] === -1) matched.push(c);
          this.lastRule[c] = r;
          const signature = this.signature[c]!;
          if (signature !== from) {
            const key = signature * rules.length + r;
            let next = child.get(key);
            if (next === undefined) child.set(key, (next = child.size + 1));
            from = signature;
            to = next;
          }
          this.signature[c] = to;
        }
      }
    });
    return matched;
  }

  of(c: number): number {
    return this.signature[c]!;
  }

  reset(matched: readonly number[]): void {
    for (const c of matched) {
      this.signature[c] = 0;
      this.lastRule[c] = -1;
    }
  }
}

