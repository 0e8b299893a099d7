/**
 * Live evidence: one cluster's API server → the same EvidenceSnapshot the offline loader builds.
 *
 * API discovery (`/api`, `/apis`) comes first: a group/version the server does not serve is
 * `absent`, and a failure there (DNS, TCP, TLS, timeout) makes the cluster `unreachable` with the
 * reason. Then every kind of EVIDENCE_KINDS is listed cluster-wide in pages, each object sanitised
 * as it arrives. A 401/403 makes that step `forbidden`, a timeout or other failure `error`; the
 * other steps go on. Requests run with bounded concurrency and a client-side timeout each.
 */
import * as k8s from '@kubernetes/client-node';
import pLimit, { type LimitFunction } from 'p-limit';
import { assembleSnapshot } from '../../core/evidence/buildSnapshot.js';
import { sanitizeObject } from '../../core/evidence/sanitize.js';
import {
  API_SERVER_STEP, EVIDENCE_KIND_NAMES, POLICY_ENGINE_GROUPS,
  type ClusterIdentity, type CollectionStep, type EvidenceKind, type EvidenceSnapshot, type KubeObject,
} from '../../core/evidence/snapshot.js';
import { ClusterAgent } from './clusterAgent.js';
import type { KubeTarget } from './kubeconfig.js';
import { requestOptions as perRequestOptions } from './tokenKubeConfig.js';
import { groupVersion, listPage, makeClusterApis, resourceName, resourcesOf, type ClusterApis, type Resource } from './resources.js';

export interface CollectOptions {
  /** Client-side timeout of every request, in milliseconds. */
  readonly timeoutMs?: number;
  /** Requests in flight at once for this cluster. */
  readonly concurrency?: number;
  /** Objects per list page. */
  readonly pageSize?: number;
}

export const DEFAULT_COLLECT_OPTIONS = { timeoutMs: 15_000, concurrency: 4, pageSize: 500 } as const;

/** A 410 Gone (expired continue token) restarts a list from its beginning this many times at most. */
const MAX_RESTARTS = 2;

export async function collectCluster(target: KubeTarget, options: CollectOptions = {}): Promise<EvidenceSnapshot> {
  const { timeoutMs, concurrency, pageSize } = { ...DEFAULT_COLLECT_OPTIONS, ...options };
  const identity = target.identity ?? { name: target.context, source: 'kubeconfig' as const };
  const agent = new ClusterAgent(concurrency);
  try {
    const requestOptions = agent.options(perRequestOptions(timeoutMs, target.bearerToken));
    return await collectWith(target, identity, { timeoutMs, pageSize, requestOptions, limit: pLimit(concurrency) });
  } finally {
    agent.close();
  }
}

async function collectWith(target: KubeTarget, identity: ClusterIdentity, settings: ListSettings): Promise<EvidenceSnapshot> {
  const { timeoutMs, requestOptions } = settings;
  const served = await discover(target.kubeConfig, requestOptions, timeoutMs);
  if (!served.ok) {
    // The cluster is still listed: the API server step holds the reason, and every step says nothing was collected.
    const unreachable = served.status === 'error';
    const steps = EVIDENCE_KIND_NAMES.map((step): CollectionStep => ({
      step, status: served.status, detail: unreachable ? 'not collected: the API server is unreachable' : served.detail,
    }));
    const collection = unreachable ? [{ step: API_SERVER_STEP, status: 'error' as const, detail: served.detail }, ...steps] : steps;
    return assembleSnapshot({ identity, objects: [], collection });
  }
  const apis = makeClusterApis(target.kubeConfig);
  const list = (r: Resource): Promise<Listed> => listAll(apis, r, settings);
  const results = await Promise.all(EVIDENCE_KIND_NAMES.map((step) => collectStep(step, served.serves, list)));
  return assembleSnapshot({
    identity,
    objects: results.flatMap((r) => r.objects),
    collection: [{ step: API_SERVER_STEP, status: 'ok' }, ...results.map((r) => r.step)],
    ...(served.groups && { policyEngineGroups: POLICY_ENGINE_GROUPS.filter((g) => served.groups!.has(g)) }),
  });
}

type Discovery =
  /** `groups` is undefined when the server would not list them; every kind is then tried. */
  | { ok: true; serves: (groupVersion: string) => boolean; groups: ReadonlySet<string> | undefined }
  | { ok: false; status: 'error' | 'forbidden'; detail: string };

