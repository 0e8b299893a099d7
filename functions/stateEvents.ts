/**
 * The state machine's events that more than one function reads: the start event (the schedule's
 * or the API's) and the error a Catch adds. Apart from the handlers, so that importing one
 * handler's schema never bundles another handler's dependencies.
 */
import { z } from 'zod';
import { RUN_ID_PATTERN, scheduledRunId } from '../lib/core/run/runId.js';

const scheduledEventSchema = z.strictObject({ trigger: z.literal('schedule'), scheduledTime: z.iso.datetime({ offset: true }) });
export const startEventSchema = z.union([z.strictObject({ runId: z.string().regex(RUN_ID_PATTERN) }), scheduledEventSchema]);
type StartEvent = z.infer<typeof startEventSchema>;

/** The run of a start event: the API's, or the one a scheduled time names. */
export const runIdOf = (event: StartEvent): string => ('runId' in event ? event.runId : scheduledRunId(new Date(event.scheduledTime)));

/** What a Catch puts at its ResultPath. */
export const stateErrorSchema = z.object({ Error: z.string(), Cause: z.string().optional() });

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
