/**
 * The run's first stages over the store, as the state machine runs them in AWS (discover, then one
 * collect per item) and `kubeseg serve` runs them in-process: each reads what the one before it
 * stored, so a stage can run in another process. Nothing asked for is dropped: a discovery gap is
 * stored as its own snapshot. The report stage is reportStages.ts.
 */
import type { FleetConfig } from '../core/config/fleetConfig.js';
import { narrowFleet } from '../core/run/scope.js';
import type { AwsClientFactory } from '../adapters/aws/clients.js';
import { discoverFleet } from '../adapters/aws/discoverFleet.js';
import type { FleetItem } from '../adapters/aws/fleetItem.js';
import { collectFleetItem, fleetItems } from '../adapters/aws/fleetItems.js';
import { gapSnapshot } from '../adapters/aws/uncollected.js';
import type { ObjectStore } from '../adapters/storage/objectStore.js';
import { runKeys } from './runLayout.js';
import { readRequest } from './runRequest.js';
import { writeJson } from './storedJson.js';

export interface DiscoverDeps {
  readonly store: ObjectStore;
  readonly clients: AwsClientFactory;
  readonly now: () => Date;
}

export interface Discovered {
  readonly runId: string;
  /** The Map's items' key in the store. */
  readonly itemsKey: string;
  readonly clusters: number;
  readonly gaps: number;
}

/** Discovers the run's scope of the fleet: the items to collect, and every gap as a snapshot after them. */
export async function discoverRun(runId: string, config: FleetConfig, deps: DiscoverDeps): Promise<Discovered> {
  const request = await readRequest(deps.store, runId);
  const discovery = await discoverFleet(narrowFleet(config, request.scope), { clients: deps.clients, now: deps.now });
  const items = fleetItems(discovery);
  for (const [i, gap] of discovery.gaps.entries()) await writeJson(deps.store, runKeys.snapshot(runId, items.length + i), gapSnapshot(gap));
  await writeJson(deps.store, runKeys.items(runId), items);
  return { runId, itemsKey: runKeys.items(runId), clusters: items.length, gaps: discovery.gaps.length };
}

/** Collects one item into its snapshot; never throws for the cluster's own failures. */
export async function collectRunItem(runId: string, item: FleetItem, config: FleetConfig, deps: DiscoverDeps): Promise<void> {
  const snapshot = await collectFleetItem(config, item, { clients: deps.clients, now: deps.now });
  await writeJson(deps.store, runKeys.snapshot(runId, item.index), snapshot);
}
