/**
 * The state machine's last step: score, render, store and mail the run (`{ runId }`). The Catches
 * of the discover and report steps call it too (`{ stage, run }`), to mark the run failed and mail
 * the failure: a run never ends silently.
 */
import { z } from 'zod';
import { fleetRules } from '../lib/core/config/fleetConfig.js';
import { RUN_ID_PATTERN } from '../lib/core/run/runId.js';
import { linkSignerOf } from '../lib/service/linkKey.js';
import { failRun, reportStoredRun } from '../lib/service/reportStages.js';
import { environmentOf, logger, logKeys, runtimeOf } from './runtime.js';
import { causeOf, runIdOf, stateErrorSchema } from './stateEvents.js';

const reportEventSchema = z.union([
  z.strictObject({ runId: z.string().regex(RUN_ID_PATTERN) }),
  z.strictObject({
    stage: z.enum(['discover', 'report']),
    // The failed step's input, with the Catch's error added: the API's `{ runId }` or the schedule's event.
    run: z.looseObject({ runId: z.string().regex(RUN_ID_PATTERN).optional(), scheduledTime: z.iso.datetime({ offset: true }).optional(), error: stateErrorSchema })
      .refine((run) => run.runId !== undefined || run.scheduledTime !== undefined, 'needs runId or scheduledTime'),
  }),
]);

const reportEnvironment = {
  /** The API's base URL: the email's links go through its signed-link route. */
  API_BASE_URL: z.url(),
  LINK_DAYS: z.coerce.number().int().min(1).max(90).default(7),
  /** A stored snapshot larger than this is reported as too large for the function, not read. */
  MAX_SNAPSHOT_MIB: z.coerce.number().positive().default(20),
};

export async function handler(event: unknown): Promise<{ readonly runId: string; readonly status: string }> {
  const parsed = reportEventSchema.parse(event);
  const env = environmentOf(process.env, reportEnvironment);
  const runtime = runtimeOf(env);
  const now = () => new Date();
  if ('stage' in parsed) {
    const runId = parsed.run.runId ?? runIdOf({ trigger: 'schedule', scheduledTime: parsed.run.scheduledTime! });
    logKeys({ runId });
    const message = causeOf(parsed.run.error);
    logger.error('the run failed', { stage: parsed.stage, reason: message });
    const mail = await runtime.fleet().then((config) => runtime.mail(config), () => undefined);
    const status = await failRun(runId, { stage: parsed.stage, message }, { store: runtime.store, now, ...(mail && { mail }) });
    return { runId, status: status.status };
  }
  const { runId } = parsed;
  logKeys({ runId });
  const fleet = await runtime.fleet();
  const mail = runtime.mail(fleet);
  const links = await linkSignerOf(runtime.store);
  const base = env.API_BASE_URL.replace(/\/+$/, '');
  const { status } = await reportStoredRun(runId, {
    store: runtime.store, now, ...(mail && { mail }), ...(fleetRules(fleet) && { rules: fleetRules(fleet) }), maxSnapshotBytes: env.MAX_SNAPSHOT_MIB * 1024 * 1024,
    linkTo: (id, format) => `${base}${links.path(id, format, new Date(now().getTime() + env.LINK_DAYS * 86_400_000))}`,
  });
  logger.info('reported', { status: status.status, score: status.fleet?.score, email: status.email?.status });
  if (status.email?.status === 'failed') logger.error('the email was not sent', { detail: status.email.detail });
  return { runId, status: status.status };
}

