/** Shared by `scan` and `demo`: load snapshots, assess every cluster, print, choose the exit code. */
import { PreviousReportError, readPreviousReport } from '../adapters/reports/readPreviousReport.js';
import { DiagnosticList } from '../core/diagnostics.js';
import { inertLine } from '../core/format/inert.js';
import { assessCluster, type ClusterAssessment } from '../core/report/assessCluster.js';
import { formatFindingsCsv } from '../core/report/findingsCsv.js';
import { buildJsonReport, type JsonReport } from '../core/report/jsonReport.js';
import { formatTextSummary } from '../core/report/textSummary.js';
import { buildReportModel } from '../core/report/buildReportModel.js';
import type { ReportModel } from '../core/report/reportModel.js';
import { outputRootProblem, writeReportFiles } from '../adapters/files/writeReportFiles.js';
import { renderHtml } from '../adapters/render/renderHtml.js';
import { loadPdfFonts, renderPdf } from '../adapters/render/renderPdf.js';
import { compareReports, type Trends } from '../core/report/trends.js';
import { bundleYaml, isEmptyBundle, remediationFileNames } from '../core/techniques/bundle.js';
import { TECHNIQUES } from '../core/techniques/catalog.js';
import { EXIT } from './exitCodes.js';
import { reportDiagnostics, type Io } from './io.js';
import type { SnapshotSource } from './snapshotSource.js';
import { VERSION } from './version.js';

import type { REPORT_FILES, ScanFormat } from './scanFormats.js';

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
  const assessments = await load(diagnostics, (snapshot) => assessCluster(snapshot, TECHNIQUES));
  reportDiagnostics(diagnostics, io);
  if (diagnostics.hasFatal) {
    io.exitCode(EXIT.inputError);
    return;
  }
  const report = buildJsonReport(assessments, { generatedAt: options.now.toISOString(), version: VERSION });
  const trends = previous && compareReports(report, previous);
  const outputs = new ReportOutputs(report, trends, assessments);
  // An analysis the input refused (exit 2) leaves no report behind.
  const refused = assessments.filter((a) => a.collection.some((s) => s.step === 'analysis'));
  for (const a of refused) io.stderr(`${inertLine(a.collection.find((s) => s.step === 'analysis')!.detail ?? '')}\n`);
  if (options.format !== 'pdf') io.stdout(outputs.render(options.format, options.color));
  if (options.out !== undefined && refused.length === 0) {
    const written = await writeReportFiles(options.out, options.now, await outputs.files());
    // Paths go with the human-readable output; a machine-readable stdout stays clean.
    const print = options.format === 'text' || options.format === 'pdf' ? io.stdout : io.stderr;
    print(`${options.format === 'text' ? '\n' : ''}Reports written:\n${written.map((p) => `  ${p}\n`).join('')}`);
  }
  io.exitCode(exitCode(report, refused.length > 0, options.failBelow));
}

/** Every output of one run, rendered from the same report (and model) on demand. */
class ReportOutputs {
  private cachedModel: ReportModel | undefined;

  constructor(
    private readonly report: JsonReport, private readonly trends: Trends | undefined, private readonly assessments: readonly ClusterAssessment[],
  ) {}

  render(format: Exclude<ScanFormat, 'pdf'>, color: boolean): string {
    switch (format) {
      case 'json':
        return `${JSON.stringify(this.report, null, 2)}\n`;
      case 'csv':
        return formatFindingsCsv(this.report);
      case 'text':
        return formatTextSummary(this.report, { color, ...(this.trends && { trends: this.trends }) });
      case 'html':
        return renderHtml(this.model());
    }
  }

  /** The four report files, then one remediation bundle per cluster that has something to fix. */
  async files(): Promise<Map<string, string | Uint8Array>> {
    // A cluster with nothing to fix gets no bundle; the others keep the names they would have anyway.
    const names = remediationFileNames(this.assessments.map((a) => a.cluster))
      .map((name, i) => (isEmptyBundle(this.assessments[i]!.bundle) ? undefined : name));
    const bundles = names.flatMap((name, i): [string, string][] => {
      const { bundle, cluster } = this.assessments[i]!;
      return name ? [[name, bundleYaml(bundle, cluster, name)]] : [];
    });
    // The reports written beside the bundles link to them.
    const model = buildReportModel({ ...this.modelInput(), remediationFiles: names });
    return new Map<(typeof REPORT_FILES)[number] | string, string | Uint8Array>([
      ['report.html', renderHtml(model)],
      ['report.pdf', await renderPdf(model, await loadPdfFonts())],
      ['report.json', this.render('json', false)],
      ['findings.csv', formatFindingsCsv(this.report)],
      ...bundles,
    ]);
  }

  private model(): ReportModel {
    return (this.cachedModel ??= buildReportModel(this.modelInput()));
  }

  private modelInput(): Parameters<typeof buildReportModel>[0] {
    return { report: this.report, catalog: TECHNIQUES.map((t) => t.meta), ...(this.trends && { trends: this.trends }) };
  }
}

/** 2 input error; 1 below --fail-below (no score counts as below); 3 partial; else 0. */
function exitCode(report: JsonReport, inputError: boolean, failBelow: number | undefined): number {
  if (inputError) return EXIT.inputError;
  if (failBelow !== undefined && (report.fleet.score === null || report.fleet.score < failBelow)) return EXIT.belowThreshold;
  if (report.clusters.some((c) => c.status !== 'assessed')) return EXIT.partial;
  return EXIT.ok;
}
