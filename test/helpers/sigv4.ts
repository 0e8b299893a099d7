/**
 * Test helper: SigV4 query presigning of STS GetCallerIdentity with the `x-k8s-aws-id` header,
 * written from the specification with node:crypto (canonical request, string to sign, derived
 * signing key), independent of the SDK's signer. It checks EKS tokens the way STS would.
 */
import { createHash, createHmac } from 'node:crypto';

export interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

const PREFIX = 'k8s-aws-v1.';
const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const sha256Hex = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/** Every query parameter of the presigned URL, the signature included; `amzDate` as `20261203T120000Z`. */
export function presignedStsQuery(keys: Keys, region: string, clusterName: string, amzDate: string): Record<string, string> {
  const host = `sts.${region}.amazonaws.com`;
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${region}/sts/aws4_request`;
  const params: Record<string, string> = {
    Action: 'GetCallerIdentity', Version: '2011-06-15',
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Credential': `${keys.accessKeyId}/${scope}`,
    'X-Amz-Date': amzDate, 'X-Amz-Expires': '60', 'X-Amz-SignedHeaders': 'host;x-k8s-aws-id',
    ...(keys.sessionToken !== undefined && { 'X-Amz-Security-Token': keys.sessionToken }),
  };
  const canonicalQuery = Object.keys(params).sort().map((k) => `${rfc3986(k)}=${rfc3986(params[k]!)}`).join('&');
  // The body of a GET is empty: its hash is the payload hash.
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${host}`, `x-k8s-aws-id:${clusterName}`, '', 'host;x-k8s-aws-id', sha256Hex('')].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = [day, region, 'sts', 'aws4_request'].reduce<Buffer | string>((key, part) => hmac(key, part), `AWS4${keys.secretAccessKey}`);
  return { ...params, 'X-Amz-Signature': hmac(signingKey, stringToSign).toString('hex') };
}

/** The URL inside an EKS token, or undefined when the token is not `k8s-aws-v1.` + base64url without padding. */
export function eksTokenUrl(token: string): URL | undefined {
  const payload = token.startsWith(PREFIX) ? token.slice(PREFIX.length) : '';
  if (!/^[A-Za-z0-9_-]+$/.test(payload)) return undefined;
  try {
    return new URL(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Whether the token is a GetCallerIdentity presigned with these keys for this cluster, as STS would check it. */
export function isEksTokenFor(token: string, keys: Keys, region: string, clusterName: string): boolean {
  const url = eksTokenUrl(token);
  if (!url || `${url.protocol}//${url.host}${url.pathname}` !== `https://sts.${region}.amazonaws.com/`) return false;
  const query = Object.fromEntries(url.searchParams);
  const expected = presignedStsQuery(keys, region, clusterName, query['X-Amz-Date'] ?? '');
  return Object.keys(query).length === Object.keys(expected).length && Object.entries(expected).every(([k, v]) => query[k] === v);
}
