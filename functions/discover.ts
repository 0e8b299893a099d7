/**
 * The state machine's first step. Its input is the weekly schedule's (`{ trigger, scheduledTime }`,
 * a run begun here, once however often the schedule is delivered) or the API's (`{ runId }`, a run
 * the API began). It writes the run's item list to S3 for the Distributed Map.
 */
import { z } from 'zod';
import { RUN_ID_PATTERN, scheduledRunId } from '../lib/core/run/runId.js';
import { discoverRun } from '../lib/service/runStages.js';
import { beginRun } from '../lib/service/startRun.js';
import { environmentOf, logger, logKeys, runtimeOf } from './runtime.js';

export const scheduledEventSchema = z.strictObject({ trigger: z.literal('schedule'), scheduledTime: z.iso.datetime({ offset: true }) });
export const startEventSchema = z.union([z.strictObject({ runId: z.string().regex(RUN_ID_PATTERN) }), scheduledEventSchema]);
export type StartEvent = z.infer<typeof startEventSchema>;

export interface DiscoverResult {
  readonly runId: string;
  /** A schedule delivered again: its run began before, and this execution ends here. */
  readonly duplicate: boolean;
  readonly itemsKey?: string;
  readonly clusters?: number;
  readonly gaps?: number;
}

/** The run of a start event: the API's, or the one a scheduled time names. */
export const runIdOf = (event: StartEvent): string => ('runId' in event ? event.runId : scheduledRunId(new Date(event.scheduledTime)));

export async function handler(event: unknown): Promise<DiscoverResult> {
  const start = startEventSchema.parse(event);
  const runtime = runtimeOf(environmentOf(process.env, {}));
  const runId = runIdOf(start);
  logKeys({ runId });
  if ('scheduledTime' in start) {
    const begun = await beginRun(runtime.store, { runId, trigger: 'schedule', scope: {}, startedAt: new Date(start.scheduledTime).toISOString() }, { once: true });
    if (!begun) {
      logger.warn('the schedule was delivered again; its run began before', { scheduledTime: start.scheduledTime });
      return { runId, duplicate: true };
    }
  }
  const discovered = await discoverRun(runId, await runtime.fleet(), { store: runtime.store, clients: runtime.clients, now: () => new Date() });
  logger.info('discovered', { clusters: discovered.clusters, gaps: discovered.gaps });
  return { ...discovered, duplicate: false };
}
