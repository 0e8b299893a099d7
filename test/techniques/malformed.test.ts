/**
 * Every check tolerates any JSON shape: each field of the technique fixtures' objects (and of their
 * kubeseg-cloud.yaml) is replaced by values of the wrong type, and the whole pure pipeline (admission,
 * snapshot, checks, scores, what-if, JSON, text and CSV reports) must never throw. The objects go in
 * both through the admission `scan` uses and straight into a snapshot (as a live collector would).
 */
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { parseCloudFile, snapshotFromObjects } from '../../lib/core/evidence/buildSnapshot.js';
import { kubeObjectSchema } from '../../lib/core/evidence/snapshot.js';
import { EVIDENCE_OBJECT_KINDS } from '../../lib/core/evidence/sanitize.js';
import { admitObjects } from '../../lib/core/netpol/buildClusterModel.js';
import { assessCluster } from '../../lib/core/report/assessCluster.js';
import { formatFindingsCsv } from '../../lib/core/report/findingsCsv.js';
import { buildJsonReport } from '../../lib/core/report/jsonReport.js';
import { formatTextSummary } from '../../lib/core/report/textSummary.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';
import { applyBatch, fixtureClusters, fieldPaths, mutationBatches, withValue, WRONG_TYPES, type Mutation } from '../helpers/mutations.js';

type Json = Record<string, unknown>;

function assessAll(objects: readonly Json[], cloudText: string | undefined): void {
  const diagnostics = new DiagnosticList();
  const cloudFile = cloudText === undefined ? undefined : parseCloudFile(cloudText, 'kubeseg-cloud.yaml', diagnostics);
  const sourced = objects.map((object, i) => ({ source: `cluster.yaml#${i + 1}`, object }));
  const admitted = admitObjects(sourced, EVIDENCE_OBJECT_KINDS, diagnostics);
  // Straight into a snapshot too, as a live collector's objects would (with valid metadata, as the snapshot schema says).
  const valid = sourced.filter((o) => kubeObjectSchema.safeParse(o.object).success);
  const inputs = diagnostics.hasFatal ? [valid] : [valid, admitted];
  const assessments = inputs.map((list) => assessCluster(snapshotFromObjects({
    objects: list, identity: { name: 'fuzz', source: 'manifests' }, ...(cloudFile && { cloudFile }),
  }), TECHNIQUES));
  const report = buildJsonReport(assessments, { generatedAt: '2026-12-01T00:00:00Z', version: '0.0.0' });
  formatTextSummary(report, { color: false });
  formatFindingsCsv(report);
}

/** The first batch that throws, with its error, or undefined. */
function firstFailure(objects: readonly Json[], batches: readonly Mutation[][], cloud: string | undefined): string | undefined {
  for (const batch of batches) {
    try {
      assessAll(applyBatch(objects, batch), cloud);
    } catch (err) {
      // Narrow down to the one mutation that throws, for a readable failure.
      const culprit = batch.find((m) => {
        try {
          assessAll(applyBatch(objects, [m]), cloud);
          return false;
        } catch {
          return true;
        }
      });
      const where = culprit ? `${String(objects[culprit.object]!.kind)} ${culprit.path.join('.')} = ${JSON.stringify(culprit.value)}` : 'a combination';
      return `${where}: ${(err as Error).stack}`;
    }
  }
  return undefined;
}

const CLUSTERS = fixtureClusters('exposing');

describe('checks on malformed objects', () => {
  it.each(CLUSTERS.map((c) => [c.name, c] as const))('never throw on wrong types in any field of %s', (_name, cluster) => {
    // Prepare
    const batches = mutationBatches(cluster.objects, 2);

    // Act
    const failure = firstFailure(cluster.objects, batches, cluster.cloudFile);

    // Assess
    expect(failure).toBeUndefined();
  });

  it('never throw on wrong types in any field of kubeseg-cloud.yaml: a bad one is one fatal line', () => {
    // Prepare
    const cloud = {
      cluster: { name: 'c', account: '123456789012', region: 'eu-west-1' },
      apiServer: { endpoint: 'https://10.0.0.1:443', endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ['0.0.0.0/0'] },
      vpcCni: { version: 'v1', enableNetworkPolicy: true },
      nodeGroups: [{ name: 'g', httpTokens: 'required', httpPutResponseHopLimit: 1 }],
      collection: [{ step: 'rbac', status: 'forbidden', detail: 'x' }],
    };
    const failures: string[] = [];

    // Act
    for (const path of fieldPaths(cloud)) {
      for (const value of WRONG_TYPES) {
        const diagnostics = new DiagnosticList();
        try {
          const parsed = parseCloudFile(stringify(withValue(cloud, path, value)), 'kubeseg-cloud.yaml', diagnostics);
          if (parsed) assessAll(CLUSTERS[0]!.objects, stringify(withValue(cloud, path, value)));
        } catch (err) {
          failures.push(`${path.join('.')} = ${JSON.stringify(value)}: ${(err as Error).message}`);
        }
        for (const d of diagnostics.all) if (d.message.includes('\n')) failures.push(`${path.join('.')}: a message of several lines: ${d.message}`);
      }
    }

    // Assess
    expect(failures).toEqual([]);
  });
});
