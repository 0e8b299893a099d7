/**
 * One item of a run's fan-out: a cluster named by account, region and name, and nothing secret.
 * Kept apart from the collection (fleetItems.ts), so that the report step reads items without
 * loading the EKS and Kubernetes clients.
 */
import { z } from 'zod';

export const fleetItemSchema = z.strictObject({
  /** The cluster's number in the run: its snapshot's name. */
  index: z.int().min(0),
  account: z.string().regex(/^\d{12}$/),
  accountName: z.string().max(200).optional(),
  region: z.string().regex(/^[a-z]{2}(?:-[a-z]+)+-\d+$/),
  name: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
  /** How the report names it (`name (account region)` when the name repeats). */
  displayName: z.string().max(300),
});
export type FleetItem = z.infer<typeof fleetItemSchema>;

/** How an item's cluster is named in its snapshot, collected or not. */
export const itemIdentity = (item: FleetItem) => ({ name: item.displayName, account: item.account, region: item.region, source: 'eks' as const });
