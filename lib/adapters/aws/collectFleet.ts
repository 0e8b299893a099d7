/**
 * The AWS fleet → one evidence snapshot per cluster: discovery (accounts, regions, clusters), then
 * every cluster collected with bounded concurrency, overall and per account. Nothing asked for is
 * dropped: an account, region or cluster that discovery could not see becomes a snapshot of its
 * own, `unreachable` with the reason, so the report lists it.
 */
import type { FleetConfig } from '../../core/config/fleetConfig.js';
import { API_SERVER_STEP, type ClusterIdentity, type EvidenceSnapshot } from '../../core/evidence/snapshot.js';
import { runBounded } from '../k8s/runBounded.js';
import type { AwsClientFactory } from './clients.js';
import { collectEksCluster } from './collectEksCluster.js';
import { discoverFleet, type DiscoveredCluster, type DiscoveryEvent, type DiscoveryGap } from './discoverFleet.js';
import { gapSnapshot, notCollected, oneLine } from './uncollected.js';

/** What a caller is told as the run goes (the CLI's progress display satisfies it). */
export interface FleetProgress {
  phase(text: string): void;
  expect(total: number): void;
  collected(snapshot: EvidenceSnapshot): void;
  problem(line: string): void;
}

export interface FleetDeps {
  readonly clients: AwsClientFactory;
  readonly now: () => Date;
  readonly progress?: FleetProgress;
}

/**
 * `each` runs on every snapshot as it arrives, and only its result is kept (a scan assesses a
 * cluster while others are still being collected). Results: the clusters in discovery's order,
 * then the gaps.
 */
export async function collectFleet<T>(config: FleetConfig, deps: FleetDeps, each: (snapshot: EvidenceSnapshot) => T): Promise<T[]> {
  const progress = deps.progress;
  progress?.phase('discovering accounts, regions and clusters');
  let found = 0;
  const { clusters, gaps } = await discoverFleet(config, {
    clients: deps.clients, now: deps.now,
    // Problems are shown as they happen, not after the whole discovery.
    onProgress: (event: DiscoveryEvent) => {
      if (event.type === 'gap') progress?.problem(gapLine(event.gap));
      else if (event.type === 'accounts') progress?.phase(`discovering clusters in ${event.count} account${event.count === 1 ? '' : 's'}`);
      else if (event.type === 'cluster') progress?.phase(`discovering clusters: ${++found} found`);
    },
  });
  progress?.expect(clusters.length);
  progress?.phase(`collecting ${clusters.length} cluster${clusters.length === 1 ? '' : 's'}`);
  const identities = clusterIdentities(clusters);
  const collectOptions = { timeoutMs: config.timeouts.requestSeconds * 1000, concurrency: config.concurrency.requestsPerCluster };
  const results = await runBounded(clusters, {
    concurrency: config.concurrency.clusters, group: (c) => c.account, perGroup: config.concurrency.perAccount,
  }, async (found, i) => {
    const snapshot = await collectEksCluster(found, identities[i]!, { clients: deps.clients, now: deps.now, collect: collectOptions })
      .catch((err: unknown) => notCollected(identities[i]!, { step: API_SERVER_STEP, status: 'error', detail: `collection failed: ${oneLine(err)}` }));
    progress?.collected(snapshot);
    return each(snapshot);
  });
  return [...results, ...gaps.map((gap) => each(gapSnapshot(gap)))];
}

/**
 * How each cluster is named in the report: its EKS name, unless another account or region has a
 * cluster of the same name; then both carry their account and region.
 */
export function clusterIdentities(clusters: readonly DiscoveredCluster[]): ClusterIdentity[] {
  const count = new Map<string, number>();
  for (const c of clusters) count.set(c.name, (count.get(c.name) ?? 0) + 1);
  return clusters.map((c) => ({
    name: count.get(c.name)! > 1 ? `${c.name} (${c.account} ${c.region})` : c.name,
    account: c.account, region: c.region, source: 'eks',
  }));
}

function gapLine(gap: DiscoveryGap): string {
  const where = [gap.cluster && `cluster ${gap.cluster}`, `account ${gap.account}`, gap.region].filter(Boolean).join(', ');
  return `${where}: ${gap.step} ${gap.status}: ${gap.detail}`;
}
