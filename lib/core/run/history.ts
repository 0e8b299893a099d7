/**
 * The history of one scope (`history/<scope>/index.json`): one entry per run, in run-id order, that
 * trends and `latest` read. Merging is pure and idempotent: recording a run again replaces its
 * entry, never duplicates it, and a rerun of an older run id keeps its place.
 */
import { z } from 'zod';
import { RUN_ID_PATTERN } from './runId.js';
import { scopeSchema } from './scope.js';

/** About ten years of weekly runs; older entries drop off (their reports stay, subject to the bucket's lifecycle). */
export const HISTORY_LIMIT = 520;

export const historyEntrySchema = z.object({
  runId: z.string().regex(RUN_ID_PATTERN),
  generatedAt: z.string(),
  status: z.enum(['done', 'partial']),
  score: z.number().nullable(),
  grade: z.string().nullable(),
  coverage: z.number(),
  clusters: z.number(),
});
export type HistoryEntry = z.infer<typeof historyEntrySchema>;

export const historyIndexSchema = z.object({
  schemaVersion: z.literal(1),
  scope: scopeSchema,
  runs: z.array(historyEntrySchema),
});
export type HistoryIndex = z.infer<typeof historyIndexSchema>;

export function withRun(index: HistoryIndex, entry: HistoryEntry, limit = HISTORY_LIMIT): HistoryIndex {
  const runs = [...index.runs.filter((r) => r.runId !== entry.runId), entry].sort((a, b) => (a.runId < b.runId ? -1 : 1));
  return { ...index, runs: runs.slice(-limit) };
}

/** The run before `runId` in the scope's history, for trends: never the run itself, so a rerun compares as the first run did. */
export function runBefore(index: HistoryIndex, runId: string): HistoryEntry | undefined {
  return index.runs.filter((r) => r.runId < runId).at(-1);
}
