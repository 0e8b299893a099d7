/**
 * One item of the Distributed Map: collect one cluster into its snapshot. A cluster's own failure
 * (403, unreachable) is inside its snapshot; when the step fails outright (timeout, out of memory),
 * the Map's Catch calls this function again with the error, and it records the failure, which the
 * report shows as that cluster's error.
 */
import { z } from 'zod';
import { fleetItemSchema } from '../lib/adapters/aws/fleetItems.js';
import { RUN_ID_PATTERN } from '../lib/core/run/runId.js';
import { collectRunItem, recordCollectFailure } from '../lib/service/runStages.js';
import { environmentOf, logger, logKeys, runtimeOf } from './runtime.js';

/** What a Catch puts at its ResultPath. */
export const stateErrorSchema = z.object({ Error: z.string(), Cause: z.string().optional() });

const collectEventSchema = z.strictObject({ runId: z.string().regex(RUN_ID_PATTERN), item: fleetItemSchema, error: stateErrorSchema.optional() });

export async function handler(event: unknown): Promise<{ readonly runId: string; readonly index: number }> {
  const { runId, item, error } = collectEventSchema.parse(event);
  const runtime = runtimeOf(environmentOf(process.env, {}));
  logKeys({ runId, cluster: item.displayName, account: item.account, region: item.region });
  if (error) {
    const reason = causeOf(error);
    logger.error('the collect step failed', { reason });
    await recordCollectFailure(runtime.store, runId, item, reason);
  } else {
    await collectRunItem(runId, item, await runtime.fleet(), { store: runtime.store, clients: runtime.clients, now: () => new Date() });
    logger.info('collected');
  }
  return { runId, index: item.index };
}

/** One line from a Catch's error: a Lambda's errorMessage inside Cause when there is one. */
export function causeOf(error: z.infer<typeof stateErrorSchema>): string {
  let message = error.Cause ?? '';
  try {
    const cause = JSON.parse(message) as { errorMessage?: unknown };
    if (typeof cause.errorMessage === 'string') message = cause.errorMessage;
  } catch {
    // Cause is plain text.
  }
  return `${error.Error}${message ? `: ${message.split('\n')[0]!.slice(0, 300)}` : ''}`;
}
