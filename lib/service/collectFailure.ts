/** An item whose collect step failed outright, as the Map's Catch records it for the report step. */
import { z } from 'zod';
import { fleetItemSchema, type FleetItem } from '../adapters/aws/fleetItem.js';
import type { ObjectStore } from '../adapters/storage/objectStore.js';
import { runKeys } from './runLayout.js';
import { writeJson } from './storedJson.js';

export const collectFailureSchema = z.object({ item: fleetItemSchema, reason: z.string() });

/** What the Map's Catch records when an item's collect failed outright (a timeout, out of memory). */
export async function recordCollectFailure(store: ObjectStore, runId: string, item: FleetItem, reason: string): Promise<void> {
  await writeJson(store, runKeys.failure(runId, item.index), { item, reason });
}
