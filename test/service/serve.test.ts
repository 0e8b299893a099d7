/**
 * `kubeseg serve` through a real HTTP server on 127.0.0.1: the demo fleet posted, polled and fetched
 * as a newcomer would with curl, the email's signed link opened with no token, and every refused
 * request answered clearly with nothing written.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Io } from '../../lib/cli/io.js';
import { startServe, type Serving } from '../../lib/cli/serve.js';
import { startSmtpSink, type SmtpSink } from '../helpers/mailSinks.js';

let out: string;
let sink: SmtpSink;
let serving: Serving;
let log = '';
const io: Io = { stdout: () => {}, stderr: (t) => { log += t; }, exitCode: () => {} };

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'kubeseg-serve-'));
  sink = await startSmtpSink();
  serving = (await startServe({ port: 0, out, smtp: sink.url, linkDays: 7, token: 'test-token-value' }, io))!;
});
afterAll(async () => {
  await serving.close();
  await sink.close();
  rmSync(out, { recursive: true, force: true });
});

const auth = { authorization: 'Bearer test-token-value' };
const call = (path: string, init: RequestInit = {}) => fetch(`${serving.url}${path}`, { redirect: 'manual', ...init });
const post = (body: unknown, headers: Record<string, string> = {}) =>
  call('/reports', { method: 'POST', headers: { ...auth, 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

interface Status {
  status: string;
  scope: unknown;
  clusters: Array<{ name: string }>;
  links: Record<string, string>;
  email: unknown;
  error: { message: string };
}

/** Every file under the store with its size and time, to prove a refused request wrote nothing. */
function storeState(): string[] {
  const walk = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    return e.isDirectory() ? walk(path) : [`${path} ${statSync(path).size} ${statSync(path).mtimeMs}`];
  });
  return walk(out).sort();
}

