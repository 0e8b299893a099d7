/**
 * Bounded concurrency for many clusters: at most `concurrency` items in work at once overall and,
 * when items are grouped (by AWS account, say), at most `perGroup` of one group at once.
 *
 * An item takes its group's slot before it queues for an overall slot, so a busy group waits with
 * its own items and never holds overall slots idle while other groups' items could run.
 */

export interface BoundedOptions<T> {
  /** Items in work at once, overall; at least 1. */
  readonly concurrency: number;
  /** The group an item belongs to; without it, items are not grouped. */
  readonly group?: (item: T) => string;
  /** Items of one group in work at once; default: no bound beyond `concurrency`. */
  readonly perGroup?: number;
}

/**
 * Runs `work` on every item and resolves with the results in input order.
 *
 * `work` should turn its own failures into values (as `collectCluster` does: a failed step is a
 * recorded step). If it rejects anyway, the other items still run to the end and runBounded then
 * rejects with the first rejection, so nothing is left running behind the caller's back.
 */
export async function runBounded<T, R>(
  items: readonly T[], options: BoundedOptions<T>, work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const overall = new Semaphore(checkedBound('concurrency', options.concurrency));
  const perGroup = options.perGroup === undefined ? undefined : checkedBound('perGroup', options.perGroup);
  const groups = new Map<string, Semaphore>();
  const groupOf = (item: T): Semaphore | undefined => {
    if (options.group === undefined || perGroup === undefined) return undefined;
    const key = options.group(item);
    let semaphore = groups.get(key);
    if (!semaphore) groups.set(key, (semaphore = new Semaphore(perGroup)));
    return semaphore;
  };
  const settled = await Promise.allSettled(items.map(async (item, index) => {
    const group = groupOf(item);
    await group?.acquire();
    try {
      await overall.acquire();
      try {
        return await work(item, index);
      } finally {
        overall.release();
      }
    } finally {
      group?.release();
    }
  }));
  const rejected = settled.find((s) => s.status === 'rejected');
  if (rejected) throw rejected.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
}

function checkedBound(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`runBounded: ${name} must be an integer of at least 1, got ${n}`);
  return n;
}

/** A counting semaphore whose waiters are served first come, first served. */
class Semaphore {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(slots: number) {
    this.free = slots;
  }

  acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the slot straight to the next waiter, if any, so no newcomer can overtake it. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}
