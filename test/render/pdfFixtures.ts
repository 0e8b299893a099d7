/** Report models for the PDF tests: the demo fleet, a hostile variant, one with a very long table and a larger fleet. */
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { assessCluster } from '../../lib/core/report/assessCluster.js';
import { buildJsonReport } from '../../lib/core/report/jsonReport.js';
import { buildReportModel } from '../../lib/core/report/buildReportModel.js';
import type { Prose, ReportModel } from '../../lib/core/report/reportModel.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';

export async function demoModel(): Promise<ReportModel> {
  const report = buildJsonReport((await loadSnapshots([DEMO_FLEET], 'demo', new DiagnosticList())).map((s) => assessCluster(s, TECHNIQUES)),
    { generatedAt: '2026-11-26T06:00:00.000Z', version: 'test' });
  return buildReportModel({ report, catalog: TECHNIQUES.map((t) => t.meta) });
}

export const HOSTILE = {
  markup: '<img src=x onerror=alert(1)>',
  template: '{{constructor}}',
  rtl: 'evil\u202Egnp.exe',
  unbroken: 'x'.repeat(3000),
};

/** The demo's first cluster renamed and its first key issue rewritten with strings a cluster could hold. */
export function hostileModel(demo: ReportModel): ReportModel {
  const [first, ...rest] = demo.clusters;
  if (!first) throw new Error('the demo fleet has no cluster');
  const name = `${HOSTILE.markup} ${HOSTILE.template}`;
  const plain = (text: string): Prose => [{ text, code: false }];
  const keyIssues = first.keyIssues.map((issue, j) => (j > 0 ? issue : {
    ...issue, message: plain(`${HOSTILE.markup} ${HOSTILE.unbroken}`),
    remediation: { text: plain(HOSTILE.template), yaml: `metadata:\n  name: ${HOSTILE.unbroken}\n` },
    findings: issue.findings.map((f, k) => (k > 0 ? f : { ...f, resource: `Deployment ${HOSTILE.rtl}/${HOSTILE.unbroken}`, evidence: [HOSTILE.unbroken] })),
  }));
  return {
    ...demo,
    clusters: [{ ...first, name, account: HOSTILE.unbroken, keyIssues }, ...rest],
    heatMap: { ...demo.heatMap, rows: demo.heatMap.rows.map((r, i) => (i === 0 ? { ...r, cluster: name } : r)) },
    topRisks: demo.topRisks.map((r) => ({ ...r, cluster: name, text: plain(`${HOSTILE.markup} ${HOSTILE.unbroken}`) })),
  };
}

/** The demo with a collection log of `rows` clusters of one step each: several pages of one table. */
export function longTableModel(demo: ReportModel, rows: number): ReportModel {
  const collectionLog = Array.from({ length: rows }, (_, i) => ({ cluster: `cluster-${i}`, step: 'networkpolicies', status: 'ok', detail: `${i} objects in the input` }));
  return { ...demo, appendix: { ...demo.appendix, collectionLog } };
}

/** The demo's clusters repeated `copies` times under new names: a fleet whose contents outgrow the cover. */
export function largerFleetModel(demo: ReportModel, copies: number): ReportModel {
  const clusters = Array.from({ length: copies }, (_, i) => demo.clusters.map((c) => ({ ...c, name: `${c.name}-${i}`, anchor: `${c.anchor}-${i}` }))).flat();
  return { ...demo, clusters };
}
