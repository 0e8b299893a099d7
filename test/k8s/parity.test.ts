/**
 * PARITY: each demo cluster, served by the fake API server and collected live, gives the same
 * findings and scores as the same manifests loaded offline. Cloud facts come from the AWS side,
 * not the Kubernetes API, so the live snapshot takes them (and the identity) from the offline one.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { collectCluster } from '../../lib/adapters/k8s/collectCluster.js';
import { loadKubeconfigTargets } from '../../lib/adapters/k8s/kubeconfig.js';
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { readManifestFiles } from '../../lib/adapters/manifests/readManifestFiles.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { CLOUD_FILE_NAME } from '../../lib/core/evidence/buildSnapshot.js';
import { EVIDENCE_OBJECT_KINDS } from '../../lib/core/evidence/sanitize.js';
import { admitObjects } from '../../lib/core/netpol/buildClusterModel.js';
import { assessCluster, type ClusterAssessment } from '../../lib/core/report/assessCluster.js';
import { buildJsonReport } from '../../lib/core/report/jsonReport.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';
import { startFakeKubeApi, writeKubeconfig } from '../helpers/fakeKubeApi.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeseg-parity-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const clusters = readdirSync(DEMO_FLEET, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();

/**
 * The cluster's JSON report entry without its collection steps, findings by id and remediation
 * YAML parsed (the API orders an object's keys its own way).
 */
function comparable(a: ClusterAssessment) {
  const { collection: _steps, findings, ...rest } = buildJsonReport([a], { generatedAt: 'now', version: 'test' }).clusters[0]!;
  const parsed = findings.map((f) => ({ ...f, remediation: f.remediation && { ...f.remediation, yaml: parseAllDocuments(f.remediation.yaml ?? '').map((d) => d.toJS()) } }));
  return { ...rest, findings: parsed.sort((x, y) => x.id.localeCompare(y.id)) };
}

describe('live collection matches offline loading', () => {
  it('covers every demo cluster', () => {
    expect(clusters).toEqual(['data-lab', 'legacy-batch', 'payments-prod', 'shop-staging']);
  });

  it.each(clusters)('%s: identical findings and scores', async (name) => {
    // Prepare: the same manifests, offline and behind the fake API server (small pages, some latency)
    const clusterDir = join(DEMO_FLEET, name);
    const diagnostics = new DiagnosticList();
    const [offline] = await loadSnapshots([clusterDir], 'demo', diagnostics);
    const raw = admitObjects(await readManifestFiles([clusterDir], diagnostics, [CLOUD_FILE_NAME]), EVIDENCE_OBJECT_KINDS, diagnostics);
    const api = await startFakeKubeApi({ objects: raw.map((o) => o.object), latencyMs: 2 });
    try {
      const file = writeKubeconfig(join(dir, name), [{ context: name, server: api.url, caPem: api.caPem, token: api.token }]);
      const [target] = loadKubeconfigTargets({ kubeconfig: file, contexts: [name] });
      // Act
      const live = await collectCluster(target!, { pageSize: 7 });
      const fromOffline = assessCluster(offline!, TECHNIQUES);
      const fromLive = assessCluster({ ...live, cluster: offline!.cluster, cloud: offline!.cloud }, TECHNIQUES);
      // Assess: both snapshots hold their objects in one canonical order, so even "for example" evidence matches
      expect(diagnostics.hasFatal).toBe(false);
      expect(live.objects.length).toBe(offline!.objects.length);
      const [liveReport, offlineReport] = [fromLive, fromOffline].map(comparable);
      expect(liveReport!.findings.length).toBeGreaterThan(0);
      expect(liveReport).toEqual(offlineReport);
      expect(fromLive.score).toEqual(fromOffline.score);
    } finally {
      await api.close();
    }
  });
});
