/**
 * Where discovery gets its AWS clients: an interface, so tests hand in mocked clients and the CLI
 * a profile. Every client makes one attempt per call (`maxAttempts: 1`): retries live in
 * withRetry (retry.ts) alone, where they are bounded, jittered and visible to tests, instead of the SDK's
 * three attempts multiplied by ours.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { organizationsRegion } from './partition.js';

export interface AwsClientFactory {
  /** The region of the hub identity: STS, EC2 DescribeRegions and the partition (ARNs) follow it. */
  readonly hubRegion: string;
  /** Organizations is global: its endpoint is in the partition's home region. */
  organizations(): OrganizationsClient;
  /** Without `credentials`, the default chain (or the profile) applies. */
  sts(region: string, credentials?: AwsCredentialIdentityProvider): STSClient;
  ec2(region: string, credentials?: AwsCredentialIdentityProvider): EC2Client;
  eks(region: string, credentials?: AwsCredentialIdentityProvider): EKSClient;
}

export interface DefaultAwsClientsOptions {
  /** A profile of ~/.aws/config (`--profile`); else the default credential chain. */
  readonly profile?: string;
  /** The hub region; default AWS_REGION, AWS_DEFAULT_REGION, else us-east-1. */
  readonly region?: string;
  /** One request's time limit (the config's `timeouts.requestSeconds`); default 15 s. */
  readonly requestTimeoutMs?: number;
  /** For tests: the environment to read the default region from. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

type ClientClass<C> = new (config: ConstructorParameters<typeof EKSClient>[0] & object) => C;

/**
 * Real SDK clients, one per service, region and credentials, reused across calls so their
 * keep-alive sockets are too.
 */
export function defaultAwsClients(options: DefaultAwsClientsOptions = {}): AwsClientFactory {
  const env = options.env ?? process.env;
  const hubRegion = options.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const requestTimeout = options.requestTimeoutMs ?? 15_000;
  const defaultChain = {};
  const cache = new WeakMap<object, Map<string, unknown>>();

  function client<C>(Class: ClientClass<C>, service: string, region: string, credentials?: AwsCredentialIdentityProvider): C {
    const key = credentials ?? defaultChain;
    const clients = cache.get(key) ?? new Map<string, unknown>();
    cache.set(key, clients);
    const id = `${service} ${region}`;
    if (!clients.has(id)) {
      clients.set(id, new Class({
        region,
        maxAttempts: 1,
        // Without throwOnRequestTimeout the handler only logs a warning when the limit passes.
        requestHandler: { requestTimeout, connectionTimeout: requestTimeout, throwOnRequestTimeout: true },
        ...(credentials ? { credentials } : options.profile ? { profile: options.profile } : {}),
      }));
    }
    return clients.get(id) as C;
  }

  return {
    hubRegion,
    organizations: () => client(OrganizationsClient as ClientClass<OrganizationsClient>, 'organizations', organizationsRegion(hubRegion)),
    sts: (region, credentials) => client(STSClient as ClientClass<STSClient>, 'sts', region, credentials),
    ec2: (region, credentials) => client(EC2Client as ClientClass<EC2Client>, 'ec2', region, credentials),
    eks: (region, credentials) => client(EKSClient as ClientClass<EKSClient>, 'eks', region, credentials),
  };
}
