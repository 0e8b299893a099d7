/** The appendix: how kubeseg assesses, the scoring formula, the technique catalog and the collection log. */
import type { Appendix, CatalogEntry } from '../../core/report/reportModel.js';
import { paragraph } from './pdfLayout.js';
import { TEXT } from './pdfStyle.js';
import { drawTable, type CellInput, type TableColumn } from './pdfTables.js';
import { DESTINATION, type TableOfContents } from './pdfToc.js';

type Doc = PDFKit.PDFDocument;

export function appendixPages(doc: Doc, appendix: Appendix, toc: TableOfContents): void {
  doc.addPage();
  toc.section(doc, DESTINATION.appendix, TEXT.h1);
  toc.section(doc, DESTINATION.method, TEXT.h2);
  for (const text of appendix.method) paragraph(doc, text);
  toc.section(doc, DESTINATION.formula, TEXT.h2);
  for (const line of appendix.formula) paragraph(doc, `•  ${line}`, TEXT.body, 0, 3);
  toc.section(doc, DESTINATION.catalog, TEXT.h2);
  drawTable(doc, CATALOG_COLUMNS, appendix.catalog.map(catalogRow));
  toc.section(doc, DESTINATION.collectionLog, TEXT.h2);
  drawTable(doc, COLLECTION_COLUMNS, collectionRows(appendix.collectionLog));
}

const CATALOG_COLUMNS: readonly TableColumn[] = [
  { header: 'ID', width: 0.14 },
  { header: 'Name', width: 0.22 },
  { header: 'Tactics', width: 0.16 },
  { header: 'MITRE ATT&CK', width: 0.12 },
  { header: 'Mitigations', width: 0.18 },
  { header: 'Severity', width: 0.1 },
  { header: 'Weight', width: 0.08, align: 'right' },
];

function catalogRow(t: CatalogEntry): CellInput[] {
  return [t.id, t.name, t.tactics.join(', '), t.mitreAttack.join(', ') || '–', t.mitigations.join(', ') || '–', t.severity, String(t.weight)];
}

const COLLECTION_COLUMNS: readonly TableColumn[] = [
  { header: 'Cluster', width: 0.2 },
  { header: 'Collected', width: 0.35 },
  { header: 'Absent, forbidden or failed', width: 0.45 },
];

/**
 * One row per cluster: the steps that went well by name, the others with their status and detail.
 * A row per step would spend pages on "ok"; the HTML report has the full log.
 */
function collectionRows(log: Appendix['collectionLog']): CellInput[][] {
  const byCluster = new Map<string, Appendix['collectionLog'][number][]>();
  for (const step of log) {
    const steps = byCluster.get(step.cluster);
    if (steps) steps.push(step);
    else byCluster.set(step.cluster, [step]);
  }
  return [...byCluster].map(([cluster, steps]) => {
    const problems = steps.filter((s) => s.status !== 'ok');
    return [
      cluster,
      steps.filter((s) => s.status === 'ok').map((s) => s.step).join(', ') || '–',
      problems.map((s) => `${s.step}: ${s.status}${s.detail ? ` (${s.detail})` : ''}`).join('\n') || '–',
    ];
  });
}
