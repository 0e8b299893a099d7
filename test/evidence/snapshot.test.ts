import { describe, expect, it } from 'vitest';
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { EVIDENCE_KIND_NAMES, snapshotSchema, SNAPSHOT_VERSION } from '../../lib/core/evidence/snapshot.js';

describe('evidence snapshots', () => {
  it('of the demo fleet match the versioned schema and record a step for every evidence kind', async () => {
    // Prepare
    const diagnostics = new DiagnosticList();

    // Act
    const snapshots = await loadSnapshots([DEMO_FLEET], 'demo', diagnostics);

    // Assess
    expect(snapshots.map((s) => s.cluster.name)).toEqual(['data-lab', 'legacy-batch', 'payments-prod', 'shop-staging']);
    for (const snapshot of snapshots) {
      const parsed = snapshotSchema.safeParse(JSON.parse(JSON.stringify(snapshot)));
      expect(parsed.success, parsed.error?.message).toBe(true);
      expect(snapshot.snapshotVersion).toBe(SNAPSHOT_VERSION);
      expect(snapshot.collection.map((s) => s.step)).toEqual(expect.arrayContaining(EVIDENCE_KIND_NAMES));
    }
  });

  it('reject a document of another version', () => {
    const result = snapshotSchema.safeParse({ snapshotVersion: 2, cluster: { name: 'x', source: 'manifests' }, objects: [], cloud: {}, collection: [] });
    expect(result.success).toBe(false);
  });
});
