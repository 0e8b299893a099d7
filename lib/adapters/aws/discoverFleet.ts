/**
 * Fleet discovery: accounts → AssumeRole → regions → EKS clusters, each described. Whatever fails
 * becomes a {@link DiscoveryGap} naming the account, region or cluster and why, so a report lists
 * it instead of leaving it out. A failed account listing is a single gap for the whole fleet
 * (`account: '*'`) rather than an exception: the report still says why nothing was scanned.
 */
import { DescribeClusterCommand, type Cluster } from '@aws-sdk/client-eks';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import pLimit, { type LimitFunction } from 'p-limit';
import type { FleetConfig } from '../../core/config/fleetConfig.js';
import { listFleetAccounts, type FleetAccount } from './accounts.js';
import type { AwsClientFactory } from './clients.js';
import { clusterSelected, listClusterNames } from './clusters.js';
import { assumeRoleCredentials } from './credentials.js';
import type { Call } from './pages.js';
import { partitionOf, roleArn } from './partition.js';
import { enabledRegions } from './regions.js';
import { describeAwsError, isAccessDenied, withRetry } from './retry.js';

export interface DiscoveredCluster {
  readonly account: string;
  readonly accountName?: string;
  readonly region: string;
  readonly name: string;
  readonly arn: string;
  /** The member role's credentials; undefined means the default chain (`accounts.source: current`). */
  readonly credentials: AwsCredentialIdentityProvider | undefined;
  /** DescribeCluster's answer, for the cloud-facts collector. */
  readonly cluster: Cluster;
}

export type DiscoveryStep = 'list accounts' | 'assume role' | 'describe regions' | 'list clusters' | 'describe cluster';

export interface DiscoveryGap {
  /** The account id, or `*` when the account listing itself failed. */
  readonly account: string;
  readonly accountName?: string;
  readonly region?: string;
  readonly cluster?: string;
  readonly step: DiscoveryStep;
  readonly status: 'forbidden' | 'error';
  readonly detail: string;
}

export interface FleetDiscovery {
  /** The accounts covered, after the include and exclude filters. */
  readonly accounts: readonly FleetAccount[];
  /** Sorted by account, region and name. */
  readonly clusters: readonly DiscoveredCluster[];
  /** Sorted by account, region, cluster and step. */
  readonly gaps: readonly DiscoveryGap[];
}

export type DiscoveryEvent =
  | { readonly type: 'accounts'; readonly count: number }
  | { readonly type: 'regions'; readonly account: string; readonly regions: readonly string[] }
  | { readonly type: 'cluster'; readonly account: string; readonly region: string; readonly name: string }
  | { readonly type: 'gap'; readonly gap: DiscoveryGap };

