/**
 * The EKS token against a SigV4 presign computed from the specification with node:crypto
 * (test/helpers/sigv4.ts: canonical request, string to sign, derived signing key), not with the SDK's signer.
 */
import { describe, expect, it } from 'vitest';
import { createEksToken, EKS_TOKEN_PREFIX, eksTokenSource } from '../../lib/adapters/aws/eksToken.js';
import { presignedStsQuery } from '../helpers/sigv4.js';

const SIGNED_AT = new Date('2026-12-03T12:00:00Z');
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
// A session token with the characters URL encoding must get right.
const SESSION = { ...KEYS, sessionToken: 'IQoJb3JpZ2luX2VjE/+Session=Token==' };

function decode(token: string): URL {
  expect(token.startsWith(EKS_TOKEN_PREFIX)).toBe(true);
  const payload = token.slice(EKS_TOKEN_PREFIX.length);
  // base64url without padding: no '+', '/' or '='.
  expect(payload).toMatch(/^[A-Za-z0-9_-]+$/);
  return new URL(Buffer.from(payload, 'base64url').toString('utf8'));
}

describe('createEksToken', () => {
  it.each([
    ['long-term keys', KEYS],
    ['temporary credentials with a session token', SESSION],
  ])('signs GetCallerIdentity with the cluster header as SigV4 specifies (%s)', async (_name, credentials) => {
    // Act
    const { token, expiresAt } = await createEksToken({ credentials, region: 'eu-west-1', clusterName: 'prod-a', now: () => SIGNED_AT });
    // Assess
    const url = decode(token);
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe('https://sts.eu-west-1.amazonaws.com/');
    expect(Object.fromEntries(url.searchParams)).toEqual(presignedStsQuery(credentials, 'eu-west-1', 'prod-a', '20261203T120000Z'));
    expect(expiresAt.toISOString()).toBe('2026-12-03T12:15:00.000Z');
  });

  it('takes a credential provider as the SDK clients hand it out', async () => {
    const { token } = await createEksToken({ credentials: async () => SESSION, region: 'us-east-1', clusterName: 'c', now: () => SIGNED_AT });
    expect(decode(token).searchParams.get('X-Amz-Signature')).toBe(presignedStsQuery(SESSION, 'us-east-1', 'c', '20261203T120000Z')['X-Amz-Signature']);
  });

  it('binds the token to its cluster: another name gives another signature', async () => {
    const sign = (clusterName: string) => createEksToken({ credentials: KEYS, region: 'us-east-1', clusterName, now: () => SIGNED_AT });
    const [a, b] = await Promise.all([sign('a'), sign('b')]);
    expect(decode(a.token).searchParams.get('X-Amz-Signature')).not.toBe(decode(b.token).searchParams.get('X-Amz-Signature'));
  });
});

describe('eksTokenSource', () => {
  const source = () => {
    let now = SIGNED_AT.getTime();
    let signings = 0;
    const next = eksTokenSource({
      credentials: async () => { signings++; return KEYS; }, region: 'us-east-1', clusterName: 'c', now: () => new Date(now),
    });
    return { next, advance: (ms: number) => { now += ms; }, signings: () => signings };
  };

  it('reuses its token for 14 minutes', async () => {
    // Prepare
    const s = source();
    const first = await s.next();
    // Act
    s.advance(14 * 60_000 - 1);
    const later = await s.next();
    // Assess
    expect(later).toBe(first);
    expect(s.signings()).toBe(1);
  });

  it('signs a new token once 14 minutes have passed, dated now', async () => {
    const s = source();
    const first = await s.next();
    s.advance(14 * 60_000);
    const renewed = await s.next();
    expect(renewed).not.toBe(first);
    expect(decode(renewed).searchParams.get('X-Amz-Date')).toBe('20261203T121400Z');
    expect(s.signings()).toBe(2);
  });

  it('shares one signing between callers that ask at once', async () => {
    const s = source();
    const tokens = await Promise.all([s.next(), s.next(), s.next()]);
    expect(new Set(tokens).size).toBe(1);
    expect(s.signings()).toBe(1);
  });
});
