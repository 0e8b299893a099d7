/**
 * The what-if score (assessCluster): every suggested remediation manifest applied together, then
 * the checks re-run. A remediation that closes its finding alone must still close it beside the
 * others, or the what-if score promises nothing.
 */
import { describe, expect, it } from 'vitest';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { snapshotFromObjects } from '../../lib/core/evidence/buildSnapshot.js';
import type { Finding } from '../../lib/core/findings/finding.js';
import { parseManifestText } from '../../lib/core/manifests/parseManifestText.js';
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { assessCluster, remediatedSnapshot } from '../../lib/core/report/assessCluster.js';
import { scoreCluster } from '../../lib/core/scoring/score.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';
import { bundleYaml, mergeSuggestedManifests } from '../../lib/core/techniques/bundle.js';
import { runTechniques } from '../../lib/core/techniques/runTechniques.js';

type Obj = Record<string, unknown>;

/** One workload without any NetworkPolicy, on an EKS cluster whose VPC CNI enforces policies. */
const CLUSTER: Obj[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'shop' } },
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.1.5' }] } },
  {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default' },
    subsets: [{ addresses: [{ ip: '10.0.0.10' }], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }],
  },
  {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
    spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 8080 }] }] } } },
  },
];

function run(objects: readonly Obj[]): readonly Finding[] {
  const snapshot = snapshotFromObjects({
    objects: objects.map((object) => ({ source: 'test', object })),
    identity: { name: 'what-if', source: 'manifests' },
    cloudFile: { vpcCni: { enableNetworkPolicy: true }, nodeGroups: [{ name: 'general', httpTokens: 'optional', httpPutResponseHopLimit: 2 }] },
  });
  const result = runTechniques(snapshot, TECHNIQUES);
  if (!result.ok) throw new Error('the cluster was rejected');
  return result.run.findings;
}

/** The NetworkPolicies a finding's remediation YAML holds (other documents, such as patches, left out). */
function remediationPolicies(f: Finding): Obj[] {
  return parseManifestText(f.id, f.remediation?.yaml ?? '', new DiagnosticList())
    .map((o) => o.object as Obj).filter((o) => o.kind === 'NetworkPolicy');
}

const failing = run(CLUSTER).filter((f) => f.status === 'fail' && remediationPolicies(f).length > 0);

/** Every remediation policy of the failing findings, suggestions for the same policy merged as the what-if merges them. */
function allRemediationPolicies(): Obj[] {
  return mergeSuggestedManifests(failing.flatMap(remediationPolicies)) as Obj[];
}

describe('remediation NetworkPolicies applied together', () => {
  it('exist for several techniques on one workload (the premise of the tests below)', () => {
    expect(new Set(failing.map((f) => f.technique)).size).toBeGreaterThanOrEqual(2);
  });

  it('each close their own finding when applied alone', () => {
    // Act
    const stillFailing = failing.filter((f) => run([...CLUSTER, ...remediationPolicies(f)]).find((g) => g.id === f.id)?.status === 'fail');

    // Assess
    expect(stillFailing.map((f) => `${f.technique} ${f.check}`)).toEqual([]);
  });

  it('close every finding they were written for when applied together', () => {
    // Act
    const after = run([...CLUSTER, ...allRemediationPolicies()]);

    // Assess
    const stillFailing = failing.filter((f) => after.find((g) => g.id === f.id)?.status === 'fail');
    expect(stillFailing.map((f) => `${f.technique} ${f.check}`)).toEqual([]);
  });

  it('raise the what-if score above the score, closing every technique they address', () => {
    // Prepare
    const snapshot = snapshotFromObjects({
      objects: CLUSTER.map((object) => ({ source: 'test', object })), identity: { name: 'what-if', source: 'manifests' },
      cloudFile: { vpcCni: { enableNetworkPolicy: true }, nodeGroups: [{ name: 'general', httpTokens: 'optional', httpPutResponseHopLimit: 2 }] },
    });
    const addressed = new Set(failing.map((f) => f.technique));

    // Act
    const assessment = assessCluster(snapshot, TECHNIQUES);
    const whatIfFindings = run([...CLUSTER, ...allRemediationPolicies()]);

    // Assess
    expect(assessment.whatIf?.score).toBeGreaterThan(assessment.score.score ?? 0);
    expect(whatIfFindings.filter((f) => addressed.has(f.technique) && f.status === 'fail').map((f) => f.technique)).toEqual([]);
  });
});

describe('the what-if score', () => {
  const demo = loadSnapshots([DEMO_FLEET], 'demo', new DiagnosticList());

  it('equals a scan from scratch of each demo cluster with its remediation.yaml applied', async () => {
    for (const snapshot of await demo) {
      // Prepare: the bundle as `kubectl apply -f remediation.yaml` would read it
      const assessment = assessCluster(snapshot, TECHNIQUES);
      const diagnostics = new DiagnosticList();
      const applied = parseManifestText('remediation.yaml', bundleYaml(assessment.bundle, snapshot.cluster, 'remediation.yaml'), diagnostics).map((o) => o.object);
      expect(diagnostics.all).toEqual([]);
      expect(applied).toEqual(assessment.bundle.manifests);
      // A workload whose egress kubeseg limits gets no "everything but" egress policy beside it.
      const names = applied.map((m) => (m as { metadata: { namespace: string; name: string } }).metadata).map((m) => `${m.namespace}/${m.name}`);
      const limited = names.filter((n) => n.includes('/kubeseg-limit-egress-'));
      expect(limited.filter((n) => names.includes(n.replace('/kubeseg-limit-egress-', '/kubeseg-egress-')))).toEqual([]);
      const remediated = remediatedSnapshot(snapshot, { manifests: applied, patches: [] });

      // Act
      const fromScratch = runTechniques(remediated.snapshot, TECHNIQUES);

      // Assess
      if (!fromScratch.ok) throw new Error(`${snapshot.cluster.name}: the remediated cluster was rejected`);
      const expected = scoreCluster(TECHNIQUES.map((t) => t.meta), fromScratch.run.findings);
      expect({ cluster: snapshot.cluster.name, whatIf: assessment.whatIf?.score }).toEqual({ cluster: snapshot.cluster.name, whatIf: expected.score });
    }
  });

  it('never turns a passing workload into a failing or unknown one (why the what-if re-judges only the others)', async () => {
    for (const snapshot of await demo) {
      // Prepare
      const assessment = assessCluster(snapshot, TECHNIQUES);
      const passed = new Set(assessment.findings.filter((f) => f.status === 'pass').map((f) => f.id));

      // Act
      const after = runTechniques(remediatedSnapshot(snapshot, assessment.bundle).snapshot, TECHNIQUES);

      // Assess
      if (!after.ok) throw new Error(`${snapshot.cluster.name}: the remediated cluster was rejected`);
      const worse = after.run.findings.filter((f) => passed.has(f.id) && f.status !== 'pass');
      expect(worse.map((f) => `${snapshot.cluster.name} ${f.technique} ${f.resource.name}: ${f.status}`)).toEqual([]);
    }
  });
});
