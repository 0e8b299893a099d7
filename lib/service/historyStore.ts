/**
 * A scope's history in the store. The index is updated with a compare-and-swap (create-only for the
 * first run, then `ifMatch` on the version read), retried when another run wrote in between, so two
 * runs finishing at once both land and a rerun of a run id replaces its entry.
 */
import { PreconditionFailedError, type ObjectStore } from '../adapters/storage/objectStore.js';
import { historyEntrySchema, historyIndexSchema, runBefore, withRun, type HistoryEntry, type HistoryIndex } from '../core/run/history.js';
import type { RunScope } from '../core/run/scope.js';
import { historyKeys } from './runLayout.js';
import { readJson, writeJson } from './storedJson.js';

const ATTEMPTS = 20;

/** After a lost write, wait a random while that grows with the attempt, so racing writers spread out. */
const backOff = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.random() * 25 * Math.min(attempt, 8)));

export async function readHistory(store: ObjectStore, scopeKey: string): Promise<HistoryIndex | undefined> {
  return (await readJson(store, historyKeys.index(scopeKey), historyIndexSchema))?.value;
}

/** The entry of the run before `runId` in the scope, if any. */
export async function previousRun(store: ObjectStore, scopeKey: string, runId: string): Promise<HistoryEntry | undefined> {
  const index = await readHistory(store, scopeKey);
  return index && runBefore(index, runId);
}

export async function recordRun(store: ObjectStore, scopeKey: string, scope: RunScope, entry: HistoryEntry): Promise<HistoryIndex> {
  for (let attempt = 1; ; attempt++) {
    const current = await readJson(store, historyKeys.index(scopeKey), historyIndexSchema);
    const next = withRun(current?.value ?? { schemaVersion: 1, scope, runs: [] }, entry);
    try {
      await writeJson(store, historyKeys.index(scopeKey), next, current ? { ifMatch: current.etag } : { ifAbsent: true });
    } catch (err) {
      if (!(err instanceof PreconditionFailedError) || attempt >= ATTEMPTS) throw err;
      await backOff(attempt);
      continue;
    }
    await updateLatest(store, scopeKey, next.runs.at(-1)!);
    return next;
  }
}

/** `latest.json` only ever moves forward: a run that finishes after a newer one leaves it alone. */
async function updateLatest(store: ObjectStore, scopeKey: string, newest: HistoryEntry): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const current = await readJson(store, historyKeys.latest(scopeKey), historyEntrySchema);
    if (current && current.value.runId > newest.runId) return;
    try {
      await writeJson(store, historyKeys.latest(scopeKey), newest, current ? { ifMatch: current.etag } : { ifAbsent: true });
      return;
    } catch (err) {
      if (!(err instanceof PreconditionFailedError) || attempt >= ATTEMPTS) throw err;
      await backOff(attempt);
    }
  }
}
