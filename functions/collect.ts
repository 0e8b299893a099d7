/**
 * One item of the Distributed Map: collect one cluster into its snapshot. A cluster's own failure
 * (403, unreachable) is inside its snapshot; when the step fails outright (timeout, out of memory),
 * the Map's Catch calls this function again with the error, and it records the failure, which the
 * report shows as that cluster's error.
 */
import { z } from 'zod';
import { fleetItemSchema } from '../lib/adapters/aws/fleetItem.js';
import { RUN_ID_PATTERN } from '../lib/core/run/runId.js';
import { recordCollectFailure } from '../lib/service/collectFailure.js';
import { collectRunItem } from '../lib/service/collectStages.js';
import { fleetClients } from './fleetClients.js';
import { environmentOf, logger, logKeys, runtimeOf } from './runtime.js';
import { causeOf, stateErrorSchema } from './stateEvents.js';

const collectEventSchema = z.strictObject({ runId: z.string().regex(RUN_ID_PATTERN), item: fleetItemSchema, error: stateErrorSchema.optional() });

export async function handler(event: unknown): Promise<{ readonly runId: string; readonly index: number }> {
  const { runId, item, error } = collectEventSchema.parse(event);
  const env = environmentOf(process.env, {});
  const runtime = runtimeOf(env);
  logKeys({ runId, cluster: item.displayName, account: item.account, region: item.region });
  if (error) {
    const reason = causeOf(error);
    logger.error('the collect step failed', { reason });
    await recordCollectFailure(runtime.store, runId, item, reason);
  } else {
    await collectRunItem(runId, item, await runtime.fleet(), { store: runtime.store, clients: fleetClients(env.AWS_REGION), now: () => new Date() });
    logger.info('collected');
  }
  return { runId, index: item.index };
}
