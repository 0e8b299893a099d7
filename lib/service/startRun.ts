/**
 * Starting a run: its request and a `running` status stored, then the runner told. An on-demand
 * request's Idempotency-Key is recorded first, create-only, so the same key and body give back the
 * same run however often they are sent, and the same key with another body is refused.
 */
import { createHash } from 'node:crypto';
import { PreconditionFailedError, type ObjectStore } from '../adapters/storage/objectStore.js';
import { newRunId } from '../core/run/runId.js';
import type { RunStatus } from '../core/run/runStatus.js';
import { z } from 'zod';
import type { RunRequest } from './runRequest.js';
import { idempotencyKeyOf, runKeys } from './runLayout.js';
import { readJson, writeJson } from './storedJson.js';

/** Runs the stored run's stages: a Step Functions execution named by the run id, or in-process. */
export interface RunStarter {
  start(request: RunRequest): Promise<void>;
  /** Why a run whose status still says running has in fact ended, when the runner knows. */
  failure?(runId: string): Promise<string | undefined>;
}

export interface StartDeps {
  readonly store: ObjectStore;
  readonly starter: RunStarter;
  readonly now: () => Date;
  readonly random: () => Uint8Array;
}

export type StartOutcome =
  | { readonly kind: 'started' | 'replayed'; readonly runId: string }
  | { readonly kind: 'key-reused' };

const idempotencySchema = z.object({ runId: z.string(), bodyDigest: z.string() });

const digest = (text: string): string => createHash('sha256').update(text).digest('hex');

export async function startRun(
  asked: Omit<RunRequest, 'runId' | 'startedAt'>, deps: StartDeps, idempotency?: { readonly key: string; readonly body: string },
): Promise<StartOutcome> {
  const startedAt = deps.now();
  const runId = newRunId(startedAt, deps.random());
  if (idempotency) {
    const key = idempotencyKeyOf(digest(idempotency.key).slice(0, 40));
    const record = { runId, bodyDigest: digest(idempotency.body) };
    try {
      await writeJson(deps.store, key, record, { ifAbsent: true });
    } catch (err) {
      if (!(err instanceof PreconditionFailedError)) throw err;
      const earlier = (await readJson(deps.store, key, idempotencySchema))!.value;
      return earlier.bodyDigest === record.bodyDigest ? { kind: 'replayed', runId: earlier.runId } : { kind: 'key-reused' };
    }
  }
  const request: RunRequest = { ...asked, runId, startedAt: startedAt.toISOString() };
  await beginRun(deps.store, request);
  await deps.starter.start(request);
  return { kind: 'started', runId };
}

/**
 * Stores the request and a `running` status. With `once`, a run whose request is already stored is
 * not begun again, and the answer is false.
 */
export async function beginRun(store: ObjectStore, request: RunRequest, options: { readonly once?: boolean } = {}): Promise<boolean> {
  try {
    await writeJson(store, runKeys.request(request.runId), request, { ifAbsent: options.once === true });
  } catch (err) {
    if (options.once && err instanceof PreconditionFailedError) return false;
    throw err;
  }
  const status: RunStatus = { runId: request.runId, trigger: request.trigger, scope: request.scope, startedAt: request.startedAt, status: 'running' };
  await writeJson(store, runKeys.status(request.runId), status);
  return true;
}
