/**
 * The state machine's first step. Its input is the weekly schedule's (`{ trigger, scheduledTime }`,
 * a run begun here, once however often the schedule is delivered) or the API's (`{ runId }`, a run
 * the API began). It writes the run's item list to S3 for the Distributed Map.
 */
import { discoverRun } from '../lib/service/collectStages.js';
import { beginRun } from '../lib/service/startRun.js';
import { fleetClients } from './fleetClients.js';
import { environmentOf, logger, logKeys, runtimeOf } from './runtime.js';
import { runIdOf, startEventSchema } from './stateEvents.js';


export interface DiscoverResult {
  readonly runId: string;
  /** A schedule delivered again: its run began before, and this execution ends here. */
  readonly duplicate: boolean;
  readonly itemsKey?: string;
  readonly clusters?: number;
  readonly gaps?: number;
}


export async function handler(event: unknown): Promise<DiscoverResult> {
  const start = startEventSchema.parse(event);
  const env = environmentOf(process.env, {});
  const runtime = runtimeOf(env);
  const runId = runIdOf(start);
  logKeys({ runId });
  if ('scheduledTime' in start) {
    const begun = await beginRun(runtime.store, { runId, trigger: 'schedule', scope: {}, startedAt: new Date(start.scheduledTime).toISOString() }, { once: true });
    if (!begun) {
      logger.warn('the schedule was delivered again; its run began before', { scheduledTime: start.scheduledTime });
      return { runId, duplicate: true };
    }
  }
  const discovered = await discoverRun(runId, await runtime.fleet(), { store: runtime.store, clients: fleetClients(env.AWS_REGION), now: () => new Date() });
  logger.info('discovered', { clusters: discovered.clusters, gaps: discovered.gaps });
  return { ...discovered, duplicate: false };
}
