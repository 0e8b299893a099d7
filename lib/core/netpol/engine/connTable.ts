import { ConnectionSet } from '../connectionSet.js';

/** Id of the empty connection set in every table. */
export const NONE = 0;
/** Id of the full connection set in every table. */
export const ALL = 1;

const SMALL = 128;

/**
 * Interns connection sets so that the engine can store them as small integers and memoise set
 * operations: a large cluster has millions of pairs but only a handful of distinct connection sets.
 */
export class ConnTable {
  private readonly sets: ConnectionSet[] = [ConnectionSet.none, ConnectionSet.all];
  private readonly ids = new Map<string, number>([[ConnectionSet.none.key, NONE], [ConnectionSet.all.key, ALL]]);
  private readonly unions = new Map<number, number>();
  private readonly intersections = new Map<number, number>();
  private readonly differences = new Map<number, number>();
  private readonly smallIntersections = new Int32Array(SMALL * SMALL).fill(-1);

  id(set: ConnectionSet): number {
    let id = this.ids.get(set.key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(set);
      this.ids.set(set.key, id);
    }
    return id;
  }

  get(id: number): ConnectionSet {
    return this.sets[id]!;
  }

  union(a: number, b: number): number {
    if (a === b || b === NONE || a === ALL) return a;
    if (a === NONE || b === ALL) return b;
    return this.memo(this.unions, a, b, () => this.get(a).union(this.get(b)));
  }

  intersect(a: number, b: number): number {
    if (a === b || b === ALL || a === NONE) return a;
    if (a === ALL || b === NONE) return b;
    // The hot path of pair lookups: a flat cache for the first few sets, which is all most clusters have.
    if (a < SMALL && b < SMALL) {
      const cached = this.smallIntersections[a * SMALL + b]!;
      if (cached >= 0) return cached;
      const id = this.memo(this.intersections, a, b, () => this.get(a).intersect(this.get(b)));
      this.smallIntersections[a * SMALL + b] = id;
      return id;
    }
    return this.memo(this.intersections, a, b, () => this.get(a).intersect(this.get(b)));
  }

  /** a − b */
  subtract(a: number, b: number): number {
    if (a === NONE || b === NONE) return a;
    if (a === b || b === ALL) return NONE;
    return this.memo(this.differences, a, b, () => this.get(a).subtract(this.get(b)), false);
  }

  private memo(cache: Map<number, number>, a: number, b: number, compute: () => ConnectionSet, commutative = true): number {
    const key = commutative && b < a ? b * 0x200000 + a : a * 0x200000 + b;
    let id = cache.get(key);
    if (id === undefined) {
      id = this.id(compute());
      cache.set(key, id);
    }
    return id;
  }
}
