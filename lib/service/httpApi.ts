/**
 * The on-demand API, behind API Gateway in AWS and `kubeseg serve` on a laptop:
 *
 *   POST /reports                  start a run of a scope → 202 { runId }; honours Idempotency-Key
 *   GET  /reports/{id}             the run's status, scores and links
 *   GET  /reports/{id}/{format}    302 to a freshly presigned, short-lived URL (or the bytes, from a local folder)
 *   GET  /links/{id}/{format}      the same for an email's signed link (signedLinks.ts), with no other credential
 *
 * Authentication happens in front (IAM or JWT at API Gateway, a bearer token in `serve`); the
 * request says whether it passed, and an unauthenticated one gets 401 and nothing else. Every
 * answer is JSON with an `error` line on failure, and a refused request writes nothing.
 */
import { z } from 'zod';
import { isRunId } from '../core/run/runId.js';
import { runStatusSchema } from '../core/run/runStatus.js';
import { scopeSchema, type RunScope } from '../core/run/scope.js';
import type { ObjectStore } from '../adapters/storage/objectStore.js';
import { contentTypeOf } from './reportOutputs.js';
import { FILE_OF_FORMAT, LINKED_FORMATS, type LinkedFormat } from './reportRun.js';
import { runKeys } from './runLayout.js';
import type { LinkSigner } from './signedLinks.js';
import { startRun, type RunStarter } from './startRun.js';
import { readJson } from './storedJson.js';

export interface ApiRequest {
  readonly method: string;
  /** The path without the query, e.g. `/reports/2026-…/pdf`. */
  readonly path: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly body: string | undefined;
  readonly authenticated: boolean;
}

export interface ApiResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array;
}

export interface ApiDeps {
  readonly store: ObjectStore;
  readonly starter: RunStarter;
  readonly now: () => Date;
  readonly random: () => Uint8Array;
  /** Why the configured fleet cannot take this scope (an account outside it), or undefined. */
  readonly scopeProblem: (scope: RunScope) => Promise<string | undefined> | string | undefined;
  /** How long a presigned report URL stays valid. */
  readonly linkSeconds: number;
  /** Checks the signed links of emails; without it, /links/ is not served. */
  readonly links?: LinkSigner;
}

/** Request bodies are small JSON documents; anything larger is refused unread. */
export const MAX_BODY_BYTES = 64 * 1024;

const postSchema = z.strictObject({
  scope: scopeSchema.optional(),
  /** The formats the answer links to (all are stored). */
  formats: z.array(z.enum(LINKED_FORMATS)).min(1).optional(),
  recipients: z.array(z.email()).min(1).max(50).optional(),
});

const json = (status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse =>
  ({ status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }, body: `${JSON.stringify(body, null, 2)}\n` });
const problem = (status: number, error: string): ApiResponse => json(status, { error });

export async function handleApiRequest(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  const parts = request.path.split('/').filter(Boolean);
  if (parts[0] === 'links' && deps.links) return getSignedLink(request, parts, deps.links, deps);
  if (!request.authenticated) return problem(401, 'not authenticated');
  if (parts[0] !== 'reports' || parts.length > 3) return problem(404, 'no such resource; the API serves /reports');
  if (parts.length === 1) return request.method === 'POST' ? postReport(request, deps) : problem(405, 'use POST /reports');
  if (request.method !== 'GET') return problem(405, `use GET ${request.path}`);
  const runId = decodeURIComponent(parts[1]!);
  if (!isRunId(runId)) return problem(400, 'not a run id');
  return parts.length === 2 ? getStatus(runId, deps) : getFile(runId, parts[2]!, deps);
}

async function postReport(request: ApiRequest, deps: ApiDeps): Promise<ApiResponse> {
  const text = request.body ?? '';
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return problem(413, `the body is larger than ${MAX_BODY_BYTES / 1024} KiB`);
  let body: unknown;
  try {
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    return problem(400, 'the body is not JSON');
  }
  const parsed = postSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path.join('.');
    return problem(400, `${field || 'the body'}: ${issue.code === 'unrecognized_keys' ? 'unknown field; expected scope, formats, recipients' : issue.message}`);
  }
  const scope = parsed.data.scope ?? {};
  const outside = await deps.scopeProblem(scope);
  if (outside) return problem(400, `scope: ${outside}`);
  const key = request.headers['idempotency-key'];
  if (key !== undefined && (key.length === 0 || key.length > 255)) return problem(400, 'Idempotency-Key: must be 1 to 255 characters');
  const outcome = await startRun({ trigger: 'api', scope, ...(parsed.data.recipients && { recipients: parsed.data.recipients }) }, deps,
    key === undefined ? undefined : { key, body: JSON.stringify(parsed.data) });
  if (outcome.kind === 'key-reused') return problem(422, 'Idempotency-Key was used before with another body');
  return json(202, { runId: outcome.runId, status: 'running', links: { self: `/reports/${outcome.runId}` } }, {
    location: `/reports/${outcome.runId}`, ...(outcome.kind === 'replayed' && { 'idempotent-replayed': 'true' }),
  });
}

async function getStatus(runId: string, deps: ApiDeps): Promise<ApiResponse> {
  const stored = await readJson(deps.store, runKeys.status(runId), runStatusSchema);
  if (!stored) return problem(404, 'no such run');
  let status = stored.value;
  if (status.status === 'running') {
    const failure = await deps.starter.failure?.(runId);
    if (failure) status = { ...status, status: 'failed', error: { stage: 'run', message: failure } };
  }
  const formats = LINKED_FORMATS.filter((f) => status.files?.includes(FILE_OF_FORMAT[f]));
  return json(200, { ...status, links: Object.fromEntries(formats.map((f) => [f, `/reports/${runId}/${f}`])) });
}

async function getSignedLink(request: ApiRequest, parts: readonly string[], links: LinkSigner, deps: ApiDeps): Promise<ApiResponse> {
  if (request.method !== 'GET') return problem(405, `use GET ${request.path}`);
  if (parts.length !== 3) return problem(404, 'no such resource; a link is /links/<run id>/<format>');
  const [, runId, format] = parts as [string, string, string];
  switch (links.check(decodeURIComponent(runId), format, request.query, deps.now())) {
    case 'invalid':
      return problem(403, 'the link is not valid: its signature does not match');
    case 'expired':
      return problem(410, 'the link has expired; ask for the report again through the API');
    case 'valid':
      return getFile(decodeURIComponent(runId), format, deps);
  }
}

async function getFile(runId: string, format: string, deps: ApiDeps): Promise<ApiResponse> {
  if (!(LINKED_FORMATS as readonly string[]).includes(format)) return problem(404, `no such format; one of ${LINKED_FORMATS.join(', ')}`);
  const file = FILE_OF_FORMAT[format as LinkedFormat];
  const status = await readJson(deps.store, runKeys.status(runId), runStatusSchema);
  if (!status) return problem(404, 'no such run');
  if (!status.value.files?.includes(file)) return problem(404, `the run has no ${format} report (yet): it is ${status.value.status}`);
  const key = runKeys.file(runId, file);
  const url = await deps.store.link(key, { expiresInSeconds: deps.linkSeconds, filename: file });
  if (url) return { status: 302, headers: { location: url, 'cache-control': 'no-store' }, body: '' };
  const object = await deps.store.get(key);
  if (!object) return problem(404, `the ${format} report is missing from the store`);
  return { status: 200, headers: { 'content-type': contentTypeOf(file), 'cache-control': 'no-store' }, body: object.body };
}
