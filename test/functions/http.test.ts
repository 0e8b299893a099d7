/**
 * The http handler as API Gateway (HTTP API, payload 2.0) calls it, against s3rver, with Step
 * Functions mocked: every refused request is answered clearly with a 4xx and writes nothing, and
 * a replayed Idempotency-Key answers the same 202 and starts nothing new.
 */
import { PutObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/http.js';
import { httpEvent, type HttpEventOptions } from '../helpers/lambdaEvents.js';
import { startLocalS3, type LocalS3 } from '../helpers/localS3.js';

const sfn = mockClient(SFNClient);
const STATE_MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:kubeseg-run';
let s3: LocalS3;

beforeAll(async () => {
  s3 = await startLocalS3();
  for (const [name, value] of Object.entries({
    AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', BUCKET: s3.bucket, S3_ENDPOINT: s3.endpoint,
    STATE_MACHINE_ARN: STATE_MACHINE, POWERTOOLS_LOG_LEVEL: 'SILENT',
  })) vi.stubEnv(name, value);
  await s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: 'config/fleet.yaml', Body: [
    'accounts: { source: static, ids: ["123456789012"] }', 'role: { name: KubesegReader, externalId: "x-123" }', 'regions: [eu-west-1]',
  ].join('\n') }));
  // The link key is made on the first request that needs it; make it now, so that "nothing written" means the request's doing.
  await call({ method: 'GET', path: '/links/2026-12-04T10-00-00-000Z-aaaaaaaa/pdf' });
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await s3.close();
});
beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:eu-west-1:111122223333:execution:kubeseg-run:x', startDate: new Date() });
});

interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}
async function call(options: HttpEventOptions): Promise<Answer & { json: Record<string, unknown> }> {
  const answer = await handler(httpEvent(options)) as Answer;
  return { ...answer, json: JSON.parse(answer.body) as Record<string, unknown> };
}
const post = (body: string, headers: Record<string, string> = {}, authorized = true) =>
  call({ method: 'POST', path: '/reports', authorized, headers: { 'content-type': 'application/json', ...headers }, body });

/** Every object in the bucket with its ETag. */
const bucketState = async () => ((await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? [])
  .map((o) => `${o.Key} ${o.ETag}`).sort();

describe('the http handler', () => {
  it.each([
    ['unauthenticated', () => post('{}', {}, false), 401, 'not authenticated'],
    ['oversized', () => post(JSON.stringify({ recipients: ['a@example.com'], pad: 'x'.repeat(70_000) })), 413, 'the body is larger than 64 KiB'],
    ['invalid JSON', () => post('{"scope": '), 400, 'the body is not JSON'],
    ['an unknown field', () => post('{"scop": {}}'), 400, 'scop: unknown field; expected scope, formats, recipients'],
    ['a bad recipient', () => post('{"recipients": ["not-an-address"]}'), 400, 'recipients.0: Invalid email address'],
    ['an account outside the fleet', () => post('{"scope": {"accounts": ["999999999999"]}}'), 400, 'scope: not in the configured fleet: account 999999999999'],
    ['an empty Idempotency-Key', () => post('{}', { 'idempotency-key': '' }), 400, 'Idempotency-Key: must be 1 to 255 characters'],
    ['an unknown report id', () => call({ method: 'GET', path: '/reports/2026-12-04T10-00-00-000Z-zzzzzzzz', authorized: true }), 404, 'no such run'],
    ['a malformed id', () => call({ method: 'GET', path: '/reports/..%2Fsecrets%2Flink-key', authorized: true }), 400, 'not a run id'],
    ['a tampered link', () => call({ method: 'GET', path: '/links/2026-12-04T10-00-00-000Z-aaaaaaaa/pdf?expires=9999999999&signature=AAAA' }), 403, 'the link is not valid: its signature does not match'],
    ['another method', () => call({ method: 'DELETE', path: '/reports', authorized: true }), 405, 'use POST /reports'],
  ])('refuses %s clearly and writes nothing', async (_, request, status, error) => {
    // Prepare
    const before = await bucketState();
    // Act
    const answer = await request();
    // Assess
    expect(answer.statusCode).toBe(status);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(String(answer.json.error)).toContain(error);
    expect(await bucketState()).toEqual(before);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 0);
  });

  it('refuses an event that is not an API Gateway request', async () => {
    const answer = await handler({ hello: 'world' }) as Answer;
    expect(answer).toMatchObject({ statusCode: 400, body: '{ "error": "not an API Gateway request" }\n' });
  });

  it('accepts a base64-encoded body, as API Gateway sends one it does not treat as text', async () => {
    const answer = await call({ method: 'POST', path: '/reports', authorized: true, body: '{"formats":["html"]}', base64: true });
    expect(answer.statusCode).toBe(202);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { stateMachineArn: STATE_MACHINE, name: answer.json.runId as string });
  });

  it('answers a replayed Idempotency-Key with the same 202 and run, and writes and starts nothing new', async () => {
    // Prepare
    const key = { 'idempotency-key': 'weekly-review-2026-49' };
    const first = await post('{"recipients":["security@example.com"]}', key);
    const before = await bucketState();
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'Execution Already Exists', $metadata: {} }));

    // Act
    const replayed = await post('{"recipients":["security@example.com"]}', key);
    const otherBody = await post('{"recipients":["platform@example.com"]}', key);

    // Assess
    expect(first.statusCode).toBe(202);
    expect(replayed).toMatchObject({ statusCode: 202, json: { runId: first.json.runId } });
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(otherBody).toMatchObject({ statusCode: 422, json: { error: 'Idempotency-Key was used before with another body' } });
    expect(await bucketState()).toEqual(before);
  });

  it('reports a run whose execution was aborted as failed, and its files as not there', async () => {
    // Prepare
    const runId = (await post('{}')).json.runId as string;
    sfn.on(DescribeExecutionCommand).resolves({ status: 'ABORTED', error: 'States.Aborted', executionArn: 'x', stateMachineArn: STATE_MACHINE, startDate: new Date() });

    // Act
    const status = await call({ method: 'GET', path: `/reports/${runId}`, authorized: true });
    const pdf = await call({ method: 'GET', path: `/reports/${runId}/pdf`, authorized: true });

    // Assess
    expect(status.json).toMatchObject({ status: 'failed', error: { stage: 'run', message: 'the state machine execution ended ABORTED: States.Aborted' } });
    expect(sfn).toHaveReceivedCommandWith(DescribeExecutionCommand, { executionArn: `arn:aws:states:eu-west-1:111122223333:execution:kubeseg-run:${runId}` });
    expect(pdf).toMatchObject({ statusCode: 404, json: { error: 'the run has no pdf report (yet): it is running' } });
  });

  it('names a missing environment variable, never a value', async () => {
    vi.stubEnv('STATE_MACHINE_ARN', '');
    await expect(handler(httpEvent({ method: 'GET', path: '/reports', authorized: true }))).rejects.toThrow(/^environment: STATE_MACHINE_ARN: /);
    vi.stubEnv('STATE_MACHINE_ARN', STATE_MACHINE);
  });
});
