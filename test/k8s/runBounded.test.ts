/**
 * The fleet scheduler: the overall and per-group bounds hold at every moment, results keep the
 * input order, every item runs, and a rejection neither stops the others nor goes unnoticed.
 * Work items are deferred promises settled by the test, so "in flight" is counted exactly.
 */
import { describe, expect, it } from 'vitest';
import { runBounded } from '../../lib/adapters/k8s/runBounded.js';

interface Item {
  readonly id: number;
  readonly group: string;
}

/** Starts, counts and finishes work items by hand. */
class Harness {
  readonly started: number[] = [];
  readonly pending = new Map<number, { resolve: (v: string) => void; reject: (e: Error) => void }>();
  private inFlight = 0;
  private inFlightByGroup = new Map<string, number>();
  maxInFlight = 0;
  maxByGroup = new Map<string, number>();

  work = (item: Item): Promise<string> => {
    this.started.push(item.id);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    const g = (this.inFlightByGroup.get(item.group) ?? 0) + 1;
    this.inFlightByGroup.set(item.group, g);
    this.maxByGroup.set(item.group, Math.max(this.maxByGroup.get(item.group) ?? 0, g));
    return new Promise<string>((resolve, reject) => {
      const done = (): void => {
        this.inFlight--;
        this.inFlightByGroup.set(item.group, this.inFlightByGroup.get(item.group)! - 1);
        this.pending.delete(item.id);
      };
      this.pending.set(item.id, {
        resolve: (v) => { done(); resolve(v); },
        reject: (e) => { done(); reject(e); },
      });
    });
  };

  inFlightOf(group: string): number {
    return this.inFlightByGroup.get(group) ?? 0;
  }

  /** Finishes the oldest pending items (or the given ones), then lets the scheduler start the next. */
  async finish(ids?: readonly number[]): Promise<void> {
    for (const id of ids ?? [...this.pending.keys()]) this.pending.get(id)?.resolve(`r${id}`);
    await flush();
  }
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const items = (groups: readonly string[]): Item[] => groups.map((group, id) => ({ id, group }));

describe('runBounded', () => {
  it('never has more than `concurrency` items in flight, runs them all and keeps the input order', async () => {
    // Prepare
    const h = new Harness();
    const list = items(Array.from({ length: 23 }, () => 'g'));
    // Act
    const run = runBounded(list, { concurrency: 5 }, h.work);
    await flush();
    expect(h.pending.size).toBe(5);
    while (h.pending.size > 0) {
      // Finish items out of order: the newest first.
      await h.finish([...h.pending.keys()].reverse().slice(0, 2));
      expect(h.pending.size).toBeLessThanOrEqual(5);
    }
    const results = await run;
    // Assess
    expect(h.maxInFlight).toBe(5);
    expect([...h.started].sort((a, b) => a - b)).toEqual(list.map((i) => i.id));
    expect(results).toEqual(list.map((i) => `r${i.id}`));
  });

  it('holds the per-group bound, and a busy group leaves the overall slots to the other groups', async () => {
    // Prepare: six items of group a first, then one each of b, c and d.
    const h = new Harness();
    const list = items(['a', 'a', 'a', 'a', 'a', 'a', 'b', 'c', 'd']);
    // Act
    const run = runBounded(list, { concurrency: 4, group: (i) => i.group, perGroup: 2 }, h.work);
    await flush();
    // Assess: two of a (its bound) and b, c — not four items of a waiting for one another.
    expect(h.inFlightOf('a')).toBe(2);
    expect(h.pending.size).toBe(4);
    expect(h.started).toEqual([0, 1, 6, 7]);
    while (h.pending.size > 0) {
      await h.finish([[...h.pending.keys()][0]!]);
      expect(h.pending.size).toBeLessThanOrEqual(4);
      expect(h.inFlightOf('a')).toBeLessThanOrEqual(2);
    }
    expect(await run).toEqual(list.map((i) => `r${i.id}`));
    expect(h.maxInFlight).toBe(4);
    expect(h.maxByGroup.get('a')).toBe(2);
    expect(h.started).toHaveLength(list.length);
  });

  it('lets the other items run to the end when one rejects, then rejects with that error', async () => {
    // Prepare
    const h = new Harness();
    const list = items(['g', 'g', 'g', 'g']);
    // Act
    const run = runBounded(list, { concurrency: 2 }, h.work);
    const outcome = run.then(() => 'resolved', (err: Error) => err.message);
    await flush();
    h.pending.get(0)!.reject(new Error('cluster 0 broke'));
    await flush();
    await h.finish();
    await h.finish();
    // Assess
    expect(h.started).toEqual([0, 1, 2, 3]);
    expect(h.pending.size).toBe(0);
    expect(await outcome).toBe('cluster 0 broke');
  });

  it('resolves with no results for no items, and refuses a bound below 1', async () => {
    await expect(runBounded([], { concurrency: 3 }, () => Promise.resolve(1))).resolves.toEqual([]);
    await expect(runBounded([1], { concurrency: 0 }, () => Promise.resolve(1))).rejects.toThrow(/concurrency must be an integer of at least 1/);
    await expect(runBounded([1], { concurrency: 2, group: () => 'x', perGroup: 0 }, () => Promise.resolve(1))).rejects.toThrow(/perGroup/);
  });

  it('passes each item its index in the input', async () => {
    const seen: [string, number][] = [];
    const results = await runBounded(['x', 'y', 'z'], { concurrency: 2 }, async (item, index) => {
      seen.push([item, index]);
      return `${item}${index}`;
    });
    expect(results).toEqual(['x0', 'y1', 'z2']);
    expect(seen.sort()).toEqual([['x', 0], ['y', 1], ['z', 2]]);
  });
});
