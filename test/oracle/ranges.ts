/**
 * Plain integer-range arithmetic for the test oracles, independent of the engine's IntervalSet.
 * A range list is canonical when sorted, disjoint and non-touching; every function here returns a
 * canonical list, whatever order its inputs come in.
 */
export type Range = readonly [start: number, end: number];
export type RangeList = readonly Range[];

export function normalize(ranges: Iterable<Range>): RangeList {
  if (Array.isArray(ranges) && ranges.length <= 1) return ranges.filter(([a, b]) => a <= b);
  const sorted = [...ranges].filter(([a, b]) => a <= b).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function union(a: RangeList, b: RangeList): RangeList {
  if (a.length === 0) return normalize(b);
  if (b.length === 0) return normalize(a);
  return normalize([...a, ...b]);
}

/** Pairwise overlaps: quadratic, but the lists are short. */
export function intersect(a: RangeList, b: RangeList): RangeList {
  if (a.length === 0 || b.length === 0) return [];
  const out: Range[] = [];
  for (const [a1, b1] of a) {
    for (const [a2, b2] of b) {
      const start = Math.max(a1, a2);
      const end = Math.min(b1, b2);
      if (start <= end) out.push([start, end]);
    }
  }
  return normalize(out);
}

/** Everything in [min, max] that is not in `a`. */
export function complement(a: RangeList, min: number, max: number): RangeList {
  const out: Range[] = [];
  let next = min;
  for (const [start, end] of normalize(a)) {
    if (start > next) out.push([next, Math.min(start - 1, max)]);
    next = Math.max(next, end + 1);
  }
  if (next <= max) out.push([next, max]);
  return normalize(out);
}

export function subtract(a: RangeList, b: RangeList, min: number, max: number): RangeList {
  return intersect(a, complement(b, min, max));
}

