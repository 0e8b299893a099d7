/**
 * Every output of one run, rendered from the same report (and model) on demand: what `scan`,
 * `demo`, `report` and the report function print, write or store.
 */
import type { ClusterAssessment } from '../core/report/assessCluster.js';
import { buildReportModel } from '../core/report/buildReportModel.js';
import { findingsCsvChunks, formatFindingsCsv } from '../core/report/findingsCsv.js';
import { reportJsonChunks } from '../core/report/reportJsonChunks.js';
import type { JsonReport } from '../core/report/jsonReport.js';
import type { ReportModel } from '../core/report/reportModel.js';
import { formatTextSummary } from '../core/report/textSummary.js';
import type { Trends } from '../core/report/trends.js';
import { bundleYaml, isEmptyBundle, remediationFileNames } from '../core/techniques/bundle.js';
import { TECHNIQUES } from '../core/techniques/catalog.js';
import type { ObjectBody } from '../adapters/storage/objectStore.js';
import { htmlParts, renderHtml } from '../adapters/render/renderHtml.js';
import { loadPdfFonts, renderPdf } from '../adapters/render/renderPdf.js';

/** The four report files every report folder holds, beside one remediation bundle per cluster with something to fix. */
export const REPORT_FILES = ['report.html', 'report.pdf', 'report.json', 'findings.csv'] as const;
export type ReportFormat = 'text' | 'json' | 'csv' | 'html';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  'report.html': 'text/html; charset=utf-8',
  'report.pdf': 'application/pdf',
  'report.json': 'application/json',
  'findings.csv': 'text/csv; charset=utf-8',
};
export const contentTypeOf = (file: string): string => CONTENT_TYPES[file] ?? 'application/yaml';

/** What a cluster's remediation bundle file is written from. */
export type ClusterRemediation = Pick<ClusterAssessment, 'cluster' | 'bundle'>;

export class ReportOutputs {
  private cachedModel: ReportModel | undefined;

  constructor(
    readonly report: JsonReport, private readonly trends: Trends | undefined, private readonly remediations: readonly ClusterRemediation[],
  ) {}

  render(format: ReportFormat, color: boolean): string {
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

  /** The report model of the printed outputs (and the email): without links to remediation files. */
  model(): ReportModel {
    return (this.cachedModel ??= buildReportModel(this.modelInput()));
  }

  /**
   * The four report files, then one remediation bundle per cluster that has something to fix, each
   * rendered when the caller asks for the next: a caller that stores each before asking holds one
   * file at a time, which keeps a large fleet's peak memory down.
   */
  async *files(): AsyncGenerator<readonly [string, ObjectBody]> {
    // A cluster with nothing to fix gets no bundle; the others keep the names they would have anyway.
    const names = remediationFileNames(this.remediations.map((r) => r.cluster))
      .map((name, i) => (isEmptyBundle(this.remediations[i]!.bundle) ? undefined : name));
    // The reports written beside the bundles link to them.
    const model = buildReportModel({ ...this.modelInput(), remediationFiles: names });
    // The large files as UTF-8 parts, built piece by piece, never one string.
    yield ['report.html', utf8(htmlParts(model))];
    yield ['report.pdf', await renderPdf(model, await loadPdfFonts())];
    yield ['report.json', utf8(reportJsonChunks(this.report))];
    yield ['findings.csv', utf8(findingsCsvChunks(this.report))];
    for (const [i, name] of names.entries()) {
      const { bundle, cluster } = this.remediations[i]!;
      if (name) yield [name, bundleYaml(bundle, cluster, name)];
    }
  }

  private modelInput(): Parameters<typeof buildReportModel>[0] {
    return { report: this.report, catalog: TECHNIQUES.map((t) => t.meta), ...(this.trends && { trends: this.trends }) };
  }
}

/** Pieces of text as UTF-8 parts, never joined into one string or one buffer. */
export const utf8 = (chunks: Iterable<string>): Uint8Array[] => Array.from(chunks, (chunk) => Buffer.from(chunk, 'utf8'));
