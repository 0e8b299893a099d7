/**
 * `kubeseg report --config` and `collect --config` end to end: mocked AWS APIs (STS, EKS, EC2) in
 * front of an HTTPS fake Kubernetes API that accepts only an EKS token signed with the assumed
 * role's keys for that cluster. One account's role cannot be assumed, one cluster's endpoint is
 * private and out of reach; both are listed with the reason, and the run exits 3. The reachable
 * cluster (the demo's payments-prod) scores exactly as its manifests do offline with the same facts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { readManifestFiles } from '../../lib/adapters/manifests/readManifestFiles.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { CLOUD_FILE_NAME } from '../../lib/core/evidence/buildSnapshot.js';
import { EVIDENCE_OBJECT_KINDS } from '../../lib/core/evidence/sanitize.js';
import type { EvidenceSnapshot } from '../../lib/core/evidence/snapshot.js';
import { admitObjects } from '../../lib/core/netpol/buildClusterModel.js';
import { assessCluster } from '../../lib/core/report/assessCluster.js';
import { buildJsonReport, type JsonReport } from '../../lib/core/report/jsonReport.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';
import { run } from '../helpers/cli.js';
import { startFakeKubeApi, type FakeKubeApi } from '../helpers/fakeKubeApi.js';
import { isEksTokenFor } from '../helpers/sigv4.js';
import { startLocalS3 } from '../helpers/localS3.js';
import { S3Store } from '../../lib/adapters/storage/s3Store.js';
import { handleApiRequest } from '../../lib/service/httpApi.js';
import { linkSignerOf } from '../../lib/service/linkKey.js';
import { decodeHtmlEntities } from '../helpers/html.js';
import { startSmtpSink } from '../helpers/mailSinks.js';
import { awsMocks, MEMBER_KEYS as KEYS, mockMemberAccounts, UNREACHABLE_ENDPOINT } from '../helpers/memberAccount.js';

const { sts } = awsMocks;

const MEMBER = '123456789012';
const LOCKED = '210987654321';
const REGION = 'eu-west-1';
const EXTERNAL_ID = 'ext-id-never-printed-7Hq2x';
const NODE_GROUPS = ['general-arm64', 'pci-x86', 'system-x86'];

let dir: string;
let api: FakeKubeApi;
let offline: EvidenceSnapshot;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeseg-fleet-'));
  const clusterDir = join(DEMO_FLEET, 'payments-prod');
  const diagnostics = new DiagnosticList();
  [offline] = (await loadSnapshots([clusterDir], 'demo', diagnostics)) as [EvidenceSnapshot];
  const raw = admitObjects(await readManifestFiles([clusterDir], diagnostics, [CLOUD_FILE_NAME]), EVIDENCE_OBJECT_KINDS, diagnostics);
  api = await startFakeKubeApi({ objects: raw.map((o) => o.object), acceptsToken: (t) => isEksTokenFor(t, KEYS, REGION, 'payments-prod') });
  writeFileSync(join(dir, 'fleet.yaml'), [
    'accounts:', `  source: static`, `  ids: ["${MEMBER}", "${LOCKED}"]`,
    'role:', '  name: KubesegReader', `  externalId: "${EXTERNAL_ID}"`,
    `regions: [${REGION}]`,
    'timeouts: { requestSeconds: 5 }',
  ].join('\n'));
  writeFileSync(join(dir, 'mailed.yaml'), `${readFileSync(join(dir, 'fleet.yaml'), 'utf8')}\n`
    + 'email: { from: kubeseg@example.com, to: [security@example.com, platform@example.com] }\n');
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  mockMemberAccounts({
    region: REGION, member: MEMBER, locked: LOCKED, kube: api, nodeGroups: NODE_GROUPS,
    clusters: { 'payments-prod': api.url, 'private-only': UNREACHABLE_ENDPOINT },
  });
});

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));
const outputs = (root: string): string[] => readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile()).map((e) => readFileSync(join(e.parentPath, e.name), 'utf8'));

describe('kubeseg report --config', () => {
  it('reports every cluster asked for: the reachable one scored, the others unreachable with the reason; exit 3', async () => {
    // Act
    const out = join(dir, 'reports');
    const result = await run('report', '--config', join(dir, 'fleet.yaml'), '--region', REGION, '--out', out, '--format', 'json');

    // Assess
    expect(result.code).toBe(3);
    const report = JSON.parse(result.stdout) as JsonReport;
    const byName = new Map(report.clusters.map((c) => [c.name, c]));
    expect([...byName.keys()].sort()).toEqual(['account 210987654321', 'payments-prod', 'private-only']);
    // Scored from the one cluster collected, and covering a third of what was asked for.
    expect(report.fleet).toMatchObject({ score: 100, clusters: 3, coverage: 0.33 });
    expect(byName.get('payments-prod')).toMatchObject({ account: MEMBER, region: REGION, source: 'eks', status: 'assessed' });
    expect(byName.get('private-only')).toMatchObject({ status: 'unreachable' });
    expect(JSON.stringify(byName.get('private-only')!.collection)).toContain('the endpoint is private (public access disabled)');
    const locked = byName.get('account 210987654321')!;
    expect(locked).toMatchObject({ account: LOCKED, status: 'unreachable' });
    expect(JSON.stringify(locked.collection)).toContain('assume role');
    expect(JSON.stringify(locked.collection)).toContain('AccessDeniedException');
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { ExternalId: EXTERNAL_ID, RoleSessionName: 'kubeseg' });
    // One line per cluster on stderr, and the report files written.
    expect(result.stderr).toContain('payments-prod: collected');
    expect(result.stderr).toContain('private-only: unreachable');
    expect(result.stderr).toContain(`account ${LOCKED}: assume role forbidden`);
    const written = outputs(out);
    expect(written.length).toBeGreaterThanOrEqual(4);
    // The ExternalId is configuration: it never shows in any output.
    for (const text of [result.stdout, result.stderr, ...written]) expect(text).not.toContain(EXTERNAL_ID);
  });

  it('collects the reachable cluster exactly as its manifests read offline, with the cloud facts EKS and EC2 gave', async () => {
    // Act
    const snapshots = join(dir, 'snapshots');
    const result = await run('collect', '--config', join(dir, 'fleet.yaml'), '--region', REGION, '--snapshot', snapshots);

    // Assess
    expect(result.code).toBe(3);
    const index = readJson(join(snapshots, 'index.json')) as { fleetConfig: string; requested: string; clusters: { context: string; status: string }[] };
    expect(index).toMatchObject({ fleetConfig: join(dir, 'fleet.yaml'), requested: 'fleet' });
    expect(index.clusters.map((c) => [c.context, c.status]).sort()).toEqual([
      ['account 210987654321', 'unreachable'], ['payments-prod', 'collected'], ['private-only', 'unreachable'],
    ]);
    const live = readJson(join(snapshots, 'payments-prod.json')) as EvidenceSnapshot;
    expect(live.cluster).toEqual({ name: 'payments-prod', account: MEMBER, region: REGION, source: 'eks' });
    expect(live.cloud.vpcCni?.enableNetworkPolicy).toBe(true);
    expect(live.cloud.nodeGroups?.map((g) => [g.name, g.httpTokens, g.httpPutResponseHopLimit])).toEqual(NODE_GROUPS.map((n) => [n, 'required', 1]));
    // Same objects and facts, same answers: every finding's status and the scores agree with the offline scan.
    const summary = (s: EvidenceSnapshot) => {
      const c = buildJsonReport([assessCluster(s, TECHNIQUES)], { generatedAt: 'now', version: 'test' }).clusters[0]!;
      return { score: c.score, findings: c.findings.map((f) => `${f.id} ${f.status}`).sort() };
    };
    const expected = summary({ ...offline, cluster: live.cluster, cloud: live.cloud });
    expect(expected.findings.length).toBeGreaterThan(10);
    expect(summary(live)).toEqual(expected);
  });

  it('refuses an invalid fleet file in one line naming file, line and field, and contacts nothing', async () => {
    // Prepare
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `accounts:\n  source: static\n  ids: ["123"]\nrole: { name: R, externalId: "${EXTERNAL_ID}" }\n`);
    // Act
    const result = await run('report', '--config', bad, '--out', join(dir, 'none'));
    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^error: ${bad}:3:\\d+: accounts\\.ids\\[0\\]: [^\\n]+\\n$`));
    expect(result.stderr).not.toContain(EXTERNAL_ID);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
  });
});

/** Every file under a folder, by its path relative to it. */
const tree = (root: string): string[] => readdirSync(root, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1)).sort();

