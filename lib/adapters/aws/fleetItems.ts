/**
 * The fleet split for a fan-out (the Step Functions Map): discovery's clusters become plain items
 * that name a cluster and nothing secret, and each item is collected on its own, in another
 * process, by assuming the member role and describing the cluster again. A failure at any step is
 * that cluster's snapshot, `unreachable` or `error` with the reason; it never throws.
 */
import { DescribeClusterCommand } from '@aws-sdk/client-eks';
import type { FleetConfig } from '../../core/config/fleetConfig.js';
import { API_SERVER_STEP, type EvidenceSnapshot } from '../../core/evidence/snapshot.js';
import type { AwsClientFactory } from './clients.js';
import { clusterIdentities } from './collectFleet.js';
import { collectEksCluster } from './collectEksCluster.js';
import { assumeRoleCredentials } from './credentials.js';
import type { FleetDiscovery } from './discoverFleet.js';
import { itemIdentity, type FleetItem } from './fleetItem.js';
import { roleArn } from './partition.js';
import { describeAwsError, isAccessDenied, withRetry } from './retry.js';
import { notCollected, oneLine } from './uncollected.js';

/** One item per discovered cluster, numbered from 0 in discovery's order. */
export function fleetItems(discovery: FleetDiscovery): FleetItem[] {
  const identities = clusterIdentities(discovery.clusters);
  return discovery.clusters.map((c, index) => ({
    index, account: c.account, ...(c.accountName && { accountName: c.accountName }), region: c.region, name: c.name,
    displayName: identities[index]!.name,
  }));
}


export interface ItemCollectDeps {
  readonly clients: AwsClientFactory;
  readonly now: () => Date;
}

export async function collectFleetItem(config: FleetConfig, item: FleetItem, deps: ItemCollectDeps): Promise<EvidenceSnapshot> {
  const identity = itemIdentity(item);
  const { clients, now } = deps;
  const credentials = config.role && assumeRoleCredentials({
    sts: clients.sts(clients.hubRegion),
    roleArn: roleArn(item.account, config.role.name, clients.hubRegion),
    ...(config.role.externalId !== undefined && { externalId: config.role.externalId }),
    sessionName: config.role.sessionName,
    now,
    call: withRetry,
  });
  const failed = (step: 'assume role' | 'describe cluster', err: unknown) =>
    notCollected(identity, { step, status: isAccessDenied(err) ? 'forbidden' : 'error', detail: describeAwsError(err) });
  if (credentials) {
    try {
      await credentials();
    } catch (err) {
      return failed('assume role', err);
    }
  }
  let cluster;
  try {
    const out = await withRetry(() => clients.eks(item.region, credentials).send(new DescribeClusterCommand({ name: item.name })));
    if (!out.cluster) throw new Error('DescribeCluster returned no cluster');
    cluster = out.cluster;
  } catch (err) {
    return failed('describe cluster', err);
  }
  const found = { ...item, arn: cluster.arn ?? '', credentials, cluster };
  const collect = { timeoutMs: config.timeouts.requestSeconds * 1000, concurrency: config.concurrency.requestsPerCluster };
  return collectEksCluster(found, identity, { clients, now, collect })
    .catch((err: unknown) => notCollected(identity, { step: API_SERVER_STEP, status: 'error', detail: `collection failed: ${oneLine(err)}` }));
}
