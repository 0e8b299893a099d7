/** The report model of the demo fleet: what every renderer reads, decided once. */
import { describe, expect, it } from 'vitest';
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { assessCluster } from '../../lib/core/report/assessCluster.js';
import { buildJsonReport } from '../../lib/core/report/jsonReport.js';
import { buildReportModel } from '../../lib/core/report/buildReportModel.js';
import { compareReports } from '../../lib/core/report/trends.js';
import { proseText } from '../../lib/core/format/prose.js';
import { SCORING_FORMULA } from '../../lib/core/scoring/score.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';

const catalog = TECHNIQUES.map((t) => t.meta);
const report = buildJsonReport((await loadSnapshots([DEMO_FLEET], 'demo', new DiagnosticList())).map((s) => assessCluster(s, TECHNIQUES)),
  { generatedAt: '2026-11-26T06:00:00.000Z', version: 'test' });
/** The demo clusters with failing findings: all but the hardened one. */
const failingClusters = report.clusters.filter((c) => c.findings.some((f) => f.status === 'fail'));

describe('the report model of the demo fleet', () => {
  const model = buildReportModel({ report, catalog });

  it('has a heat map with one row per cluster and one column per technique of the catalog', () => {
    expect(model.heatMap.techniques.map((t) => t.id)).toEqual(catalog.map((t) => t.id));
    expect(model.heatMap.rows.map((r) => r.cluster)).toEqual(report.clusters.map((c) => c.name));
    for (const row of model.heatMap.rows) expect(row.cells).toHaveLength(catalog.length);
  });

  it('names five top risks, each a failing finding of the cluster it names, one per workload, spread over the clusters', () => {
    expect(model.topRisks).toHaveLength(5);
    for (const risk of model.topRisks) {
      const cluster = report.clusters.find((c) => c.name === risk.cluster)!;
      expect(cluster.findings.some((f) => f.status === 'fail' && f.message === proseText(risk.text) && f.technique === risk.techniqueId)).toBe(true);
    }
    expect(new Set(model.topRisks.map((r) => `${r.cluster} ${r.resource}`)).size).toBe(5);
    // Each cluster with failures (the hardened one has none) has one of the first places before any has a second.
    expect(new Set(model.topRisks.map((r) => r.cluster)).size).toBe(failingClusters.length);
  });

  it('orders the top risks by severity, then by reach', () => {
    const rank = { critical: 0, high: 1, medium: 2, low: 3 };
    const keys = model.topRisks.map((r) => [rank[r.severity], -(r.reach ?? -1)] as const);
    expect(keys).toEqual([...keys].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
  });

  it('lists failing and unknown findings by technique, grouped into issues, counts the passes, and loses none', () => {
    for (const [i, section] of model.clusters.entries()) {
      const findings = report.clusters[i]!.findings;
      const listed = section.findingGroups.flatMap((g) => g.issues.flatMap((issue) => issue.findings));
      expect(listed.every((f) => f.status !== 'pass')).toBe(true);
      expect(listed.map((f) => f.id).sort()).toEqual(findings.filter((f) => f.status !== 'pass').map((f) => f.id).sort());
      expect(section.counts.fail + section.counts.unknown + section.counts.pass).toBe(findings.length);
    }
    const f = model.fleet.counts;
    expect(f.fail + f.unknown + f.pass).toBe(report.clusters.reduce((n, c) => n + c.findings.length, 0));
  });

  it('shows one remediation for the many workloads one fix covers, and keeps each workload\'s evidence', () => {
    // Prepare: in shop-staging every workload can reach the instance metadata API, and each needs the same egress policy
    const staging = model.clusters.find((c) => c.name === 'shop-staging')!;
    const imds = staging.findingGroups.find((g) => g.techniqueId === 'MS-TA9033')!;

    // Assess
    const issue = [...imds.issues].sort((a, b) => b.findings.length - a.findings.length)[0];
    expect(issue!.findings.length).toBeGreaterThanOrEqual(imds.fail - 2);
    expect(proseText(issue!.message!)).toBe('‹workload› can reach the instance metadata API at 169.254.169.254:80');
    expect(proseText(issue!.remediation!.text)).toContain('‹workload›');
    expect(proseText(issue!.remediation!.text)).not.toContain('catalog/catalog-api');
    // Each workload has a manifest of its own, so none is shared and each finding keeps its own.
    expect(issue!.remediation!.yaml).toBeUndefined();
    expect(issue!.findings.every((f) => f.yaml?.startsWith('apiVersion: networking.k8s.io/v1') && f.evidence.length > 0)).toBe(true);
    // Far fewer issues than findings over the fleet.
    const issues = model.clusters.flatMap((c) => c.findingGroups.flatMap((g) => g.issues));
    expect(issues.length * 3).toBeLessThan(model.fleet.counts.fail + model.fleet.counts.unknown);
  });

  it('marks the words a shared remediation leaves open as ‹varies›, and then gives each finding its own text', () => {
    const staging = model.clusters.find((c) => c.name === 'shop-staging')!;
    const api = staging.findingGroups.find((g) => g.techniqueId === 'MS-TA9029')!.issues.find((i) => i.findings.length > 1)!;
    expect(proseText(api.remediation!.text)).toContain('on ServiceAccount ‹varies›');
    expect(api.findings.every((f) => f.remediation && !proseText(f.remediation).includes('‹'))).toBe(true);
  });

  it('renders the backtick spans of the techniques\' prose as code, without the backticks', () => {
    const texts = model.clusters.flatMap((c) => c.findingGroups.flatMap((g) => g.issues.flatMap((i) => (i.remediation ? [i.remediation.text] : []))));
    const code = texts.flatMap((t) => t.filter((s) => s.code).map((s) => s.text));
    expect(code).toContain('from');
    expect(texts.every((t) => t.every((s) => !s.text.includes('`')))).toBe(true);
  });

  it('picks up to eight key issues per cluster: failing ones, most severe first, then those covering most workloads', () => {
    const rank = { critical: 0, high: 1, medium: 2, low: 3 };
    for (const section of model.clusters) {
      const keys = section.keyIssues;
      expect(keys.length > 0).toBe(failingClusters.some((c) => c.name === section.name));
      expect(keys.length).toBeLessThanOrEqual(8);
      expect(keys.every((i) => i.status === 'fail')).toBe(true);
      const order = keys.map((i) => [rank[i.severity], -i.findings.length] as const);
      expect(order).toEqual([...order].sort((a, b) => a[0] - b[0] || a[1] - b[1]));
    }
  });

  it('lists each evidence step that is absent or could not be collected, with its reason and how to get it', () => {
    const lab = model.clusters.find((c) => c.name === 'data-lab')!;
    const policies = lab.evidenceGaps.find((g) => g.step === 'networkpolicies')!;
    expect(policies.status).toBe('absent');
    expect(proseText(policies.reason)).toBe('no NetworkPolicies in the input: export them with kubectl get networkpolicies -A -o yaml');
    expect(policies.reason.filter((s) => s.code).map((s) => s.text)).toEqual(['kubectl get networkpolicies -A -o yaml']);
  });

  it('shows technique coverage and an enforcement problem for the cluster whose policies nothing enforces', () => {
    const legacy = model.clusters.find((c) => c.name === 'legacy-batch')!;
    expect(legacy.enforcement?.status).toBe('not-enforced');
    expect(legacy.techniques.some((t) => t.coverage !== null)).toBe(true);
  });

  it('carries the method, the scoring formula and the whole technique catalog in its appendix', () => {
    expect(model.appendix.formula).toEqual(SCORING_FORMULA);
    expect(model.appendix.catalog.map((t) => t.id)).toEqual(catalog.map((t) => t.id));
    expect(model.appendix.catalog.every((t) => t.mitigations.length >= 0 && t.description.length > 0)).toBe(true);
    expect(model.appendix.collectionLog.length).toBeGreaterThan(0);
  });

  it('has no changes and no trend without a previous run', () => {
    expect(model.changes).toBeUndefined();
    expect(model.fleet.trend).toEqual([]);
  });
});

describe('the report model with a previous run', () => {
  it('reports what changed, marks new findings, and draws the trend from the history to this run', () => {
    // Prepare: the previous run lacked shop-staging's findings
    const previous = { ...report, generatedAt: '2026-11-19T06:00:00.000Z', clusters: report.clusters.map((c) => (c.name === 'shop-staging' ? { ...c, findings: [] } : c)) };

    // Act
    const model = buildReportModel({ report, catalog, trends: compareReports(report, previous), history: [{ date: '2026-11-12', score: 40 }] });

    // Assess
    expect(model.changes?.since).toBe('2026-11-19');
    const staging = report.clusters.find((c) => c.name === 'shop-staging')!;
    expect(model.changes?.newFindings).toBe(staging.findings.filter((f) => f.status === 'fail').length);
    expect(model.changes?.resolvedFindings).toBe(0);
    const section = model.clusters.find((c) => c.name === 'shop-staging')!;
    expect(section.findingGroups.flatMap((g) => g.issues.flatMap((i) => i.findings)).filter((f) => f.isNew)).toHaveLength(model.changes!.newFindings);
    expect(model.fleet.trend.map((p) => p.label)).toEqual(['2026-11-12', '2026-11-19', '2026-11-26']);
    expect(model.changes?.clusters.map((c) => [c.cluster, c.anchor])).toEqual(model.clusters.map((c) => [c.name, c.anchor]));
  });
});

describe('the trend of the report model', () => {
  it('labels runs by day, and adds the time to runs that share a day', () => {
    // Prepare: the previous run was the same morning
    const previous = { ...report, generatedAt: '2026-11-26T01:30:00.000Z' };

    // Act
    const model = buildReportModel({ report, catalog, trends: compareReports(report, previous), history: [{ date: '2026-11-19', score: 40 }] });

    // Assess
    expect(model.fleet.trend.map((p) => p.label)).toEqual(['2026-11-19', '2026-11-26 01:30', '2026-11-26 06:00']);
  });
});

describe('the top risks of a fleet with one bad cluster', () => {
  it('still names the other clusters\' worst risks', () => {
    // Prepare: the first cluster's findings made critical, so it would fill all five places on severity alone
    const worse = { ...report, clusters: report.clusters.map((c, i) => (i > 0 ? c : { ...c, findings: c.findings.map((f) => ({ ...f, severity: 'critical' as const })) })) };

    // Act
    const risks = buildReportModel({ report: worse, catalog }).topRisks;

    // Assess
    expect(risks.filter((r) => r.cluster === report.clusters[0]!.name)).toHaveLength(2);
    expect(new Set(risks.map((r) => r.cluster)).size).toBe(failingClusters.length);
  });
});
