import { describe, expect, it } from 'vitest';
import { IntervalSet } from '../../lib/core/netpol/intervals.js';

const set = (...ranges: [number, number][]): IntervalSet => IntervalSet.fromRanges(ranges);

describe('IntervalSet', () => {
  it('builds a single range and treats start > end as empty', () => {
    // Prepare / Act
    const range = IntervalSet.of(5, 9);
    const inverted = IntervalSet.of(9, 5);

    // Assess
    expect(range.ranges).toEqual([[5, 9]]);
    expect(range.size).toBe(5);
    expect(inverted.isEmpty).toBe(true);
    expect(inverted).toBe(IntervalSet.empty);
  });

  it('merges overlapping and touching ranges given in any order into canonical form', () => {
    // Prepare
    const input: [number, number][] = [[20, 30], [1, 3], [4, 6], [25, 40], [50, 50], [8, 9]];

    // Act
    const merged = IntervalSet.fromRanges(input);

    // Assess
    expect(merged.ranges).toEqual([[1, 6], [8, 9], [20, 40], [50, 50]]);
    expect(merged.toString()).toBe('1-6,8-9,20-40,50');
  });

  it('drops inverted ranges when building from a list', () => {
    // Prepare / Act
    const s = set([10, 1], [3, 4]);

    // Assess
    expect(s.ranges).toEqual([[3, 4]]);
  });

  it('answers membership at range boundaries and in gaps', () => {
    // Prepare
    const s = set([1, 3], [10, 20], [100, 100]);

    // Act
    const probes = [0, 1, 3, 4, 9, 10, 20, 21, 99, 100, 101].map((v) => [v, s.contains(v)]);

    // Assess
    expect(probes).toEqual([
      [0, false], [1, true], [3, true], [4, false], [9, false], [10, true],
      [20, true], [21, false], [99, false], [100, true], [101, false],
    ]);
    expect(IntervalSet.empty.contains(0)).toBe(false);
  });

  it('unions sets, merging ranges that become adjacent', () => {
    // Prepare
    const a = set([1, 5], [20, 25]);
    const b = set([6, 10], [30, 30]);

    // Act
    const u = a.union(b);

    // Assess
    expect(u.toString()).toBe('1-10,20-25,30');
    expect(a.union(IntervalSet.empty)).toBe(a);
    expect(IntervalSet.empty.union(b)).toBe(b);
  });

  it('intersects sets range by range', () => {
    // Prepare
    const a = set([1, 10], [20, 30], [40, 50]);
    const b = set([5, 22], [28, 45]);

    // Act
    const i = a.intersect(b);

    // Assess
    expect(i.toString()).toBe('5-10,20-22,28-30,40-45');
    expect(a.intersect(set([11, 19])).isEmpty).toBe(true);
  });

  it('subtracts holes from the middle, the edges and whole ranges', () => {
    // Prepare
    const a = set([1, 100], [200, 300]);
    const holes = set([1, 1], [10, 20], [100, 250], [300, 300]);

    // Act
    const d = a.subtract(holes);

    // Assess
    expect(d.toString()).toBe('2-9,21-99,251-299');
    expect(a.subtract(a).isEmpty).toBe(true);
    expect(a.subtract(IntervalSet.empty)).toBe(a);
  });

  it('reports coverage and equality by content, not identity', () => {
    // Prepare
    const big = set([1, 65535]);
    const parts = set([1, 80], [81, 65535]);

    // Act / Assess
    expect(parts.equals(big)).toBe(true);
    expect(big.covers(set([80, 80], [443, 443]))).toBe(true);
    expect(set([1, 80]).covers(set([80, 81]))).toBe(false);
    expect(big.covers(IntervalSet.empty)).toBe(true);
    expect(set([1, 2]).equals(set([1, 2], [4, 4]))).toBe(false);
  });

  it('holds the full 32-bit IPv4 space exactly', () => {
    // Prepare
    const all = IntervalSet.of(0, 0xffffffff);

    // Act
    const rest = all.subtract(IntervalSet.of(0x0a000000, 0x0affffff));

    // Assess
    expect(all.size).toBe(2 ** 32);
    expect(rest.ranges).toEqual([[0, 0x09ffffff], [0x0b000000, 0xffffffff]]);
    expect(rest.size).toBe(2 ** 32 - 2 ** 24);
  });

  it('renders the empty set as an empty string', () => {
    // Prepare / Act / Assess
    expect(IntervalSet.empty.toString()).toBe('');
  });
});
