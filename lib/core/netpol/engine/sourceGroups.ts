/**
 * Source groups: workloads that every policy treats alike as sources (same egress profile and same
 * ingress source class for each of their pod types). "Who can reach X" and "what can X reach" are
 * then answered once per group rather than once per workload.
 *
 * Both answers walk only the non-empty entries of the ingress table. In a cluster with default-deny
 * policies most (ingress profile, source class) entries are empty, so a question costs the number of
 * sources a destination admits, not the number of groups or workloads.
 */
import { ALL, NONE, type ConnTable } from './connTable.js';

/** The tables a pair of pod types is decided from (see Reachability.typeToType), read only. */
export interface PairTables {
  readonly inProfile: Int32Array;
  readonly egProfile: Int32Array;
  /** Class of every ingress source slot (pod types first). */
  readonly srcClass: Int32Array;
  /** Class of every egress destination slot (pod types first). */
  readonly dstClass: Int32Array;
  readonly srcClasses: number;
  readonly dstClasses: number;
  /** At `inProfile * srcClasses + srcClass`. */
  readonly ingressTable: Int32Array;
  /** At `egProfile * dstClasses + dstClass`. */
  readonly egressTable: Int32Array;
}

/** What the groups need from the engine besides its tables. */
export interface PairEngine {
  readonly table: ConnTable;
  readonly model: { readonly workloads: readonly { readonly namespace: string }[] };
  typesOf(workload: number): readonly number[];
  workloadToWorkload(source: number, destination: number): number;
}

export class SourceGroups {
  /** Workload indexes per group, in workload order; the first member stands for the group. */
  readonly members: readonly (readonly number[])[];
  /** The group of each workload. */
  readonly groupOf: Int32Array;
  /** A workload's pod type when it has exactly one, else -1 (several, or no pods): the fast paths need one. */
  private readonly singleType: Int32Array;
  /** Per group: where its egress row starts and its source class (when its first member has a single type). */
  private readonly egressRow: Int32Array;
  private readonly groupClass: Int32Array;
  /** Whether every group's first member has a single pod type. */
  private readonly simple: boolean;
  /** Namespaces by id, and each workload's namespace id: reach is tallied per namespace in typed arrays. */
  private readonly namespaceIds = new Map<string, number>();
  private readonly workloadNamespace: Int32Array;

  constructor(private readonly engine: PairEngine, private readonly t: PairTables) {
    const count = engine.model.workloads.length;
    this.workloadNamespace = Int32Array.from(engine.model.workloads, ({ namespace }) => {
      let id = this.namespaceIds.get(namespace);
      if (id === undefined) this.namespaceIds.set(namespace, (id = this.namespaceIds.size));
      return id;
    });
    this.singleType = new Int32Array(count);
    const ids = new Map<string, number>();
    const members: number[][] = [];
    this.groupOf = new Int32Array(count);
    for (let w = 0; w < count; w++) {
      const types = engine.typesOf(w);
      this.singleType[w] = types.length === 1 ? types[0]! : -1;
      const key = types.map((type) => `${t.egProfile[type]}:${t.srcClass[type]}`).join(' ');
      let group = ids.get(key);
      if (group === undefined) {
        group = members.length;
        ids.set(key, group);
        members.push([]);
      }
      members[group]!.push(w);
      this.groupOf[w] = group;
    }
    this.members = members;
    this.egressRow = new Int32Array(members.length);
    this.groupClass = new Int32Array(members.length);
    this.simple = members.every((list, g) => {
      const type = this.singleType[list[0]!]!;
      if (type < 0) return false;
      this.egressRow[g] = t.egProfile[type]! * t.dstClasses;
      this.groupClass[g] = t.srcClass[type]!;
      return true;
    });
  }

  /** The groups whose members can open some connection to a destination workload, ascending. */
  groupsReaching(destination: number): number[] {
    const d = this.singleType[destination]!;
    if (d < 0 || !this.simple) return this.members.flatMap((list, g) => (this.engine.workloadToWorkload(list[0]!, destination) !== NONE ? [g] : []));
    const { ingressTable, egressTable, srcClasses } = this.t;
    const column = this.t.dstClass[d]!;
    const profile = this.t.inProfile[d]!;
    const reaching: number[] = [];
    for (const c of this.admitted().classes[profile]!) {
      const into = ingressTable[profile * srcClasses + c]!;
      for (const g of this.groupsOfClass()[c]!) if (this.meet(egressTable[this.egressRow[g]! + column]!, into) !== NONE) reaching.push(g);
    }
    return reaching.sort((a, b) => a - b);
  }

  /**
   * What the members of a group can open any connection to: how many workloads, how many of them
   * per namespace, and the first two (indexes, -1 when missing) so that a member can name one
   * other than itself. Destinations are walked in buckets that every policy treats alike.
   */
  reachOf(group: number): GroupReach {
    const source = this.members[group]![0]!;
    const s = this.singleType[source]!;
    const reach = new ReachTally(this.namespaceIds);
    if (s < 0) {
      this.workloadNamespace.forEach((ns, d) => { if (this.engine.workloadToWorkload(source, d) !== NONE) reach.addOne(d, ns); });
      return reach;
    }
    const { ingressTable, egressTable, srcClasses } = this.t;
    const egressRow = this.t.egProfile[s]! * this.t.dstClasses;
    const srcClass = this.t.srcClass[s]!;
    const { byProfile, multiType } = this.destinations();
    for (const profile of this.admitted().profiles[srcClass]!) {
      const into = ingressTable[profile * srcClasses + srcClass]!;
      for (const bucket of byProfile[profile]!) if (this.meet(egressTable[egressRow + bucket.dstClass]!, into) !== NONE) reach.addBucket(bucket);
    }
    for (const w of multiType) {
      if (this.engine.workloadToWorkload(source, w) !== NONE) reach.addOne(w, this.workloadNamespace[w]!);
    }
    return reach;
  }

