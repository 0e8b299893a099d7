/**
 * The serverless service end to end, in-process: the http handler takes a POST as API Gateway
 * delivers it, Step Functions' StartExecution (mocked) hands the run to infra/state-machine.yml,
 * run here against the discover, collect and report handlers, with s3rver as the bucket, mocked
 * STS/EKS/EC2 in front of an HTTPS fake Kubernetes API, and a local SES v2 relaying to an SMTP
 * sink. One account's role cannot be assumed, one cluster is out of reach and one collect step
 * times out: each is that cluster's status, and the run is partial, never failed.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readManifestFiles } from '../../lib/adapters/manifests/readManifestFiles.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { CLOUD_FILE_NAME } from '../../lib/core/evidence/buildSnapshot.js';
import { EVIDENCE_OBJECT_KINDS } from '../../lib/core/evidence/sanitize.js';
import { admitObjects } from '../../lib/core/netpol/buildClusterModel.js';
import type { RunStatus } from '../../lib/core/run/runStatus.js';
import { handler as collect } from '../../functions/collect.js';
import { handler as discover } from '../../functions/discover.js';
import { handler as http } from '../../functions/http.js';
import { handler as report } from '../../functions/report.js';
import { startFakeKubeApi, type FakeKubeApi } from '../helpers/fakeKubeApi.js';
import { httpEvent, scheduledInput } from '../helpers/lambdaEvents.js';
import { startLocalS3, type LocalS3 } from '../helpers/localS3.js';
import { decodeHtmlEntities } from '../helpers/html.js';
import { startLocalSes, startSmtpSink, type LocalSes, type SmtpSink } from '../helpers/mailSinks.js';
import { awsMocks, MEMBER_KEYS as KEYS, mockMemberAccounts, UNREACHABLE_ENDPOINT } from '../helpers/memberAccount.js';
import { isEksTokenFor } from '../helpers/sigv4.js';
import { loadDefinition, runStateMachine, type StateError } from '../helpers/stateMachine.js';

const { sts } = awsMocks;
const sfn = mockClient(SFNClient);

const MEMBER = '123456789012';
const LOCKED = '210987654321';
const REGION = 'eu-west-1';
const EXTERNAL_ID = 'ext-id-never-printed-Pq81z';
const STATE_MACHINE = `arn:aws:states:${REGION}:111122223333:stateMachine:kubeseg-run`;
const API = 'https://abc123.execute-api.eu-west-1.amazonaws.com';
const TIMEOUT: StateError = { Error: 'States.Timeout', Cause: 'The task timed out after 300 seconds' };

let s3: LocalS3;
let ses: LocalSes;
let sink: SmtpSink;
let kube: FakeKubeApi;
let logged = '';
const definition = loadDefinition();
const handlers = { discover, collect, report };
const started: { name: string; input: unknown }[] = [];

beforeAll(async () => {
  s3 = await startLocalS3();
  sink = await startSmtpSink();
  // aws-ses-v2-local relays what it accepts to this SMTP server, so the mail is parsed as a mailbox would.
  vi.stubEnv('SMTP_TRANSPORT', JSON.stringify({ host: '127.0.0.1', port: Number(new URL(sink.url).port), secure: false, ignoreTLS: true }));
  ses = await startLocalSes();
  const diagnostics = new DiagnosticList();
  const raw = admitObjects(await readManifestFiles([`${DEMO_FLEET}/payments-prod`], diagnostics, [CLOUD_FILE_NAME]), EVIDENCE_OBJECT_KINDS, diagnostics);
  kube = await startFakeKubeApi({ objects: raw.map((o) => o.object), acceptsToken: (t) => isEksTokenFor(t, KEYS, REGION, 'payments-prod') });
  for (const [name, value] of Object.entries({
    AWS_REGION: REGION, // s3rver's own keys; every other AWS API is mocked.
    AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', BUCKET: s3.bucket, S3_ENDPOINT: s3.endpoint,
    SES_ENDPOINT: ses.endpoint, STATE_MACHINE_ARN: STATE_MACHINE, API_BASE_URL: API, POWERTOOLS_LOG_LEVEL: 'INFO',
  })) vi.stubEnv(name, value);
  await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'config/fleet.yaml', Body: [
    'accounts: { source: static, ids: ["123456789012", "210987654321"] }',
    `role: { name: KubesegReader, externalId: "${EXTERNAL_ID}" }`,
    `regions: [${REGION}]`,
    'timeouts: { requestSeconds: 5 }',
    'email: { from: kubeseg@example.com, to: [security@example.com] }',
  ].join('\n') }));
  // The Powertools logger writes JSON lines to stdout, and errors to stderr.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      logged += String(chunk);
      return true;
    });
  }
});
afterAll(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await kube.close();
  await ses.close();
  await sink.close();
  await s3.close();
});

beforeEach(() => {
  mockMemberAccounts({
    region: REGION, member: MEMBER, locked: LOCKED, kube, nodeGroups: ['general'],
    clusters: { 'batch-jobs': kube.url, 'payments-prod': kube.url, 'private-only': UNREACHABLE_ENDPOINT },
  });
  sfn.reset();
  sfn.on(StartExecutionCommand).callsFake((input: { name: string; input: string }) => {
    started.push({ name: input.name, input: JSON.parse(input.input) });
    return { executionArn: `${STATE_MACHINE.replace(':stateMachine:', ':execution:')}:${input.name}`, startDate: new Date() };
  });
});

/** The state machine's execution, as Step Functions would run it; batch-jobs' collect step times out. */
const execute = (input: unknown, failStep?: (state: string, input: unknown) => StateError | undefined) => runStateMachine(definition, input, {
  handlers, s3: s3.client, bucket: s3.bucket,
  failStep: failStep ?? ((state, event) => state === 'CollectCluster' && (event as { item: { name: string } }).item.name === 'batch-jobs' ? TIMEOUT : undefined),
});

