/**
 * Sets of integers stored as sorted, disjoint, non-touching inclusive ranges.
 * Used for port sets (1..65535) and for IPv4 address sets (0..2^32-1; JS numbers hold them exactly).
 * Instances are immutable: every operation returns a new set.
 */
export type Range = readonly [start: number, end: number];

export class IntervalSet {
  static readonly empty = new IntervalSet([]);

  private constructor(readonly ranges: readonly Range[]) {}

  static of(start: number, end: number): IntervalSet {
    return start > end ? IntervalSet.empty : new IntervalSet([[start, end]]);
  }

  /** Builds a canonical set from ranges in any order, merging overlapping and touching ones. */
  static fromRanges(ranges: Iterable<Range>): IntervalSet {
    const sorted = [...ranges].filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0]);
    const out: [number, number][] = [];
    for (const [a, b] of sorted) {
      const last = out[out.length - 1];
      if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
      else out.push([a, b]);
    }
    return out.length === 0 ? IntervalSet.empty : new IntervalSet(out);
  }

  get isEmpty(): boolean {
    return this.ranges.length === 0;
  }

  /** Number of integers in the set. */
  get size(): number {
    return this.ranges.reduce((n, [a, b]) => n + (b - a + 1), 0);
  }

  contains(value: number): boolean {
    let lo = 0;
    let hi = this.ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const [a, b] = this.ranges[mid]!;
      if (value < a) hi = mid - 1;
      else if (value > b) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** True when every member of `other` is in this set. */
  covers(other: IntervalSet): boolean {
    return other.subtract(this).isEmpty;
  }

  equals(other: IntervalSet): boolean {
    if (this.ranges.length !== other.ranges.length) return false;
    return this.ranges.every(([a, b], i) => a === other.ranges[i]![0] && b === other.ranges[i]![1]);
  }

  union(other: IntervalSet): IntervalSet {
    if (other.isEmpty) return this;
    if (this.isEmpty) return other;
    return IntervalSet.fromRanges([...this.ranges, ...other.ranges]);
  }

  intersect(other: IntervalSet): IntervalSet {
    const out: Range[] = [];
    let i = 0;
    let j = 0;
    while (i < this.ranges.length && j < other.ranges.length) {
      const [a1, b1] = this.ranges[i]!;
      const [a2, b2] = other.ranges[j]!;
      const start = Math.max(a1, a2);
      const end = Math.min(b1, b2);
      if (start <= end) out.push([start, end]);
      if (b1 < b2) i++;
      else j++;
    }
    return out.length === 0 ? IntervalSet.empty : new IntervalSet(out);
  }

  subtract(other: IntervalSet): IntervalSet {
    if (other.isEmpty || this.isEmpty) return this;
    const out: Range[] = [];
    let j = 0;
    for (const [a, b] of this.ranges) {
      let start = a;
      while (j < other.ranges.length && other.ranges[j]![1] < start) j++;
      let k = j;
      while (k < other.ranges.length && other.ranges[k]![0] <= b) {
        const [c, d] = other.ranges[k]!;
        if (c > start) out.push([start, c - 1]);
        start = Math.max(start, d + 1);
        if (start > b) break;
        k++;
      }
      if (start <= b) out.push([start, b]);
    }
    return out.length === 0 ? IntervalSet.empty : new IntervalSet(out);
  }

  /** "53,8080-9090" */
  toString(): string {
    return this.ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
  }
}