  /** out ∩ into; most entries are NONE or ALL, so only two partial sets need the (memoised) table. */
  private meet(out: number, into: number): number {
    if (out === NONE || out === into || into === ALL) return out;
    return out === ALL ? into : this.engine.table.intersect(out, into);
  }

  /** The non-empty ingress entries, by profile (the source classes it admits) and by source class (the profiles admitting it). */
  private admitted(): { classes: number[][]; profiles: number[][] } {
    if (!this.cachedAdmitted) {
      const { ingressTable, srcClasses } = this.t;
      const profileCount = ingressTable.length / Math.max(1, srcClasses);
      const classes: number[][] = Array.from({ length: profileCount }, () => []);
      const profiles: number[][] = Array.from({ length: srcClasses }, () => []);
      for (let p = 0; p < profileCount; p++) {
        for (let c = 0; c < srcClasses; c++) {
          if (ingressTable[p * srcClasses + c] === NONE) continue;
          classes[p]!.push(c);
          profiles[c]!.push(p);
        }
      }
      this.cachedAdmitted = { classes, profiles };
    }
    return this.cachedAdmitted;
  }
  private cachedAdmitted: { classes: number[][]; profiles: number[][] } | undefined;

  /** The groups whose first member is in each source class. */
  private groupsOfClass(): number[][] {
    if (!this.cachedGroupsOfClass) {
      const out: number[][] = Array.from({ length: this.t.srcClasses }, () => []);
      this.groupClass.forEach((c, g) => out[c]!.push(g));
      this.cachedGroupsOfClass = out;
    }
    return this.cachedGroupsOfClass;
  }
  private cachedGroupsOfClass: number[][] | undefined;

  /**
   * Single-type workloads in buckets of one ingress profile and one destination class (every policy
   * treats a bucket's members alike as destinations), listed by profile; other workloads one by one.
   */
  private destinations(): { byProfile: Bucket[][]; multiType: number[] } {
    if (!this.cachedDestinations) {
      const byProfile: Bucket[][] = Array.from({ length: this.admitted().classes.length }, () => []);
      const buckets = new Map<number, Bucket>();
      const multiType: number[] = [];
      this.singleType.forEach((type, w) => {
        if (type < 0) {
          multiType.push(w);
          return;
        }
        const profile = this.t.inProfile[type]!;
        const dstClass = this.t.dstClass[type]!;
        const key = profile * this.t.dstClasses + dstClass;
        let bucket = buckets.get(key);
        if (!bucket) {
          bucket = { dstClass, size: 0, namespaces: [], first: w, second: -1 };
          buckets.set(key, bucket);
          byProfile[profile]!.push(bucket);
        } else if (bucket.second < 0) bucket.second = w;
        bucket.size++;
        const ns = this.workloadNamespace[w]!;
        const at = bucket.namespaces.length - 2; // members come in workload order, so by namespace mostly
        if (at >= 0 && bucket.namespaces[at] === ns) bucket.namespaces[at + 1]!++;
        else bucket.namespaces.push(ns, 1);
      });
      this.cachedDestinations = { byProfile, multiType };
    }
    return this.cachedDestinations;
  }
  private cachedDestinations: { byProfile: Bucket[][]; multiType: number[] } | undefined;
}

/** Destinations every policy treats alike: workloads in ascending order, so `first` and `second` are the smallest. */
interface Bucket {
  readonly dstClass: number;
  size: number;
  /** Pairs of (namespace id, members there), flattened. */
  readonly namespaces: number[];
  readonly first: number;
  second: number;
}

/** What a group reaches (see {@link SourceGroups.reachOf}). */
export interface GroupReach {
  readonly count: number;
  /** How many namespaces the reached workloads live in. */
  readonly namespaces: number;
  /** How many reached workloads live in one namespace. */
  reachedIn(namespace: string): number;
  readonly first: number;
  readonly second: number;
}

/** Adds up reached buckets and workloads, keeping the two smallest workload indexes. */
class ReachTally implements GroupReach {
  count = 0;
  namespaces = 0;
  first = -1;
  second = -1;
  private readonly perNamespace: Int32Array;

  constructor(private readonly namespaceIds: ReadonlyMap<string, number>) {
    this.perNamespace = new Int32Array(namespaceIds.size);
  }

  reachedIn(namespace: string): number {
    const id = this.namespaceIds.get(namespace);
    return id === undefined ? 0 : this.perNamespace[id]!;
  }

  addBucket(bucket: Bucket): void {
    this.count += bucket.size;
    const pairs = bucket.namespaces;
    for (let i = 0; i < pairs.length; i += 2) this.addIn(pairs[i]!, pairs[i + 1]!);
    this.keep(bucket.first);
    if (bucket.second >= 0) this.keep(bucket.second);
  }

  addOne(workload: number, namespace: number): void {
    this.count++;
    this.addIn(namespace, 1);
    this.keep(workload);
  }

  private addIn(namespace: number, n: number): void {
    if (this.perNamespace[namespace] === 0) this.namespaces++;
    this.perNamespace[namespace]! += n;
  }

  private keep(w: number): void {
    if (this.first < 0 || w < this.first) {
      this.second = this.first;
      this.first = w;
    } else if (this.second < 0 || w < this.second) this.second = w;
  }
}
