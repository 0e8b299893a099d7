/** Shared by `scan` and `demo`: load snapshots, assess every cluster, print, choose the exit code. */
import { PreviousReportError, readPreviousReport } from '../adapters/reports/readPreviousReport.js';
import { DiagnosticList } from '../core/diagnostics.js';
import { inertLine } from '../core/format/inert.js';
import { assessCluster } from '../core/report/assessCluster.js';
import { buildJsonReport, type JsonReport } from '../core/report/jsonReport.js';
import { compareReports } from '../core/report/trends.js';
import { ReportOutputs } from '../service/reportOutputs.js';
import type { ScanFormat } from './scanFormats.js';
import { outputRootProblem, writeReportFiles } from '../adapters/files/writeReportFiles.js';
import { TECHNIQUES } from '../core/techniques/catalog.js';
import { EXIT } from './exitCodes.js';
import { reportDiagnostics, type Io } from './io.js';
import type { SnapshotSource } from './snapshotSource.js';
import { VERSION } from '../core/version.js';
import { expiredExceptions } from '../core/report/findingRules.js';
import { readRulesConfig, ruleSettings } from './rules.js';

export interface ScanOptions {
  readonly format: ScanFormat;
  readonly failBelow?: number;
  /** Colour the text summary (only on a terminal). */
  readonly color: boolean;
  readonly now: Date;
  /** The previous run's JSON report, for trends. */
  readonly previous?: string;
  /** Write report.html, report.pdf, report.json and findings.csv into `<out>/<timestamp>/` and print their paths. */
  readonly out?: string;
  /** `kubeseg.yaml`: rule settings and accepted risks. */
  readonly config?: string;
}

export async function runScan(load: SnapshotSource, options: ScanOptions, io: Io): Promise<void> {
  if (options.format === 'pdf' && options.out === undefined) {
    io.stderr('error: --format pdf writes a file: add --out DIR\n');
    io.exitCode(EXIT.inputError);
    return;
  }
  const outProblem = options.out === undefined ? undefined : await outputRootProblem(options.out);
  if (outProblem) {
    io.stderr(`error: ${inertLine(`--out ${options.out}: ${outProblem}`)}\n`);
    io.exitCode(EXIT.inputError);
    return;
  }
  let previous: JsonReport | undefined;
  try {
    previous = options.previous === undefined ? undefined : await readPreviousReport(options.previous);
  } catch (err) {
    if (!(err instanceof PreviousReportError)) throw err;
    io.stderr(`error: ${inertLine(err.message)}\n`);
    io.exitCode(EXIT.inputError);
    return;
  }
  const diagnostics = new DiagnosticList();
  const rules = options.config === undefined ? undefined : await readRulesConfig(options.config, diagnostics);
  if (diagnostics.hasFatal) {
    reportDiagnostics(diagnostics, io);
    io.exitCode(EXIT.inputError);
    return;
  }
  const settings = ruleSettings(rules, options.now, diagnostics);
  const assessments = await load(diagnostics, (snapshot) => assessCluster(snapshot, TECHNIQUES, settings));
  reportDiagnostics(diagnostics, io);
  if (diagnostics.hasFatal) {
    io.exitCode(EXIT.inputError);
    return;
  }
  const report = buildJsonReport(assessments, {
    generatedAt: options.now.toISOString(), version: VERSION, ...(settings && { expiredExceptions: expiredExceptions(settings.rules, settings.today) }),
  });
  const trends = previous && compareReports(report, previous);
  const outputs = new ReportOutputs(report, trends, assessments);
  // An analysis the input refused (exit 2) leaves no report behind.
  const refused = assessments.filter((a) => a.collection.some((s) => s.step === 'analysis'));
  for (const a of refused) io.stderr(`${inertLine(a.collection.find((s) => s.step === 'analysis')!.detail ?? '')}\n`);
  if (options.format !== 'pdf') io.stdout(outputs.render(options.format, options.color));
  if (options.out !== undefined && refused.length === 0) {
    const written = await writeReportFiles(options.out, options.now, outputs.files());
    // Paths go with the human-readable output; a machine-readable stdout stays clean.
    const print = options.format === 'text' || options.format === 'pdf' ? io.stdout : io.stderr;
    print(`${options.format === 'text' ? '\n' : ''}Reports written:\n${written.map((p) => `  ${p}\n`).join('')}`);
  }
  io.exitCode(exitCode(report, refused.length > 0, options.failBelow));
}

/** 2 input error; 1 below --fail-below (no score counts as below); 3 partial; else 0. */
function exitCode(report: JsonReport, inputError: boolean, failBelow: number | undefined): number {
  if (inputError) return EXIT.inputError;
  if (failBelow !== undefined && (report.fleet.score === null || report.fleet.score < failBelow)) return EXIT.belowThreshold;
  if (report.clusters.some((c) => c.status !== 'assessed')) return EXIT.partial;
  return EXIT.ok;
}