const api = async (options: Parameters<typeof httpEvent>[0]) => {
  const response = await http(httpEvent(options)) as { statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded: boolean };
  return { ...response, json: () => JSON.parse(response.body) as Record<string, unknown> };
};
const getObject = async (key: string) => Buffer.from(await (await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))).Body!.transformToByteArray());
const keys = async (prefix: string) => ((await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: prefix }))).Contents ?? []).map((o) => o.Key!).sort();

describe('the serverless pipeline, end to end', () => {
  let runId: string;

  it('POST /reports starts an execution named by the run id; the state machine runs it to a partial report with every cluster listed', async () => {
    // Act
    const posted = await api({ method: 'POST', path: '/reports', authorized: true, headers: { 'content-type': 'application/json' }, body: '{"formats":["pdf","html"]}' });
    runId = posted.json().runId as string;
    const execution = await execute(started.at(-1)!.input);

    // Assess
    expect(posted.statusCode).toBe(202);
    expect(started.at(-1)).toEqual({ name: runId, input: { runId } });
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: STATE_MACHINE, name: runId });
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.path).toEqual(['Discover', 'IsDuplicate', 'CollectClusters', 'CollectCluster', 'RecordFailure', 'CollectCluster', 'CollectCluster', 'Report']);
    const status = (await api({ method: 'GET', path: `/reports/${runId}`, authorized: true })).json() as unknown as RunStatus & { links: Record<string, string> };
    expect(status.status).toBe('partial');
    const byName = Object.fromEntries(status.clusters!.map((c) => [c.name, c.status]));
    expect(byName).toEqual({ 'batch-jobs': 'unreachable', 'payments-prod': 'assessed', 'private-only': 'unreachable', [`account ${LOCKED}`]: 'unreachable' });
    expect(status.fleet).toMatchObject({ clusters: 4, coverage: 0.25 });
    expect(status.links).toMatchObject({ pdf: `/reports/${runId}/pdf`, html: `/reports/${runId}/html` });
    // The timed-out step's reason is in the report, as that cluster's evidence.
    expect((await getObject(`runs/${runId}/report.json`)).toString()).toContain('not collected: States.Timeout: The task timed out after 300 seconds');
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, { ExternalId: EXTERNAL_ID });
  });

  it('GET /reports/{id}/pdf redirects to a presigned URL that serves the stored PDF byte for byte', async () => {
    const response = await api({ method: 'GET', path: `/reports/${runId}/pdf`, authorized: true });
    expect(response.statusCode).toBe(302);
    const location = response.headers.location!;
    expect(location).toContain('X-Amz-Signature=');
    expect(location).toMatch(/X-Amz-Expires=300(&|$)/);
    const fetched = Buffer.from(await (await fetch(location)).arrayBuffer());
    expect(fetched.equals(await getObject(`runs/${runId}/report.pdf`))).toBe(true);
  });

  it('mails the summary through SES, with a signed link through the API that opens without credentials', async () => {
    await vi.waitFor(() => expect(sink.received.length).toBeGreaterThan(0));
    const mail = sink.received.at(-1)!;
    expect(mail.to).toMatchObject({ text: 'security@example.com' });
    expect(mail.subject).toMatch(/kubeseg/i);
    const link = decodeHtmlEntities(String(mail.html)).match(new RegExp(`${API}(/links/${runId}/pdf\\?[^"]+)`))?.[1];
    expect(link).toBeDefined();
    // The PDF is attached, byte for byte as stored, in the message SES accepted (its SMTP relay re-encodes attachments, so not there).
    const accepted = (await ses.store()).emails.find((e) => e.subject === mail.subject)!;
    expect(accepted.attachments.map((a) => [a.filename, a.contentType])).toEqual([['report.pdf', 'application/pdf']]);
    expect(Buffer.from(accepted.attachments[0]!.content, 'base64').equals(await getObject(`runs/${runId}/report.pdf`))).toBe(true);
    const opened = await api({ method: 'GET', path: link!, authorized: false });
    expect(opened.statusCode).toBe(302);
    expect(Buffer.from(await (await fetch(opened.headers.location!)).arrayBuffer()).equals(await getObject(`runs/${runId}/report.pdf`))).toBe(true);
    const status = (await api({ method: 'GET', path: `/reports/${runId}`, authorized: true })).json() as unknown as RunStatus;
    expect(status.email).toMatchObject({ status: 'sent', recipients: 1 });
  });

  it('runs the weekly schedule once however often it is delivered', async () => {
    // Act
    const input = scheduledInput('2026-12-07T06:00:00Z');
    const first = await execute(input, () => undefined);
    const again = await execute(input, () => undefined);

    // Assess
    expect(first.status).toBe('SUCCEEDED');
    expect(first.path.at(-1)).toBe('Report');
    expect(again).toMatchObject({ status: 'SUCCEEDED', path: ['Discover', 'IsDuplicate', 'Done'] });
    const scheduledRun = (first.output as { runId: string }).runId;
    expect((again.output as { runId: string; duplicate: boolean })).toMatchObject({ runId: scheduledRun, duplicate: true });
    const history = JSON.parse((await getObject('history/fleet/index.json')).toString()) as { runs: { runId: string }[] };
    expect(history.runs.filter((r) => r.runId === scheduledRun)).toHaveLength(1);
    const request = JSON.parse((await getObject(`runs/${scheduledRun}/request.json`)).toString()) as { trigger: string; startedAt: string };
    expect(request).toMatchObject({ trigger: 'schedule', startedAt: '2026-12-07T06:00:00.000Z' });
  });

  it('marks the run failed and mails the failure when the report step fails; the stored snapshots stay', async () => {
    // Act
    const posted = await api({ method: 'POST', path: '/reports', authorized: true, body: '{}' });
    const failedRun = posted.json().runId as string;
    const execution = await execute(started.at(-1)!.input, (state) => (state === 'Report' ? { Error: 'Runtime.OutOfMemory', Cause: '{"errorMessage":"Runtime exited with error: signal: killed"}' } : undefined));

    // Assess
    expect(execution).toMatchObject({ status: 'FAILED', error: { Error: 'KubesegRunFailed' } });
    expect(execution.path.slice(-2)).toEqual(['FailReport', 'Failed']);
    const status = (await api({ method: 'GET', path: `/reports/${failedRun}`, authorized: true })).json() as unknown as RunStatus;
    expect(status).toMatchObject({ status: 'failed', error: { stage: 'report', message: 'Runtime.OutOfMemory: Runtime exited with error: signal: killed' } });
    expect(await keys(`runs/${failedRun}/snapshots/`)).toHaveLength(4);
    await vi.waitFor(() => expect(sink.received.some((m) => String(m.text).includes(failedRun))).toBe(true));
  });

  it('logs JSON lines that carry the run id and cluster, and never the ExternalId or a key', () => {
    const lines = logged.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.some((l) => l.message === 'collected' && l.runId === runId && l.cluster === 'payments-prod' && l.account === MEMBER)).toBe(true);
    expect(lines.some((l) => l.message === 'the collect step failed' && l.cluster === 'batch-jobs')).toBe(true);
    // A warm container's next invocation does not inherit the last one's keys.
    expect(lines.filter((l) => l.message === 'discovered').every((l) => !('cluster' in l) && !('requestId' in l))).toBe(true);
    for (const secret of [EXTERNAL_ID, KEYS.secretAccessKey, KEYS.sessionToken]) expect(logged).not.toContain(secret);
  });
});
