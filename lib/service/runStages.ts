/**
 * A run's stages over the store, as the state machine runs them in AWS (discover → one collect per
 * item → report) and `kubeseg serve` runs them in-process: each stage reads what the one before it
 * stored, so a stage can run in another process. Nothing asked for is dropped: a discovery gap is
 * stored as its own snapshot, an item whose collect never finished becomes an `error` snapshot
 * with the reason, and a snapshot too large to assess is reported as such.
 */
import { z } from 'zod';
import { assessCluster, type ClusterAssessment } from '../core/report/assessCluster.js';
import { API_SERVER_STEP, snapshotSchema, type EvidenceSnapshot } from '../core/evidence/snapshot.js';
import type { FleetConfig } from '../core/config/fleetConfig.js';
import { narrowFleet } from '../core/run/scope.js';
import type { RunStatus } from '../core/run/runStatus.js';
import { TECHNIQUES } from '../core/techniques/catalog.js';
import { renderFailureEmail } from '../adapters/render/renderEmail.js';
import type { AwsClientFactory } from '../adapters/aws/clients.js';
import { discoverFleet } from '../adapters/aws/discoverFleet.js';
import { collectFleetItem, fleetItemSchema, fleetItems, itemIdentity, type FleetItem } from '../adapters/aws/fleetItems.js';
import { gapSnapshot, notCollected } from '../adapters/aws/uncollected.js';
import type { ObjectStore } from '../adapters/storage/objectStore.js';
import { reportRun, type ReportRunDeps, type ReportRunResult } from './reportRun.js';
import { runRequestSchema, type RunRequest } from './runRequest.js';
import { runKeys } from './runLayout.js';
import { readJson, StoredDocumentError, writeJson } from './storedJson.js';

const itemsSchema = fleetItemSchema.array();
export const collectFailureSchema = z.object({ item: fleetItemSchema, reason: z.string() });

export interface DiscoverDeps {
  readonly store: ObjectStore;
  readonly clients: AwsClientFactory;
  readonly now: () => Date;
}

export interface Discovered {
  readonly runId: string;
  /** The Map's items' key in the store. */
  readonly itemsKey: string;
  readonly clusters: number;
  readonly gaps: number;
}

export async function readRequest(store: ObjectStore, runId: string): Promise<RunRequest> {
  const request = await readJson(store, runKeys.request(runId), runRequestSchema);
  if (!request) throw new StoredDocumentError(`${store.location}${runKeys.request(runId)}: no such run`);
  return request.value;
}

/** Discovers the run's scope of the fleet: the items to collect, and every gap as a snapshot after them. */
export async function discoverRun(runId: string, config: FleetConfig, deps: DiscoverDeps): Promise<Discovered> {
  const request = await readRequest(deps.store, runId);
  const discovery = await discoverFleet(narrowFleet(config, request.scope), { clients: deps.clients, now: deps.now });
  const items = fleetItems(discovery);
  for (const [i, gap] of discovery.gaps.entries()) await writeJson(deps.store, runKeys.snapshot(runId, items.length + i), gapSnapshot(gap));
  await writeJson(deps.store, runKeys.items(runId), items);
  return { runId, itemsKey: runKeys.items(runId), clusters: items.length, gaps: discovery.gaps.length };
}

/** Collects one item into its snapshot; never throws for the cluster's own failures. */
export async function collectRunItem(runId: string, item: FleetItem, config: FleetConfig, deps: DiscoverDeps): Promise<void> {
  const snapshot = await collectFleetItem(config, item, { clients: deps.clients, now: deps.now });
  await writeJson(deps.store, runKeys.snapshot(runId, item.index), snapshot);
}

/** What the Map's Catch records when an item's collect failed outright (a timeout, out of memory). */
export async function recordCollectFailure(store: ObjectStore, runId: string, item: FleetItem, reason: string): Promise<void> {
  await writeJson(store, runKeys.failure(runId, item.index), { item, reason });
}

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
  const assessments: ClusterAssessment[] = [];
  for (const item of items) {
    const key = runKeys.snapshot(runId, item.index);
    const size = stored.get(key);
    stored.delete(key);
    const failure = failures.some((f) => f.key === runKeys.failure(runId, item.index))
      ? (await readJson(store, runKeys.failure(runId, item.index), collectFailureSchema))?.value.reason : undefined;
    assessments.push(assessCluster(size === undefined
      ? uncollectedItem(item, failure ?? 'the collect step did not finish')
      : await readSnapshot(store, key, size, item, deps.maxSnapshotBytes), TECHNIQUES));
  }
  // Discovery's gaps, after the items.
  for (const [key, size] of stored) assessments.push(assessCluster(await readSnapshot(store, key, size, undefined, deps.maxSnapshotBytes), TECHNIQUES));
  return reportRun(request, assessments, deps);
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
