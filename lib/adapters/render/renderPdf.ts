/**
 * The PDF posture report (pdfkit): cover, one-page executive summary with vector charts, contents,
 * one section per cluster, appendix; "page N of M" on every page. It formats the report model and
 * decides nothing; it reads no file and no clock (the fonts are passed in, the dates come from the
 * model), so the same model and fonts give the same bytes.
 */
import PDFDocument from 'pdfkit';
import { inertStrings } from '../../core/format/inert.js';
import type { ReportModel } from '../../core/report/reportModel.js';
import { appendixPages } from './pdfAppendix.js';
import { clusterPages } from './pdfCluster.js';
import { dateTimeText } from './formatText.js';
import { registerFonts, type PdfFonts } from './pdfFonts.js';
import { clampedText, contentWidth, leftEdge } from './pdfLayout.js';
import { applyStyle, PAGE, TEXT } from './pdfStyle.js';
import { coverPage, summaryPage } from './pdfSummary.js';
import { TableOfContents, tocEntries } from './pdfToc.js';

type Doc = PDFKit.PDFDocument;

export type { PdfFonts } from './pdfFonts.js';
export { loadPdfFonts } from './pdfFonts.js';

/** Model fields that hold multi-line text: inert, but with their line breaks. */
const BLOCK_FIELDS: ReadonlySet<string> = new Set(['yaml']);

export async function renderPdf(input: ReportModel, fonts: PdfFonts): Promise<Buffer> {
  // A bidi control or zero-width character in a cluster string would make it read as something else. The
  // PDF lists each cluster's key issues, not every finding, so the full finding groups are left out first.
  const model = inertStrings({ ...input, clusters: input.clusters.map((c) => ({ ...c, findingGroups: [] })) }, BLOCK_FIELDS);
  // Buffered pages: the contents and "of M" are written once every page exists.
  const doc = new PDFDocument({
    size: PAGE.size, margins: PAGE.margins, bufferPages: true, info: documentInfo(model), displayTitle: true, lang: 'en',
  });
  const bytes = collect(doc);
  registerFonts(doc, fonts);
  applyStyle(doc, TEXT.body);
  const toc = new TableOfContents(tocEntries(model));
  coverPage(doc, model);
  toc.reserve(doc);
  doc.addPage();
  summaryPage(doc, model, toc);
  for (const cluster of model.clusters) clusterPages(doc, cluster, toc);
  appendixPages(doc, model.appendix, toc);
  toc.draw(doc);
  footers(doc, model);
  doc.end();
  return bytes;
}

function documentInfo(model: ReportModel): PDFKit.DocumentInfo {
  const generated = new Date(model.generatedAt);
  // pdfkit stamps the current time unless given a date: the model's keeps the output reproducible.
  const dates = Number.isNaN(generated.getTime()) ? {} : { CreationDate: generated, ModDate: generated };
  return { Title: model.title, Author: 'kubeseg', Creator: `kubeseg ${model.toolVersion}`, Subject: 'Kubernetes network-segmentation posture', ...dates };
}

function collect(doc: Doc): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

function footers(doc: Doc, model: ReportModel): void {
  const { start, count } = doc.bufferedPageRange();
  const left = `${model.title} · ${dateTimeText(model.generatedAt)}`;
  for (let i = start; i < start + count; i++) {
    doc.switchToPage(i);
    const y = doc.page.height - PAGE.footerFromBottom;
    const width = contentWidth(doc);
    clampedText(doc, left, TEXT.small, leftEdge(doc), y, width * 0.7);
    clampedText(doc, `page ${i + 1} of ${count}`, TEXT.small, leftEdge(doc) + width * 0.7, y, width * 0.3, { align: 'right' });
  }
}
