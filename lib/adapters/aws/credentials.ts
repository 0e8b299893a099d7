/**
 * Member-account credentials: STS AssumeRole, asked for lazily, cached, and renewed five minutes
 * before they expire, so a collection that outlasts one session never fails on expired keys.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { renewing } from './renewing.js';

/** How long before `Expiration` the credentials are renewed. */
export const REFRESH_BEFORE_MS = 5 * 60_000;

export interface AssumeRoleOptions {
  /** An STS client holding the hub identity's credentials. */
  readonly sts: STSClient;
  readonly roleArn: string;
  readonly externalId?: string;
  readonly sessionName: string;
  readonly now: () => Date;
  /** Wraps each AssumeRole call (discovery passes its retry); default: call once. */
  readonly call?: <T>(fn: () => Promise<T>) => Promise<T>;
}

export function assumeRoleCredentials(options: AssumeRoleOptions): AwsCredentialIdentityProvider {
  const { sts, roleArn, externalId, sessionName, now, call = (fn) => fn() } = options;
  // Without an expiration the credentials are asked for again each time.
  const fresh = (c: AwsCredentialIdentity): boolean => c.expiration !== undefined && now().getTime() < c.expiration.getTime() - REFRESH_BEFORE_MS;

  async function assume(): Promise<AwsCredentialIdentity> {
    const out = await call(() => sts.send(new AssumeRoleCommand({
      RoleArn: roleArn, RoleSessionName: sessionName, ...(externalId !== undefined ? { ExternalId: externalId } : {}),
    })));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole of ${roleArn} returned no credentials`);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration ? { expiration: c.Expiration } : {}),
    };
  }

  return renewing(assume, fresh);
}
