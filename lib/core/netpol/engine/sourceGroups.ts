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
  readonly model: { readonly workloads: readonly unknown[] };
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

  constructor(private readonly engine: PairEngine, private readonly t: PairTables) {
    const count = engine.model.workloads.length;
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

  /** For one destination workload, the connection id from each group (from its first member). */
  connectionsTo(destination: number): Int32Array {
    const connections = new Int32Array(this.members.length);
    const d = this.singleType[destination]!;
    if (d < 0 || !this.simple) {
      this.members.forEach((list, g) => { connections[g] = this.engine.workloadToWorkload(list[0]!, destination); });
      return connections;
    }
    const { ingressTable, egressTable, srcClasses } = this.t;
    const column = this.t.dstClass[d]!;
    const profile = this.t.inProfile[d]!;
    const { classes } = this.admitted();
    for (const c of classes[profile]!) {
      const into = ingressTable[profile * srcClasses + c]!;
      for (const g of this.groupsOfClass()[c]!) connections[g] = this.meet(egressTable[this.egressRow[g]! + column]!, into);
    }
    return connections;
  }

  /** The workloads (indexes, ascending) that the members of a group can open any connection to. */
  reachedBy(group: number): number[] {
    const source = this.members[group]![0]!;
    const s = this.singleType[source]!;
    const count = this.engine.model.workloads.length;
    if (s < 0) {
      const reached: number[] = [];
      for (let d = 0; d < count; d++) if (this.engine.workloadToWorkload(source, d) !== NONE) reached.push(d);
      return reached;
    }
    const { ingressTable, egressTable, srcClasses, dstClass } = this.t;
    const egressRow = this.t.egProfile[s]! * this.t.dstClasses;
    const srcClass = this.t.srcClass[s]!;
    const { profiles } = this.admitted();
    const reached: number[] = [];
    for (const profile of profiles[srcClass]!) {
      const into = ingressTable[profile * srcClasses + srcClass]!;
      for (const w of this.destinationsOf().byProfile[profile]!) {
        if (this.meet(egressTable[egressRow + dstClass[this.singleType[w]!]!]!, into) !== NONE) reached.push(w);
      }
    }
    for (const w of this.destinationsOf().multiType) if (this.engine.workloadToWorkload(source, w) !== NONE) reached.push(w);
    return reached.sort((a, b) => a - b);
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

  /** Single-type workloads by the ingress profile of their type, and the others (checked one by one). */
  private destinationsOf(): { byProfile: number[][]; multiType: number[] } {
    if (!this.cachedDestinations) {
      const byProfile: number[][] = Array.from({ length: this.admitted().classes.length }, () => []);
      const multiType: number[] = [];
      this.singleType.forEach((type, w) => {
        if (type < 0) multiType.push(w);
        else byProfile[this.t.inProfile[type]!]!.push(w);
      });
      this.cachedDestinations = { byProfile, multiType };
    }
    return this.cachedDestinations;
  }
  private cachedDestinations: { byProfile: number[][]; multiType: number[] } | undefined;
}
