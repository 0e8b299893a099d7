/**
 * The run's last stage over the store: the stored snapshots assessed one at a time, then the report
 * stored, recorded and mailed; or a run that failed as a whole. An item whose collect never
 * finished becomes an `error` snapshot with the reason, and a snapshot too large to assess is
 * reported as such. It loads no EKS or Kubernetes client (the report function's cold start).
 */
import { assessCluster } from '../core/report/assessCluster.js';
import { API_SERVER_STEP, snapshotSchema, type EvidenceSnapshot } from '../core/evidence/snapshot.js';
import type { RunStatus } from '../core/run/runStatus.js';
import { TECHNIQUES } from '../core/techniques/catalog.js';
import { renderFailureEmail } from '../adapters/render/renderEmail.js';
import { fleetItemSchema, itemIdentity, type FleetItem } from '../adapters/aws/fleetItem.js';
import { notCollected } from '../adapters/aws/uncollected.js';
import type { ObjectStore } from '../adapters/storage/objectStore.js';
import { collectFailureSchema } from './collectFailure.js';
import { reportedCluster, reportRun, runSettings, type ReportedCluster, type ReportRunDeps, type ReportRunResult } from './reportRun.js';
import { runKeys } from './runLayout.js';
import { readRequest } from './runRequest.js';
import { readJson, writeJson } from './storedJson.js';

const itemsSchema = fleetItemSchema.array();

export interface ReportStoredDeps extends Omit<ReportRunDeps, 'store'> {
  readonly store: ObjectStore;
  /** A stored snapshot larger than this is reported as too large rather than read (it would not fit in memory). */
  readonly maxSnapshotBytes: number;
}

/**
 * Assesses the run's stored snapshots one at a time, so memory follows the largest cluster and not
 * the fleet, then stores, records and mails the report.
 */
export async function reportStoredRun(runId: string, deps: ReportStoredDeps): Promise<ReportRunResult> {
  const { store } = deps;
  const request = await readRequest(store, runId);
  const items = (await readJson(store, runKeys.items(runId), itemsSchema))?.value ?? [];
  const stored = new Map((await store.list(runKeys.snapshots(runId))).map((o) => [o.key, o.size]));
  const failures = await store.list(runKeys.failures(runId));
  const assessed: ReportedCluster[] = [];
  const settings = runSettings(deps);
  const assess = (snapshot: EvidenceSnapshot) => assessed.push(reportedCluster(assessCluster(snapshot, TECHNIQUES, settings)));
  for (const item of items) {
    const key = runKeys.snapshot(runId, item.index);
    const size = stored.get(key);
    stored.delete(key);
    const failure = failures.some((f) => f.key === runKeys.failure(runId, item.index))
      ? (await readJson(store, runKeys.failure(runId, item.index), collectFailureSchema))?.value.reason : undefined;
    assess(size === undefined
      ? uncollectedItem(item, failure ?? 'the collect step did not finish')
      : await readSnapshot(store, key, size, item, deps.maxSnapshotBytes));
  }
  // Discovery's gaps, after the items.
  for (const [key, size] of stored) assess(await readSnapshot(store, key, size, undefined, deps.maxSnapshotBytes));
  return reportRun(request, assessed, deps);
}


async function readSnapshot(store: ObjectStore, key: string, size: number, item: FleetItem | undefined, maxBytes: number): Promise<EvidenceSnapshot> {
  const identity = item && itemIdentity(item);
  if (size > maxBytes) {
    const detail = `the snapshot is ${mib(size)}, more than the ${mib(maxBytes)} this report function can assess; give the report function more memory`;
    return notCollected(identity ?? { name: key, source: 'eks' }, { step: API_SERVER_STEP, status: 'error', detail });
  }
  const read = await readJson(store, key, snapshotSchema);
  if (!read) return notCollected(identity ?? { name: key, source: 'eks' }, { step: API_SERVER_STEP, status: 'error', detail: 'the snapshot disappeared' });
  return read.value as EvidenceSnapshot;
}

function uncollectedItem(item: FleetItem, reason: string): EvidenceSnapshot {
  return notCollected(itemIdentity(item), { step: API_SERVER_STEP, status: 'error', detail: `not collected: ${reason}` });
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

export interface FailRunDeps {
  readonly store: ObjectStore;
  readonly now: () => Date;
  readonly mail?: ReportRunDeps['mail'];
}

/** A run that failed as a whole (discovery crashed, the report step failed): its status, and the failure email. */
export async function failRun(runId: string, failure: { readonly stage: string; readonly message: string }, deps: FailRunDeps): Promise<RunStatus> {
  const request = await readRequest(deps.store, runId);
  const to = request.recipients ?? deps.mail?.to ?? [];
  let email: RunStatus['email'] = { status: 'not-configured', recipients: 0 };
  if (deps.mail && to.length > 0) {
    const body = renderFailureEmail({ runId, startedAt: request.startedAt, stage: failure.stage, message: failure.message });
    email = await deps.mail.mailer.send({ from: deps.mail.from, to, subject: body.subject, html: body.html, text: body.text })
      .then((sent) => ({ status: 'sent' as const, recipients: to.length, detail: sent.where }),
        (err: unknown) => ({ status: 'failed' as const, recipients: to.length, detail: err instanceof Error ? err.message : String(err) }));
  }
  const status: RunStatus = {
    runId, trigger: request.trigger, scope: request.scope, startedAt: request.startedAt, finishedAt: deps.now().toISOString(),
    status: 'failed', error: { stage: failure.stage, message: failure.message.split('\n')[0]!.slice(0, 500) }, email,
  };
  await writeJson(deps.store, runKeys.status(runId), status);
  return status;
}
