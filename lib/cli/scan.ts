/** Shared by `scan` and `demo`: load snapshots, assess every cluster, print, choose the exit code. */
import { loadSnapshots } from '../adapters/manifests/loadSnapshots.js';
import { PreviousReportError, readPreviousReport } from '../adapters/reports/readPreviousReport.js';
import { DiagnosticList } from '../core/diagnostics.js';
import type { ClusterIdentity } from '../core/evidence/snapshot.js';
import { assessCluster } from '../core/report/assessCluster.js';
import { formatFindingsCsv } from '../core/report/findingsCsv.js';
import { buildJsonReport, type JsonReport } from '../core/report/jsonReport.js';
import { formatTextSummary } from '../core/report/textSummary.js';
import { compareReports, type Trends } from '../core/report/trends.js';
import { TECHNIQUES } from '../core/techniques/catalog.js';
import { EXIT } from './exitCodes.js';
import { reportDiagnostics, type Io } from './io.js';
import { VERSION } from './version.js';

import type { ScanFormat } from './scanFormats.js';

export interface ScanOptions {
  readonly format: ScanFormat;
  readonly failBelow?: number;
  /** Colour the text summary (only on a terminal). */
  readonly color: boolean;
  readonly now: Date;
  /** The previous run's JSON report, for trends in the text summary. */
  readonly previous?: string;
}

export async function runScan(paths: readonly string[], source: ClusterIdentity['source'], options: ScanOptions, io: Io): Promise<void> {
  let previous: JsonReport | undefined;
  try {
    previous = options.previous === undefined ? undefined : await readPreviousReport(options.previous);
  } catch (err) {
    if (!(err instanceof PreviousReportError)) throw err;
    io.stderr(`error: ${err.message}\n`);
    io.exitCode(EXIT.inputError);
    return;
  }
  const diagnostics = new DiagnosticList();
  const snapshots = await loadSnapshots(paths, source, diagnostics);
  reportDiagnostics(diagnostics, io);
  if (diagnostics.hasFatal) {
    io.exitCode(EXIT.inputError);
    return;
  }
  const assessments = snapshots.map((s) => assessCluster(s, TECHNIQUES));
  const report = buildJsonReport(assessments, { generatedAt: options.now.toISOString(), version: VERSION });
  io.stdout(render(report, options, previous && compareReports(report, previous)));
  for (const a of assessments) {
    const failed = a.collection.find((s) => s.step === 'analysis');
    if (failed) io.stderr(`error: ${a.snapshot.cluster.name}: ${failed.detail}\n`);
  }
  io.exitCode(exitCode(report, assessments.some((a) => a.collection.some((s) => s.step === 'analysis')), options.failBelow));
}

function render(report: JsonReport, options: ScanOptions, trends: Trends | undefined): string {
  switch (options.format) {
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'csv':
      return formatFindingsCsv(report);
    case 'text':
      return formatTextSummary(report, { color: options.color, ...(trends && { trends }) });
  }
}

/** 2 input error; 1 below --fail-below (no score counts as below); 3 partial; else 0. */
function exitCode(report: JsonReport, inputError: boolean, failBelow: number | undefined): number {
  if (inputError) return EXIT.inputError;
  if (failBelow !== undefined && (report.fleet.score === null || report.fleet.score < failBelow)) return EXIT.belowThreshold;
  if (report.clusters.some((c) => c.status !== 'assessed')) return EXIT.partial;
  return EXIT.ok;
}
