/** Snapshots of clusters that could not be collected, so a report lists them with the reason instead of leaving them out. */
import { assembleSnapshot } from '../../core/evidence/buildSnapshot.js';
import { API_SERVER_STEP, EVIDENCE_KIND_NAMES, type ClusterIdentity, type CollectionStep, type EvidenceSnapshot } from '../../core/evidence/snapshot.js';
import type { DiscoveryGap } from './discoverFleet.js';

/** A cluster that was not collected because of `cause`: every evidence step `error`, the API server step saying why. */
export function notCollected(identity: ClusterIdentity, cause: CollectionStep): EvidenceSnapshot {
  const reason = `${cause.step} ${cause.status}${cause.detail ? `: ${cause.detail}` : ''}`;
  return assembleSnapshot({
    identity,
    objects: [],
    collection: [
      ...(cause.step === API_SERVER_STEP ? [] : [cause]),
      { step: API_SERVER_STEP, status: 'error', detail: cause.step === API_SERVER_STEP ? cause.detail : reason },
      ...EVIDENCE_KIND_NAMES.map((step): CollectionStep => ({ step, status: 'error', detail: 'not collected' })),
    ],
  });
}

/** A cluster, region or account that discovery could not see, listed as an unreachable cluster with the reason. */
export function gapSnapshot(gap: DiscoveryGap): EvidenceSnapshot {
  const name = gap.cluster ?? `account ${gap.account}${gap.accountName ? ` (${gap.accountName})` : ''}${gap.region ? ` ${gap.region}` : ''}`;
  const identity: ClusterIdentity = { name, account: gap.account, ...(gap.region && { region: gap.region }), source: 'eks' };
  return notCollected(identity, { step: gap.step, status: gap.status, detail: gap.detail });
}

export const oneLine = (err: unknown): string => (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
