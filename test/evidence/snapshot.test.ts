import { describe, expect, it } from 'vitest';
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { assembleSnapshot } from '../../lib/core/evidence/buildSnapshot.js';
import { EVIDENCE_KIND_NAMES, snapshotSchema, SNAPSHOT_VERSION, type EvidenceSnapshot } from '../../lib/core/evidence/snapshot.js';
import { assessCluster } from '../../lib/core/report/assessCluster.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';

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

  it('read version-1 cloud facts written before the EKS facts, and keep unknown cloud fields out', () => {
    // Prepare
    const document = (cloud: unknown): unknown => ({ snapshotVersion: 1, cluster: { name: 'x', source: 'eks' }, objects: [], cloud, collection: [] });
    const before = { apiServer: { endpoint: 'https://x.eks.amazonaws.com' }, vpcCni: { enableNetworkPolicy: true }, nodeGroups: [{ name: 'a', httpTokens: 'required', httpPutResponseHopLimit: 1 }] };
    const now = {
      ...before,
      eks: { kubernetesVersion: '1.33', authenticationMode: 'API' },
      nodeGroups: [{ name: 'a', amiType: 'AL2023_x86_64_STANDARD', metadataSource: 'eks-default', httpTokens: 'required', httpPutResponseHopLimit: 1 }],
      podIdentityAssociations: [{ namespace: 'shop', serviceAccount: 'reports', roleArn: 'arn:aws:iam::123456789012:role/r' }],
      accessEntries: [{ principalArn: 'arn:aws:iam::123456789012:role/Admin', accessPolicies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', scope: 'cluster' }] }],
    };

    // Act
    const results = [before, now, { ...now, fargateProfiles: [] }].map((cloud) => snapshotSchema.safeParse(document(cloud)).success);

    // Assess
    expect(results).toEqual([true, true, false]);
  });

  it('reject a document of another version', () => {
    const result = snapshotSchema.safeParse({ snapshotVersion: 2, cluster: { name: 'x', source: 'manifests' }, objects: [], cloud: {}, collection: [] });
    expect(result.success).toBe(false);
  });
});

describe('the order of objects in a snapshot', () => {
  it('does not depend on the order they arrived in, so findings and their evidence do not either', async () => {
    // Prepare: a demo cluster's objects, as read and reversed
    const [snapshot] = await loadSnapshots([`${DEMO_FLEET}/shop-staging`], 'demo', new DiagnosticList());
    const { objects, cluster, collection, cloud } = snapshot!;

    // Act
    const reversed = assembleSnapshot({ identity: cluster, objects: [...objects].reverse(), collection, cloud });

    // Assess
    expect(reversed.objects).toEqual(objects);
    const findings = (s: EvidenceSnapshot) => assessCluster(s, TECHNIQUES).findings.map((f) => [f.id, f.status, f.message, f.evidence]);
    expect(findings(reversed)).toEqual(findings(snapshot!));
  });
});