async function discover(kc: k8s.KubeConfig, requestOptions: k8s.ConfigurationOptions, timeoutMs: number): Promise<Discovery> {
  let path = '/api';
  try {
    const core = await kc.makeApiClient(k8s.CoreApi).getAPIVersions({}, requestOptions);
    path = '/apis';
    const groups = await kc.makeApiClient(k8s.ApisApi).getAPIVersions({}, requestOptions).catch((err: unknown) => {
      // A server that answers /api but not /apis (a minimal or proxied one) is reachable: try every kind, a 404 is then absent.
      if (err instanceof k8s.ApiException && err.code === 404) return undefined;
      throw err;
    });
    if (!groups) return { ok: true, serves: () => true, groups: undefined };
    const groupVersions = new Set([...core.versions, ...groups.groups.flatMap((g) => g.versions.map((v) => v.groupVersion))]);
    return { ok: true, serves: (gv) => groupVersions.has(gv), groups: new Set(groups.groups.map((g) => g.name)) };
  } catch (err) {
    if (err instanceof k8s.ApiException && (err.code === 401 || err.code === 403)) {
      return { ok: false, status: 'forbidden', detail: `${httpStatus(err.code)}: get ${path}` };
    }
    return { ok: false, status: 'error', detail: `unreachable: ${failure(err, timeoutMs, `get ${path}`)}` };
  }
}

interface ListSettings {
  readonly pageSize: number;
  readonly timeoutMs: number;
  readonly requestOptions: k8s.ConfigurationOptions;
  readonly limit: LimitFunction;
}

type Listed = { ok: true; objects: KubeObject[] } | { ok: false; step: Omit<CollectionStep, 'step'> } | { ok: 'absent'; detail: string };

/** Every page of one resource; a 410 Gone starts it again from the first page. */
async function listAll(apis: ClusterApis, r: Resource, settings: ListSettings): Promise<Listed> {
  const verb = `list ${resourceName(r)}`;
  for (let attempt = 0; ; attempt++) {
    const objects: KubeObject[] = [];
    let continueToken: string | undefined;
    try {
      do {
        const request = { limit: settings.pageSize, continueToken };
        const page = await settings.limit(() => listPage(apis, r, request, settings.requestOptions));
        // Sanitised as it arrives: no secret or configuration value is ever kept.
        for (const item of page.items) objects.push(sanitizeObject(item));
        continueToken = page.continueToken;
      } while (continueToken !== undefined);
      return { ok: true, objects };
    } catch (err) {
      if (err instanceof k8s.ApiException && err.code === 410 && attempt < MAX_RESTARTS) continue;
      if (err instanceof k8s.ApiException && err.code === 410) {
        return { ok: false, step: { status: 'error', detail: `410 Gone ${attempt + 1} times (the continue token expired): ${verb}` } };
      }
      if (err instanceof k8s.ApiException && (err.code === 401 || err.code === 403)) {
        return { ok: false, step: { status: 'forbidden', detail: `${httpStatus(err.code)}: ${verb}` } };
      }
      // The group/version is served but not this resource (an older or trimmed API server).
      if (err instanceof k8s.ApiException && err.code === 404) return { ok: 'absent', detail: resourceName(r) };
      return { ok: false, step: { status: 'error', detail: failure(err, settings.timeoutMs, verb) } };
    }
  }
}

/**
 * A step's kinds together: the first that failed decides it (forbidden or error); kinds the cluster
 * does not serve are absent, and a step whose every kind is absent is absent.
 */
async function collectStep(
  step: EvidenceKind, serves: (groupVersion: string) => boolean, list: (r: Resource) => Promise<Listed>,
): Promise<{ step: CollectionStep; objects: KubeObject[] }> {
  const resources = resourcesOf(step);
  const present = resources.filter((r) => serves(groupVersion(r)));
  const notServed = resources.filter((r) => !serves(groupVersion(r))).map(groupVersion);
  if (present.length === 0) {
    return { step: { step, status: 'absent', detail: `not served by the API server: ${[...new Set(notServed)].join(', ')}` }, objects: [] };
  }
  const listed = await Promise.all(present.map(list));
  const failed = listed.flatMap((l) => (l.ok === false ? [l.step] : []));
  const objects = listed.flatMap((l) => (l.ok === true ? l.objects : []));
  if (listed.every((l) => l.ok === 'absent')) {
    return { step: { step, status: 'absent', detail: `not served by the API server: ${listed.map((l) => (l.ok === 'absent' ? l.detail : '')).join(', ')}` }, objects };
  }
  if (failed.length > 0) {
    const status = failed.some((f) => f.status === 'error') ? 'error' : 'forbidden';
    return { step: { step, status, detail: failed.map((f) => f.detail).join('; ') }, objects };
  }
  const n = objects.length;
  return { step: { step, status: 'ok', detail: `${n} object${n === 1 ? '' : 's'}` }, objects };
}

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 410: 'Gone', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable' };

const httpStatus = (code: number): string => `${code}${STATUS_TEXT[code] ? ` ${STATUS_TEXT[code]}` : ''}`;

/** One line naming what failed: an HTTP status, a timeout, or the network or TLS error. */
function failure(err: unknown, timeoutMs: number, what: string): string {
  if (err instanceof k8s.ApiException) return `${httpStatus(err.code)}: ${what}`;
  if (err instanceof Error && err.name === 'AbortError') return `timed out after ${timeoutMs / 1000} s: ${what}`;
  const message = err instanceof Error ? err.message : String(err);
  return `${what}: ${message.split('\n')[0]}`;
}
