/** Report models for the HTML renderer's tests: the demo fleet, a hostile variant of it, and a large synthetic fleet. */
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { assessCluster } from '../../lib/core/report/assessCluster.js';
import { buildReportModel } from '../../lib/core/report/buildReportModel.js';
import { buildJsonReport, type JsonReport } from '../../lib/core/report/jsonReport.js';
import type { ClusterSection, FindingGroup, ReportModel } from '../../lib/core/report/reportModel.js';
import { compareReports } from '../../lib/core/report/trends.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';

export const catalog = TECHNIQUES.map((t) => t.meta);

/** Strings a cluster could carry to attack the report's reader; each must show as inert text. */
export const HOSTILE = {
  img: '<img src=x onerror=alert(1)>',
  template: '{{constructor}}',
  script: '"><script>alert(1)</script>',
  rtl: 'invoice\u202Egnp.exe',
  long: `very-long-${'x'.repeat(600)}`,
} as const;

export const demoReport: JsonReport = buildJsonReport(
  (await loadSnapshots([DEMO_FLEET], 'demo', new DiagnosticList())).map((s) => assessCluster(s, TECHNIQUES)),
  { generatedAt: '2026-11-26T06:00:00.000Z', version: 'test' },
);

/** The demo fleet as a second run: shop-staging's findings are new since the first, and two earlier runs give a trend. */
export function demoModel(): ReportModel {
  const previous = {
    ...demoReport, generatedAt: '2026-11-19T06:00:00.000Z',
    clusters: demoReport.clusters.map((c) => (c.name === 'shop-staging' ? { ...c, findings: [] } : c)),
  };
  return buildReportModel({
    report: demoReport, catalog, trends: compareReports(demoReport, previous),
    history: [{ date: '2026-11-05', score: 31 }, { date: '2026-11-12', score: 36 }],
  });
}

/** The demo fleet with hostile strings in cluster, technique, resource and evidence fields, through the real model builder. */
export function hostileModel(): ReportModel {
  const report = structuredClone(demoReport);
  const [first, second] = report.clusters;
  const finding = first!.findings.find((f) => f.status === 'fail' && f.remediation?.yaml)!;
  first!.name = `${HOSTILE.img} ${HOSTILE.rtl}`;
  first!.account = HOSTILE.template;
  first!.techniques[0]!.name = `${HOSTILE.template} ${HOSTILE.img}`;
  first!.collection.push({ step: HOSTILE.script, status: 'forbidden', detail: HOSTILE.img });
  finding.message = HOSTILE.script;
  finding.resource.name = HOSTILE.long;
  finding.evidence = [HOSTILE.template, HOSTILE.img, HOSTILE.rtl];
  finding.remediation = { text: HOSTILE.img, yaml: `</code></pre>${HOSTILE.script}` };
  second!.name = HOSTILE.long;
  second!.enforcement = { status: 'unknown', reason: HOSTILE.script };
  const hostileCatalog = catalog.map((t, i) => (i === 0 ? { ...t, name: `${HOSTILE.img}${HOSTILE.template}` } : t));
  return buildReportModel({ report, catalog: hostileCatalog });
}

/**
 * A fleet of `clusters` clusters with `findingsPerCluster` findings each, made by repeating the demo's
 * sections (with their real findings, evidence and manifests) under new names and anchors.
 */
export function largeModel(clusters: number, findingsPerCluster: number): ReportModel {
  const demo = demoModel();
  // Clusters with findings to repeat (the hardened one may have none).
  const bases = demo.clusters.filter((c) => c.findingGroups.length > 0);
  const sections = Array.from({ length: clusters }, (_, i): ClusterSection => {
    const base = bases[i % bases.length]!;
    return { ...base, name: `${base.name}-${i + 1}`, anchor: `cluster-${i + 1}`, findingGroups: resized(base.findingGroups, findingsPerCluster) };
  });
  return {
    ...demo,
    fleet: { ...demo.fleet, clusters },
    heatMap: {
      techniques: demo.heatMap.techniques,
      rows: sections.map((s, i) => ({ ...demo.heatMap.rows[i % demo.heatMap.rows.length]!, cluster: s.name, anchor: s.anchor })),
    },
    clusters: sections,
    appendix: { ...demo.appendix, collectionLog: Array.from({ length: clusters }, () => demo.appendix.collectionLog).flat() },
  };
}

/** The groups with `total` findings spread over them, each group's first issue repeating its findings as needed. */
function resized(groups: readonly FindingGroup[], total: number): FindingGroup[] {
  return groups.map((g, i) => {
    const size = Math.floor(total / groups.length) + (i < total % groups.length ? 1 : 0);
    const findings = g.issues.flatMap((issue) => issue.findings);
    return { ...g, issues: [{ ...g.issues[0]!, findings: Array.from({ length: size }, (_, j) => findings[j % findings.length]!) }] };
  });
}
