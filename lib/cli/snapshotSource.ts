/** How `scan`, `report` and `collect` receive snapshots, whatever the source. */
import type { DiagnosticList } from '../core/diagnostics.js';
import type { EvidenceSnapshot } from '../core/evidence/snapshot.js';

/**
 * Where the snapshots come from (manifests, a snapshot directory, live clusters); problems go to
 * `diagnostics`. `each` runs on every snapshot as it arrives and only its result is kept, in the
 * source's order: a live fleet is assessed while the rest is still being collected, and no
 * cluster's objects outlive its assessment.
 */
export type SnapshotSource = <T>(diagnostics: DiagnosticList, each: (snapshot: EvidenceSnapshot) => T) => Promise<T[]>;

/** A source whose snapshots are all read before any is used (files on disk); input that failed to load is not used at all. */
export const loadedAtOnce = (load: (diagnostics: DiagnosticList) => Promise<EvidenceSnapshot[]>): SnapshotSource =>
  async (diagnostics, each) => {
    const snapshots = await load(diagnostics);
    return diagnostics.hasFatal ? [] : snapshots.map(each);
  };
