/** The EKS clusters of one account and region, and the configuration's cluster filter. */
import { ListClustersCommand, type EKSClient } from '@aws-sdk/client-eks';
import type { ClusterFilter } from '../../core/config/fleetConfig.js';
import { allPages, type Call } from './pages.js';

export async function listClusterNames(eks: EKSClient, call: Call): Promise<string[]> {
  const names = await allPages(call, (nextToken) => eks.send(new ListClustersCommand({ nextToken })),
    (page) => page.clusters, (page) => page.nextToken);
  return names.sort();
}

/** Whether a cluster passes `clusters.include` (when given) and no `clusters.exclude` pattern. */
export function clusterSelected(name: string, filter: ClusterFilter | undefined): boolean {
  const matches = (patterns: readonly string[]) => patterns.some((p) => globMatch(p, name));
  return (!filter?.include?.length || matches(filter.include)) && !matches(filter?.exclude ?? []);
}

/** `*` stands for any run of characters; everything else is literal. */
function globMatch(pattern: string, name: string): boolean {
  const source = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\-]/g, '\\$&')).join('.*');
  return new RegExp(`^${source}$`).test(name);
}
