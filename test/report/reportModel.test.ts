/** The report model of the demo fleet: what every renderer reads, decided once. */
import { describe, expect, it } from 'vitest';
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { assessCluster } from '../../lib/core/report/assessCluster.js';
import { buildJsonReport } from '../../lib/core/report/jsonReport.js';
import { buildReportModel } from '../../lib/core/report/buildReportModel.js';
import { compareReports } from '../../lib/core/report/trends.js';
import { SCORING_FORMULA } from '../../lib/core/scoring/score.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';

const catalog = TECHNIQUES.map((t) => t.meta);
const report = buildJsonReport((await loadSnapshots([DEMO_FLEET], 'demo', new DiagnosticList())).map((s) => assessCluster(s, TECHNIQUES)),
  { generatedAt: '2026-11-26T06:00:00.000Z', version: 'test' });

describe('the report model of the demo fleet', () => {
  const model = buildReportModel({ report, catalog });

  it('has a heat map with one row per cluster and one column per technique of the catalog', () => {
    expect(model.heatMap.techniques.map((t) => t.id)).toEqual(catalog.map((t) => t.id));
    expect(model.heatMap.rows.map((r) => r.cluster)).toEqual(report.clusters.map((c) => c.name));
    for (const row of model.heatMap.rows) expect(row.cells).toHaveLength(catalog.length);
  });

  it('names at most five top risks, each a failing finding of the cluster it names', () => {
    expect(model.topRisks.length).toBeGreaterThan(0);
    expect(model.topRisks.length).toBeLessThanOrEqual(5);
    for (const risk of model.topRisks) {
      const cluster = report.clusters.find((c) => c.name === risk.cluster)!;
      expect(cluster.findings.some((f) => f.status === 'fail' && f.message === risk.text && f.technique === risk.techniqueId)).toBe(true);
    }
    expect(new Set(model.topRisks.map((r) => r.techniqueId)).size).toBe(model.topRisks.length);
  });

  it('lists failing and unknown findings by technique, counts the passes, and loses none', () => {
    for (const [i, section] of model.clusters.entries()) {
      const findings = report.clusters[i]!.findings;
      const listed = section.findingGroups.flatMap((g) => g.findings);
      expect(listed.every((f) => f.status !== 'pass')).toBe(true);
      expect(listed).toHaveLength(findings.filter((f) => f.status !== 'pass').length);
      expect(section.counts.fail + section.counts.unknown + section.counts.pass).toBe(findings.length);
    }
    const f = model.fleet.counts;
    expect(f.fail + f.unknown + f.pass).toBe(report.clusters.reduce((n, c) => n + c.findings.length, 0));
  });

  it('picks up to ten key findings per cluster: failing ones, one per technique before a second of any', () => {
    for (const section of model.clusters) {
      const keys = section.keyFindings;
      expect(keys.length).toBeLessThanOrEqual(10);
      expect(keys.every((f) => f.status === 'fail')).toBe(true);
      const techniques = new Set(section.findingGroups.filter((g) => g.fail > 0).map((g) => g.techniqueId));
      expect(new Set(keys.slice(0, techniques.size).map((f) => f.techniqueId)).size).toBe(Math.min(techniques.size, keys.length));
    }
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
    expect(section.findingGroups.flatMap((g) => g.findings).filter((f) => f.isNew)).toHaveLength(model.changes!.newFindings);
    expect(model.fleet.trend.map((p) => p.date)).toEqual(['2026-11-12', '2026-11-19', '2026-11-26']);
    expect(model.changes?.clusters.map((c) => [c.cluster, c.anchor])).toEqual(model.clusters.map((c) => [c.name, c.anchor]));
  });
});