describe('kubeseg serve (the demo fleet over HTTP)', () => {
  let runId: string;

  it('starts a run of the demo fleet: 202 with its id, then done with four clusters and links', async () => {
    const response = await post({ recipients: ['security@example.com'] });
    expect(response.status).toBe(202);
    const body = await response.json() as { runId: string; status: string };
    expect(body.status).toBe('running');
    expect(response.headers.get('location')).toBe(`/reports/${body.runId}`);
    runId = body.runId;
    await serving.runner.idle();
    const status = await (await call(`/reports/${runId}`, { headers: auth })).json() as Status;
    expect(status.status).toBe('done');
    expect(status.clusters.map((c) => c.name)).toEqual(['data-lab', 'legacy-batch', 'payments-prod', 'shop-staging']);
    expect(status.links).toEqual({ html: `/reports/${runId}/html`, pdf: `/reports/${runId}/pdf`, json: `/reports/${runId}/json`, csv: `/reports/${runId}/csv` });
    expect(status.email).toMatchObject({ status: 'sent', recipients: 1 });
  });

  it('serves each report format, byte for byte the stored file', async () => {
    for (const [format, file, type] of [['html', 'report.html', 'text/html'], ['pdf', 'report.pdf', 'application/pdf'], ['csv', 'findings.csv', 'text/csv']] as const) {
      const response = await call(`/reports/${runId}/${format}`, { headers: auth });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain(type);
      expect(Buffer.from(await response.arrayBuffer()).equals(readFileSync(join(out, 'runs', runId, file)))).toBe(true);
    }
  });

  it('mails the summary with links a mail reader opens without the token; a tampered link is refused', async () => {
    const mail = sink.received.at(-1)!;
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('security@example.com');
    expect(Buffer.from(mail.attachments[0]!.content).equals(readFileSync(join(out, 'runs', runId, 'report.pdf')))).toBe(true);
    const links = mail.text!.match(/http:\/\/127\.0\.0\.1:\d+\/links\/\S+/g)!;
    expect(links).toHaveLength(4);
    const html = links.find((l) => l.includes('/html?'))!;
    const opened = await fetch(html);
    expect(opened.status).toBe(200);
    expect(await opened.text()).toContain('payments-prod');
    const tampered = await fetch(html.replace(/\/html\?/, '/pdf?'));
    expect(tampered.status).toBe(403);
    const stretched = await fetch(html.replace(/expires=\d+/, 'expires=9999999999'));
    expect(stretched.status).toBe(403);
  });

  it('narrows the demo fleet by cluster name', async () => {
    const response = await post({ scope: { clusters: ['pay*'] } });
    const { runId: narrowed } = await response.json() as { runId: string };
    await serving.runner.idle();
    const status = await (await call(`/reports/${narrowed}`, { headers: auth })).json() as Status;
    expect(status.clusters.map((c) => c.name)).toEqual(['payments-prod']);
    expect(status.scope).toEqual({ clusters: ['pay*'] });
  });

  it('answers a replayed Idempotency-Key with the same run, and refuses it with another body', async () => {
    const first = await post({ scope: { clusters: ['shop-*'] } }, { 'idempotency-key': 'weekly-retry-1' });
    const { runId: original } = await first.json() as { runId: string };
    await serving.runner.idle();
    const before = storeState();
    const again = await post({ scope: { clusters: ['shop-*'] } }, { 'idempotency-key': 'weekly-retry-1' });
    expect(again.status).toBe(202);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect((await again.json() as { runId: string }).runId).toBe(original);
    const other = await post({ scope: { clusters: ['data-*'] } }, { 'idempotency-key': 'weekly-retry-1' });
    expect(other.status).toBe(422);
    expect((await other.json() as { error: string }).error).toMatch(/Idempotency-Key was used before/);
    await serving.runner.idle();
    expect(storeState()).toEqual(before);
  });

  it('refuses bad requests clearly and writes nothing', async () => {
    await serving.runner.idle();
    const before = storeState();
    const refusals: Array<[Promise<Response>, number, RegExp]> = [
      [call('/reports', { method: 'POST', body: '{}' }), 401, /not authenticated/],
      [call('/reports', { method: 'POST', headers: { authorization: 'Bearer wrong' }, body: '{}' }), 401, /not authenticated/],
      [call(`/reports/${runId}`), 401, /not authenticated/],
      [post('x'.repeat(70 * 1024)), 413, /larger than 64 KiB/],
      [post('{"scope": '), 400, /not JSON/],
      [post({ scope: { clusters: ['a b'] } }), 400, /^scope\.clusters\.0: must be a cluster name/],
      [post({ colour: 'red' }), 400, /colour: unknown field/],
      [post({ scope: { accounts: ['123456789012'] } }), 400, /the demo fleet has no AWS accounts/],
      [post({}, { 'idempotency-key': '' }), 400, /Idempotency-Key: must be 1 to 255/],
      [call('/reports/2026-01-01T00-00-00-000Z-abcdefgh', { headers: auth }), 404, /no such run/],
      [call('/reports/..%2F..%2Fetc', { headers: auth }), 400, /not a run id/],
      [call(`/reports/${runId}/docx`, { headers: auth }), 404, /no such format/],
      [call('/reports', { headers: auth }), 405, /use POST/],
      [call('/admin', { headers: auth }), 404, /the API serves \/reports/],
      [call(`/links/${runId}/html?expires=1&signature=AAAA`), 403, /not valid/],
    ];
    for (const [pending, status, error] of refusals) {
      const response = await pending;
      expect(response.status).toBe(status);
      expect((await response.json() as { error: string }).error).toMatch(error);
    }
    await serving.runner.idle();
    expect(storeState()).toEqual(before);
  });

  it('reports a run an earlier server left running as failed, with the reason', async () => {
    const orphan = '2026-11-27T06-00-00-000Z-orphaned';
    mkdirSync(join(out, 'runs', orphan), { recursive: true });
    writeFileSync(join(out, 'runs', orphan, 'status.json'), JSON.stringify({ runId: orphan, trigger: 'api', scope: {}, startedAt: '2026-11-27T06:00:00.000Z', status: 'running' }));
    const status = await (await call(`/reports/${orphan}`, { headers: auth })).json() as Status;
    expect(status.status).toBe('failed');
    expect(status.error.message).toMatch(/serve process that ran it stopped/);
  });

  it('logs one line per request, without the token', () => {
    expect(log).toMatch(/^POST \/reports 202$/m);
    expect(log).toMatch(/token: the value of KUBESEG_SERVE_TOKEN/);
    expect(log).not.toContain('test-token-value');
  });
});