export interface DiscoveryDeps {
  readonly clients: AwsClientFactory;
  readonly now: () => Date;
  /** For tests: the back-off's sleep and jitter. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  readonly onProgress?: (event: DiscoveryEvent) => void;
}

/**
 * Discovers the fleet's EKS clusters. AWS operations in flight are bounded by
 * `concurrency.clusters` overall and `concurrency.perAccount` per account; every call is retried
 * on throttling and server faults.
 */
export async function discoverFleet(config: FleetConfig, deps: DiscoveryDeps): Promise<FleetDiscovery> {
  const { clients, now, onProgress } = deps;
  const retry: Call = (fn) => withRetry(fn, { ...(deps.sleep ? { sleep: deps.sleep } : {}), ...(deps.random ? { random: deps.random } : {}) });
  const overall = pLimit(config.concurrency.clusters);
  const perAccount = new Map<string, LimitFunction>();
  // Each limited operation is a leaf (it never waits for another limited one), so the two limits cannot deadlock.
  const limited = <T>(account: string, fn: () => Promise<T>): Promise<T> => {
    let limit = perAccount.get(account);
    if (!limit) perAccount.set(account, (limit = pLimit(config.concurrency.perAccount)));
    return limit(() => overall(fn));
  };

  const clusters: DiscoveredCluster[] = [];
  const gaps: DiscoveryGap[] = [];
  const record = (recorded: DiscoveryGap) => {
    gaps.push(recorded);
    onProgress?.({ type: 'gap', gap: recorded });
  };
  const gap = (where: Omit<DiscoveryGap, 'status' | 'detail'>, err: unknown) =>
    record({ ...where, status: isAccessDenied(err) ? 'forbidden' : 'error', detail: describeAwsError(err) });

  let accounts: FleetAccount[] = [];
  try {
    const listing = await listFleetAccounts(config.accounts, {
      organizations: () => clients.organizations(),
      sts: () => clients.sts(clients.hubRegion),
      call: (fn) => overall(() => retry(fn)),
    });
    accounts = listing.accounts;
    for (const id of listing.missing) {
      record({ account: id, step: 'list accounts', status: 'error', detail: 'accounts.include names it, but it is not an ACTIVE account of the fleet' });
    }
  } catch (err) {
    gap({ account: '*', step: 'list accounts' }, err);
  }
  onProgress?.({ type: 'accounts', count: accounts.length });

  const discoverAccount = async (account: FleetAccount): Promise<void> => {
    const who = { account: account.id, ...(account.name ? { accountName: account.name } : {}) };
    let credentials: AwsCredentialIdentityProvider | undefined;
    if (config.role) {
      const provider = assumeRoleCredentials({
        sts: clients.sts(clients.hubRegion),
        roleArn: roleArn(account.id, config.role.name, clients.hubRegion),
        ...(config.role.externalId !== undefined ? { externalId: config.role.externalId } : {}),
        sessionName: config.role.sessionName,
        now,
        call: retry,
      });
      try {
        await limited(account.id, () => provider());
      } catch (err) {
        gap({ ...who, step: 'assume role' }, err);
        return;
      }
      credentials = provider;
    }

    let regions: readonly string[];
    try {
      regions = config.regions ?? await limited(account.id, () => enabledRegions(clients.ec2(clients.hubRegion, credentials), retry));
    } catch (err) {
      gap({ ...who, step: 'describe regions' }, err);
      return;
    }
    onProgress?.({ type: 'regions', account: account.id, regions });

    await Promise.all(regions.map(async (region) => {
      const eks = clients.eks(region, credentials);
      let names: string[];
      try {
        names = await limited(account.id, () => listClusterNames(eks, retry));
      } catch (err) {
        gap({ ...who, region, step: 'list clusters' }, err);
        return;
      }
      await Promise.all(names.filter((name) => clusterSelected(name, config.clusters)).map(async (name) => {
        try {
          const out = await limited(account.id, () => retry(() => eks.send(new DescribeClusterCommand({ name }))));
          if (!out.cluster) throw new Error('DescribeCluster returned no cluster');
          const arn = out.cluster.arn ?? `arn:${partitionOf(region)}:eks:${region}:${account.id}:cluster/${name}`;
          clusters.push({ ...who, region, name, arn, credentials, cluster: out.cluster });
          onProgress?.({ type: 'cluster', account: account.id, region, name });
        } catch (err) {
          gap({ ...who, region, cluster: name, step: 'describe cluster' }, err);
        }
      }));
    }));
  };
  await Promise.all(accounts.map(discoverAccount));
  // A cluster asked for by its exact name is listed even when no account and region has it.
  const found = new Set(clusters.map((c) => c.name));
  for (const name of exactlyNamed(config.clusters)) {
    if (found.has(name)) continue;
    const incomplete = gaps.length > 0 ? ' that could be listed (see the other gaps)' : '';
    record({ account: '*', cluster: name, step: 'list clusters', status: 'error',
      detail: `clusters.include names it, but no account and region${incomplete} has an EKS cluster of that name` });
  }

  return {
    accounts,
    clusters: clusters.sort((a, b) => compare([a.account, a.region, a.name], [b.account, b.region, b.name])),
    gaps: gaps.sort((a, b) => compare(
      [a.account, a.region ?? '', a.cluster ?? '', a.step], [b.account, b.region ?? '', b.cluster ?? '', b.step])),
  };
}

/** The include list's exact names (no `*`) that the exclude list does not drop. */
function exactlyNamed(filter: FleetConfig['clusters']): string[] {
  return (filter?.include ?? []).filter((pattern) => !pattern.includes('*') && clusterSelected(pattern, filter));
}

function compare(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]! ? -1 : 1;
  }
  return 0;
}
