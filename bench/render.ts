/**
 * The render benchmark: a synthetic fleet of 200 clusters and 20,000 findings rendered to the
 * report model, HTML and PDF, in fresh child processes (renderOne.ts). Targets (one core): HTML
 * ≤ 1.5 s, PDF ≤ 6 s, peak RSS ≤ 1 GiB. The same report's JSON.stringify is timed as a floor to
 * compare with.
 */
import { runChild, type ChildOutcome } from './child.js';
import type { RenderResult } from './renderOne.js';
import { formatTable, mib, ms } from './table.js';

const FLEET = { clusters: 200, findingsPerCluster: 100 } as const;
const TARGETS = { htmlMs: 1_500, pdfMs: 6_000, peakRssMiB: 1_024 } as const;
const TIMEOUT_MS = 120_000;
const RENDER_ONE = new URL('./renderOne.ts', import.meta.url);

export interface RenderBenchmark {
  readonly table: string;
  readonly targets: [string, string, 'MET' | 'MISSED'][];
  readonly crashed: boolean;
}

export async function runRenderBenchmark(pin: readonly string[], seed: number, repeat: number, log: (m: string) => void): Promise<RenderBenchmark> {
  log(`render: ${FLEET.clusters} clusters × ${FLEET.findingsPerCluster} findings ...`);
  const outcomes: ChildOutcome<RenderResult>[] = [];
  for (let i = 0; i < repeat; i++) {
    const outcome = await runChild<RenderResult>(pin, RENDER_ONE, [String(FLEET.clusters), String(FLEET.findingsPerCluster), String(seed)], TIMEOUT_MS);
    log(outcome.kind === 'ok' ? `  HTML ${ms(outcome.result.htmlMs)}, PDF ${ms(outcome.result.pdfMs)}, peak RSS ${mib(outcome.result.peakRssMiB)}` : `  ${outcome.kind}`);
    outcomes.push(outcome);
    if (outcome.kind !== 'ok') break;
  }
  const failed = outcomes.find((o) => o.kind !== 'ok');
  if (failed) {
    const what = failed.kind === 'timeout' ? `TIMEOUT after ${ms(failed.afterMs)}` : failed.kind === 'crash' ? `CRASH: ${failed.detail}` : '';
    return { table: what, targets: [['render', what, 'MISSED']], crashed: failed.kind === 'crash' };
  }
  const results = outcomes.flatMap((o) => (o.kind === 'ok' ? [o.result] : []));
  const r = median(results);
  const table = formatTable(
    ['clusters', 'findings', 'JSON', 'model', 'HTML', 'HTML/JSON', 'PDF', 'PDF pages', 'HTML size', 'PDF size', 'peak RSS'],
    [[String(r.clusters), String(r.findings), ms(r.jsonMs), ms(r.modelMs), ms(r.htmlMs), `${(r.htmlMs / r.jsonMs).toFixed(1)}×`, ms(r.pdfMs),
      String(r.pdfPages), mib(r.htmlMiB), mib(r.pdfMiB), mib(r.peakRssMiB)]],
  );
  const fleet = `${r.clusters} clusters / ${r.findings} findings`;
  return {
    table,
    targets: [
      [`${fleet}: HTML ≤ ${ms(TARGETS.htmlMs)}`, ms(r.htmlMs), r.htmlMs <= TARGETS.htmlMs ? 'MET' : 'MISSED'],
      [`${fleet}: PDF ≤ ${ms(TARGETS.pdfMs)}`, ms(r.pdfMs), r.pdfMs <= TARGETS.pdfMs ? 'MET' : 'MISSED'],
      [`${fleet}: render peak RSS ≤ ${TARGETS.peakRssMiB} MiB`, mib(r.peakRssMiB), r.peakRssMiB <= TARGETS.peakRssMiB ? 'MET' : 'MISSED'],
    ],
    crashed: false,
  };
}

/** The run of median HTML + PDF time. */
function median(results: readonly RenderResult[]): RenderResult {
  const sorted = [...results].sort((a, b) => a.htmlMs + a.pdfMs - (b.htmlMs + b.pdfMs));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