describe('kubeseg report --config: the run stored with its history, and mailed', () => {
  it('stores each run under runs/<id>/, records the scope\'s history, compares the second run with the first, and writes the email to the outbox', async () => {
    // Act
    const out = join(dir, 'history-run');
    const first = await run('report', '--config', join(dir, 'mailed.yaml'), '--region', REGION, '--out', out);
    const second = await run('report', '--config', join(dir, 'mailed.yaml'), '--region', REGION, '--out', out);

    // Assess
    expect([first.code, second.code]).toEqual([3, 3]);
    const runIds = readdirSync(join(out, 'runs')).sort();
    expect(runIds).toHaveLength(2);
    const files = tree(join(out, 'runs', runIds[1]!));
    expect(files).toEqual(expect.arrayContaining(['findings.csv', 'report.html', 'report.json', 'report.pdf', 'request.json', 'status.json']));
    const history = readJson(join(out, 'history', 'fleet', 'index.json')) as { runs: { runId: string; status: string; clusters: number }[] };
    expect(history.runs.map((r) => [r.runId, r.status, r.clusters])).toEqual(runIds.map((id) => [id, 'partial', 3]));
    expect(readJson(join(out, 'history', 'fleet', 'latest.json'))).toMatchObject({ runId: runIds[1] });
    const status = readJson(join(out, 'runs', runIds[1]!, 'status.json')) as { status: string; files: string[]; email: { status: string; recipients: number } };
    expect(status).toMatchObject({ status: 'partial', email: { status: 'sent', recipients: 2 } });
    expect(files).toEqual([...status.files, 'request.json', 'status.json', 'trend-basis.json'].sort());
    // The second run's text summary compares with the first; the first had nothing to compare with.
    expect(first.stdout).not.toMatch(/since the previous run|since last run/i);
    expect(second.stdout).toMatch(/since/i);
    expect(second.stdout).toContain(`Run ${runIds[1]}: reports stored in ${out}/runs/${runIds[1]}/`);

    const outbox = readdirSync(join(out, 'outbox')).sort();
    expect(outbox).toEqual(runIds.map((id) => `${id}.eml`));
    const mail = await simpleParser(readFileSync(join(out, 'outbox', outbox[1]!)));
    expect(mail.subject).toMatch(/kubeseg/i);
    expect(mail.html).toContain('payments-prod');
    expect(mail.attachments.map((a) => a.filename)).toEqual(['report.pdf']);
    expect(Buffer.compare(mail.attachments[0]!.content, readFileSync(join(out, 'runs', runIds[1]!, 'report.pdf')))).toBe(0);
    // The links point at the stored files.
    expect(mail.html).toContain(`file://${out}/runs/${runIds[1]}/report.html`);
    for (const text of [first.stdout, second.stdout, first.stderr, ...outputs(out)]) expect(text).not.toContain(EXTERNAL_ID);
  });

  it('stores in an S3 bucket and sends through SMTP; a refused email is shown and recorded, and the reports stay stored', async () => {
    // Prepare
    const s3 = await startLocalS3();
    const smtp = await startSmtpSink();
    const refusing = await startSmtpSink({ reject: 'relay access denied' });
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
    try {
      const args = ['report', '--config', join(dir, 'mailed.yaml'), '--region', REGION, '--out', join(dir, 'bucket-run'),
        '--bucket', s3.bucket, '--bucket-prefix', 'kubeseg', '--s3-endpoint', s3.endpoint];
      // Act
      const sent = await run(...args, '--smtp', smtp.url);
      const refused = await run(...args, '--smtp', refusing.url.replace('smtp://', 'smtp://mailer:hunter2@'));

      // Assess
      expect([sent.code, refused.code]).toEqual([3, 3]);
      const keys = (await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents!.map((o) => o.Key!);
      expect(keys.filter((k) => k.endsWith('/report.pdf'))).toHaveLength(2);
      expect(keys).toEqual(expect.arrayContaining(['kubeseg/history/fleet/index.json', 'kubeseg/history/fleet/latest.json']));
      expect(keys.every((k) => k.startsWith('kubeseg/'))).toBe(true);
      const mail = smtp.received.at(-1)!;
      expect((Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a!.value.map((v) => v.address))).toEqual(['security@example.com', 'platform@example.com']);
      const runId = /Run (\S+):/.exec(sent.stdout)![1]!;
      // A bucket alone gives the email no links (a URL presigned here would die with these credentials).
      expect(mail.html).not.toContain(`/reports/${runId}/`);
      const pdf = await (await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `kubeseg/runs/${runId}/report.pdf` }))).Body!.transformToByteArray();
      expect(Buffer.compare(mail.attachments[0]!.content, Buffer.from(pdf))).toBe(0);

      expect(refused.stdout).toMatch(/Email NOT sent to 2 recipients: SMTP smtp:\/\/127\.0\.0\.1:\d+: .*relay access denied/);
      expect(refused.stdout + refused.stderr).not.toContain('hunter2');
      const refusedId = /Run (\S+):/.exec(refused.stdout)![1]!;
      const status = JSON.parse(await (await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `kubeseg/runs/${refusedId}/status.json` }))).Body!.transformToString());
      expect(status).toMatchObject({ status: 'partial', email: { status: 'failed', recipients: 2 } });
      expect(JSON.stringify(status)).not.toContain('hunter2');
    } finally {
      vi.unstubAllEnvs();
      await Promise.all([s3.close(), smtp.close(), refusing.close()]);
    }
  });
  it('with --link-base, mails signed links through the deployed API that its own handler accepts, for --link-days days', async () => {
    // Prepare
    const s3 = await startLocalS3();
    const smtp = await startSmtpSink();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'S3RVER');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'S3RVER');
    try {
      const base = ['report', '--config', join(dir, 'mailed.yaml'), '--region', REGION, '--out', join(dir, 'linked-run'), '--smtp', smtp.url];
      // Act
      const withoutBucket = await run(...base, '--link-base', 'https://api.example.com');
      const sent = await run(...base, '--bucket', s3.bucket, '--s3-endpoint', s3.endpoint, '--link-base', 'https://api.example.com/', '--link-days', '3');

      // Assess
      expect(withoutBucket).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: --link-base needs --bucket, the deployment's bucket/) });
      expect(sent.code).toBe(3);
      const runId = /Run (\S+):/.exec(sent.stdout)![1]!;
      const html = decodeHtmlEntities(String(smtp.received.at(-1)!.html));
      const link = new URL(new RegExp(`https://api\\.example\\.com/links/${runId}/pdf\\?[^"]+`).exec(html)![0]);
      const expires = Number(link.searchParams.get('expires')) * 1000;
      expect(Math.round((expires - Date.now()) / 86_400_000)).toBe(3);
      const store = new S3Store({ client: s3.client, bucket: s3.bucket });
      const answer = await handleApiRequest({
        method: 'GET', path: link.pathname, headers: {}, query: Object.fromEntries(link.searchParams), body: undefined, authenticated: false,
      }, { store, starter: { start: async () => {} }, now: () => new Date(), random: () => new Uint8Array(8), scopeProblem: () => undefined, linkSeconds: 60, links: await linkSignerOf(store) });
      expect(answer.status).toBe(302);
    } finally {
      vi.unstubAllEnvs();
      await Promise.all([s3.close(), smtp.close()]);
    }
  });
});

