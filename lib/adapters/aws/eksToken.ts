/**
 * The bearer token EKS accepts for its Kubernetes API: a presigned STS `GetCallerIdentity` URL whose
 * signature covers the `x-k8s-aws-id` header (the cluster name, so a token for one cluster cannot be
 * replayed against another), as `k8s-aws-v1.` + base64url without padding. The API server checks the
 * signature with STS and accepts the token for 15 minutes after it was signed, whatever the URL's own
 * `X-Amz-Expires` says.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { renewing } from './renewing.js';

export const EKS_TOKEN_PREFIX = 'k8s-aws-v1.';
/** How long EKS accepts a token after signing. */
export const EKS_TOKEN_LIFETIME_MS = 15 * 60_000;
/** A token older than this is replaced before use, so a request never carries one about to expire. */
export const EKS_TOKEN_REFRESH_AFTER_MS = 14 * 60_000;
/** What aws-iam-authenticator and `aws eks get-token` sign with. */
const PRESIGN_EXPIRES_SECONDS = 60;

export interface EksTokenOptions {
  readonly credentials: AwsCredentialIdentityProvider | AwsCredentialIdentity;
  readonly region: string;
  readonly clusterName: string;
  /** The signing clock; the system clock unless a test fixes it. */
  readonly now?: () => Date;
}

export interface EksToken {
  readonly token: string;
  readonly expiresAt: Date;
}

/** The regional STS endpoint (the China partition has its own domain). */
export const stsHost = (region: string): string => `sts.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;

export async function createEksToken(options: EksTokenOptions): Promise<EksToken> {
  const signedAt = (options.now ?? (() => new Date()))();
  const host = stsHost(options.region);
  const signer = new SignatureV4({ credentials: options.credentials, region: options.region, service: 'sts', sha256: Sha256 });
  const request = new HttpRequest({
    method: 'GET', protocol: 'https:', hostname: host, path: '/',
    query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
    headers: { host, 'x-k8s-aws-id': options.clusterName },
  });
  // SignatureV4 reads the system clock unless given the signing date.
  const signed = await signer.presign(request, { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate: signedAt });
  const url = `https://${host}/?${new URLSearchParams(signed.query as Record<string, string>).toString()}`;
  return {
    token: EKS_TOKEN_PREFIX + Buffer.from(url).toString('base64url'),
    expiresAt: new Date(signedAt.getTime() + EKS_TOKEN_LIFETIME_MS),
  };
}

/**
 * A token for every request of a long run: the same token until it is 14 minutes old, then a new
 * one. Callers that ask while a new token is being signed share that one signing.
 */
export function eksTokenSource(options: EksTokenOptions): () => Promise<string> {
  const now = options.now ?? (() => new Date());
  const signedAt = (t: EksToken): number => t.expiresAt.getTime() - EKS_TOKEN_LIFETIME_MS;
  const token = renewing(() => createEksToken({ ...options, now }), (t) => now().getTime() - signedAt(t) < EKS_TOKEN_REFRESH_AFTER_MS);
  return async () => (await token()).token;
}
