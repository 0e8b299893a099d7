import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { assumeRoleCredentials } from '../../lib/adapters/aws/credentials.js';
import { withRetry } from '../../lib/adapters/aws/retry.js';
import { accessDenied, throttling } from './awsErrors.js';

const sts = mockClient(STSClient);
const HOUR = 3_600_000;

/** A clock the test moves by hand. */
function fakeClock(start = Date.parse('2026-12-01T10:00:00Z')) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => { t += ms; } };
}

describe('assumeRoleCredentials', () => {
  let issued = 0;
  const clock = fakeClock();
  beforeEach(() => {
    sts.reset();
    issued = 0;
    sts.on(AssumeRoleCommand).callsFake(async () => {
      issued++;
      return { Credentials: { AccessKeyId: `ASIA${issued}`, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(clock.now().getTime() + HOUR) } };
    });
  });

  const provider = (extra: Partial<Parameters<typeof assumeRoleCredentials>[0]> = {}) => assumeRoleCredentials({
    sts: new STSClient({ region: 'eu-west-1' }), roleArn: 'arn:aws:iam::111122223333:role/KubesegReader',
    externalId: 'ext-id', sessionName: 'kubeseg', now: clock.now, ...extra });

  it('assumes the role lazily, with the ExternalId and session name', async () => {
    // Prepare
    const credentials = provider();
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
    // Act
    const first = await credentials();
    // Assess
    expect(first).toMatchObject({ accessKeyId: 'ASIA1', secretAccessKey: 'secret', sessionToken: 'token' });
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: 'arn:aws:iam::111122223333:role/KubesegReader', ExternalId: 'ext-id', RoleSessionName: 'kubeseg' });
  });

  it('leaves ExternalId out when none is configured', async () => {
    await provider({ externalId: undefined })();
    const input = sts.commandCalls(AssumeRoleCommand)[0]!.args[0].input;
    expect('ExternalId' in input).toBe(false);
  });

  it('caches until five minutes before expiry, then renews', async () => {
    // Prepare
    const credentials = provider();
    await credentials();
    // Act + Assess: 54 minutes later the same keys come back
    clock.advance(54 * 60_000);
    expect((await credentials()).accessKeyId).toBe('ASIA1');
    // just inside the last five minutes, new ones are asked for
    clock.advance(60_001);
    expect((await credentials()).accessKeyId).toBe('ASIA2');
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('shares one AssumeRole between concurrent callers', async () => {
    const credentials = provider();
    const all = await Promise.all([credentials(), credentials(), credentials()]);
    expect(all.map((c) => c.accessKeyId)).toEqual(['ASIA1', 'ASIA1', 'ASIA1']);
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
  });

  it('passes a failure on and asks again on the next call', async () => {
    // Prepare
    sts.on(AssumeRoleCommand).rejectsOnce(accessDenied()).resolves({ Credentials: {
      AccessKeyId: 'ASIA9', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(clock.now().getTime() + HOUR) } });
    const credentials = provider();
    // Act + Assess
    await expect(credentials()).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expect((await credentials()).accessKeyId).toBe('ASIA9');
  });

  it('runs each call through the given wrapper (retry)', async () => {
    sts.on(AssumeRoleCommand).rejectsOnce(throttling()).resolves({ Credentials: {
      AccessKeyId: 'ASIA7', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(clock.now().getTime() + HOUR) } });
    const credentials = provider({ call: (fn) => withRetry(fn, { sleep: async () => {} }) });
    expect((await credentials()).accessKeyId).toBe('ASIA7');
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('fails clearly when STS returns no credentials', async () => {
    sts.on(AssumeRoleCommand).resolves({});
    await expect(provider()()).rejects.toThrow('AssumeRole of arn:aws:iam::111122223333:role/KubesegReader returned no credentials');
  });
});
