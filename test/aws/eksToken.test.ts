/**
 * The EKS token against a SigV4 presign computed here from the specification with node:crypto
 * (canonical request, string to sign, derived signing key), not with the SDK's signer.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEksToken, EKS_TOKEN_PREFIX, eksTokenSource } from '../../lib/adapters/aws/eksToken.js';

const SIGNED_AT = new Date('2026-12-03T12:00:00Z');
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
// A session token with the characters URL encoding must get right.
const SESSION = { ...KEYS, sessionToken: 'IQoJb3JpZ2luX2VjE/+Session=Token==' };

const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** The query parameters of a presigned GetCallerIdentity, signature included, per the SigV4 specification. */
function expectedQuery(creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, region: string, cluster: string): Record<string, string> {
  const host = `sts.${region}.amazonaws.com`;
  const amzDate = '20261203T120000Z';
  const scope = `20261203/${region}/sts/aws4_request`;
  const params: Record<string, string> = {
    Action: 'GetCallerIdentity', Version: '2011-06-15',
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Credential': `${creds.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate, 'X-Amz-Expires': '60', 'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
    ...(creds.sessionToken !== undefined && { 'X-Amz-Security-Token': creds.sessionToken }),
  };
  const canonicalQuery = Object.keys(params).sort().map((k) => `${rfc3986(k)}=${rfc3986(params[k]!)}`).join('&');
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${host}`, `x-k8s-aws-id:${cluster}`, '', 'host;x-k8s-aws-id', sha256Hex('')].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = ['20261203', region, 'sts', 'aws4_request'].reduce<Buffer | string>((key, part) => hmac(key, part), `AWS4${creds.secretAccessKey}`);
  return { ...params, 'X-Amz-Signature': hmac(signingKey, stringToSign).toString('hex') };
}

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
    expect(Object.fromEntries(url.searchParams)).toEqual(expectedQuery(credentials, 'eu-west-1', 'prod-a'));
    expect(expiresAt.toISOString()).toBe('2026-12-03T12:15:00.000Z');
  });

  it('takes a credential provider as the SDK clients hand it out', async () => {
    const { token } = await createEksToken({ credentials: async () => SESSION, region: 'us-east-1', clusterName: 'c', now: () => SIGNED_AT });
    expect(decode(token).searchParams.get('X-Amz-Signature')).toBe(expectedQuery(SESSION, 'us-east-1', 'c')['X-Amz-Signature']);
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
