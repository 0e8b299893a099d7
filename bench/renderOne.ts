/**
 * One render measurement, in a fresh process spawned by render.ts: a synthetic fleet report of
 * `clusters` × `findingsPerCluster` findings → report model → HTML and PDF. Generating the report
 * and loading the fonts are not timed. Prints one `RESULT <json>` line on stdout.
 *
 *   node --import tsx --expose-gc bench/renderOne.ts <clusters> <findingsPerCluster> <seed>
 */
import { loadPdfFonts, renderPdf } from '../lib/adapters/render/renderPdf.js';
import { renderHtml } from '../lib/adapters/render/renderHtml.js';
import { buildReportModel } from '../lib/core/report/buildReportModel.js';
import { TECHNIQUES } from '../lib/core/techniques/catalog.js';
import { RESULT_PREFIX } from './protocol.js';
import { generateReport } from './syntheticReport.js';

export interface RenderResult {
  readonly clusters: number;
  readonly findings: number;
  /** JSON.stringify of the same report: the floor any renderer of all the data stands on. */
  readonly jsonMs: number;
  readonly modelMs: number;
  readonly htmlMs: number;
  readonly pdfMs: number;
  readonly htmlMiB: number;
  readonly pdfMiB: number;
  readonly pdfPages: number;
  readonly peakRssMiB: number;
}

const MIB = 1024 * 1024;

async function main(): Promise<void> {
  const [clusters, perCluster, seed] = process.argv.slice(2).map(Number);
  if (![clusters, perCluster, seed].every((n) => Number.isInteger(n))) throw new Error('usage: renderOne.ts <clusters> <findingsPerCluster> <seed>');
  const catalog = TECHNIQUES.map((t) => t.meta);
  const report = generateReport({ clusters: clusters!, findingsPerCluster: perCluster!, seed: seed! }, catalog);
  const fonts = await loadPdfFonts();
  (globalThis as { gc?: () => void }).gc?.();

  const t0 = performance.now();
  JSON.stringify(report);
  const t1 = performance.now();
  const model = buildReportModel({ report, catalog });
  const t2 = performance.now();
  const html = renderHtml(model);
  const t3 = performance.now();
  const pdf = await renderPdf(model, fonts);
  const t4 = performance.now();
  const result: RenderResult = {
    clusters: report.clusters.length,
    findings: report.clusters.reduce((n, c) => n + c.findings.length, 0),
    jsonMs: t1 - t0, modelMs: t2 - t1, htmlMs: t3 - t2, pdfMs: t4 - t3,
    htmlMiB: Buffer.byteLength(html) / MIB, pdfMiB: pdf.length / MIB,
    pdfPages: (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length,
    peakRssMiB: (process.resourceUsage().maxRSS * 1024) / MIB,
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

await main();
