/**
 * One section per cluster: its heading and figures, an enforcement problem before anything else,
 * the technique table, then the cluster's key findings (its most severe failures, one per technique
 * first, as the model chose them) with the remediations of the first few. The HTML report and
 * findings.csv list every finding.
 */
import type { ClusterSection, KeyFinding, TechniqueRow } from '../../core/report/reportModel.js';
import { figureTiles } from './pdfCharts.js';
import { countsText, countText, deltaText, percentText, plural, scoreText } from './formatText.js';
import { clampedHeight, clampedText, codeBlock, contentWidth, ensureSpace, heading, leftEdge, lineHeight, paragraph } from './pdfLayout.js';
import { BAND_TINT, COLOUR, SEVERITY_TINT, TEXT } from './pdfStyle.js';
import { drawTable, type CellInput, type TableColumn } from './pdfTables.js';
import type { TableOfContents } from './pdfToc.js';

type Doc = PDFKit.PDFDocument;

/** Remediations (text and manifest) printed per cluster: the manifests are most of a finding's lines. */
export const REMEDIATIONS_SHOWN = 3;

export function clusterPages(doc: Doc, cluster: ClusterSection, toc: TableOfContents): void {
  doc.addPage();
  toc.section(doc, cluster.anchor, TEXT.h1, cluster.name);
  clampedText(doc, identityLine(cluster), TEXT.small, leftEdge(doc), doc.y, contentWidth(doc), { maxLines: 2 });
  doc.y += 6;
  if (cluster.enforcement && cluster.enforcement.status !== 'enforced') enforcementProblem(doc, cluster.enforcement);
  figureTiles(doc, leftEdge(doc), doc.y, contentWidth(doc), [
    { label: 'score', value: scoreText(cluster.score, cluster.grade), band: cluster.band },
    { label: 'coverage', value: percentText(cluster.coverage) },
    { label: 'blast radius', value: percentText(cluster.blastRadius) },
    { label: 'workloads', value: countText(cluster.workloads) },
    { label: 'what-if score', value: cluster.whatIf ? scoreText(cluster.whatIf.score, cluster.whatIf.grade) : '–' },
    { label: 'vs. last run', value: deltaText(cluster.delta) },
  ]);
  paragraph(doc, `${countsText(cluster.counts)}.`, TEXT.body, 0, 6);
  if (cluster.unknownEvidence.length > 0) unknownEvidence(doc, cluster.unknownEvidence);
  heading(doc, 'Techniques', TEXT.h2);
  drawTable(doc, TECHNIQUE_COLUMNS, cluster.techniques.map(techniqueRow));
  if (cluster.keyFindings.length > 0) keyFindings(doc, cluster);
}

function identityLine(c: ClusterSection): string {
  return [c.account && `account ${c.account}`, c.region && `region ${c.region}`, `source ${c.source}`, c.status].filter(Boolean).join(' · ');
}

const ALERT_PAD = 8;
const ALERT_REASON_LINES = 8;

/** A red box: policies nothing enforces block nothing, so this outweighs every score below it. */
function enforcementProblem(doc: Doc, enforcement: NonNullable<ClusterSection['enforcement']>): void {
  const title = enforcement.status === 'not-enforced'
    ? 'NetworkPolicies are not enforced in this cluster: they block nothing'
    : 'Whether NetworkPolicies are enforced is unknown: they may block nothing';
  const x = leftEdge(doc);
  const width = contentWidth(doc);
  const reasonHeight = clampedHeight(doc, enforcement.reason, TEXT.body, width - 2 * ALERT_PAD, ALERT_REASON_LINES);
  const height = lineHeight(doc, TEXT.h3) + reasonHeight + 2 * ALERT_PAD + 4;
  ensureSpace(doc, height);
  const top = doc.y;
  doc.rect(x, top, width, height).fill(COLOUR.alertFill);
  doc.rect(x, top, 3, height).fill(COLOUR.alertRule);
  clampedText(doc, title, { ...TEXT.h3, color: COLOUR.alertRule }, x + ALERT_PAD, top + ALERT_PAD, width - 2 * ALERT_PAD);
  clampedText(doc, enforcement.reason, TEXT.body, x + ALERT_PAD, doc.y + 4, width - 2 * ALERT_PAD, { maxLines: ALERT_REASON_LINES });
  doc.y = top + height + 8;
}

function unknownEvidence(doc: Doc, steps: ClusterSection['unknownEvidence']): void {
  heading(doc, 'Evidence that could not be collected', TEXT.h2);
  paragraph(doc, 'Checks that need this evidence report unknown: it lowers coverage and never counts as a pass.', TEXT.small);
  drawTable(doc, [{ header: 'Step', width: 0.22 }, { header: 'Status', width: 0.13 }, { header: 'Detail', width: 0.65 }],
    steps.map((s) => [s.step, s.status, s.detail]));
}

const TECHNIQUE_COLUMNS: readonly TableColumn[] = [
  { header: 'Technique', width: 0.36 },
  { header: 'Status', width: 0.09 },
  { header: 'Score', width: 0.08, align: 'center' },
  { header: 'Exposed / assessed', width: 0.14, align: 'right' },
  { header: 'Unknown', width: 0.11, align: 'right' },
  { header: 'Coverage', width: 0.11, align: 'right' },
  { header: 'Change', width: 0.11, align: 'right' },
];

function techniqueRow(t: TechniqueRow): CellInput[] {
  return [
    `${t.id} · ${t.name}`,
    t.status,
    { text: scoreText(t.score), fill: BAND_TINT[t.band], style: TEXT.cellBold },
    `${countText(t.exposed)} / ${countText(t.assessed)}`,
    countText(t.unknown),
    percentText(t.coverage),
    deltaText(t.delta),
  ];
}

const FINDING_COLUMNS: readonly TableColumn[] = [
  { header: 'Technique · severity', width: 0.15 },
  { header: 'Resource', width: 0.19 },
  { header: 'Finding', width: 0.36 },
  { header: 'First evidence', width: 0.3 },
];

/** The key findings in one table, then the remediations of the first few. */
function keyFindings(doc: Doc, cluster: ClusterSection): void {
  heading(doc, 'Key findings', TEXT.h2);
  const { fail, unknown } = cluster.counts;
  paragraph(doc, `The ${plural(cluster.keyFindings.length, 'most severe failing finding')}, one per technique first, of ${countText(fail)} failing `
    + `and ${countText(unknown)} unknown; the HTML report and findings.csv list every finding with its evidence and remediation.`, TEXT.small);
  drawTable(doc, FINDING_COLUMNS, cluster.keyFindings.map(findingRow));
  for (const finding of cluster.keyFindings.slice(0, REMEDIATIONS_SHOWN)) remediation(doc, finding);
}

function findingRow(f: KeyFinding): CellInput[] {
  return [
    { text: `${f.techniqueId}\n${[f.severity, f.status, ...(f.isNew ? ['new'] : [])].join(' · ')}`, fill: SEVERITY_TINT[f.severity] },
    f.resource,
    f.message,
    { text: f.evidence[0] ?? '–', style: TEXT.cellMuted },
  ];
}

function remediation(doc: Doc, f: KeyFinding): void {
  if (!f.remediation) return;
  heading(doc, `${f.techniqueId} · remediation for ${f.resource}`, { ...TEXT.h3, size: 8.5 }, 40, 2);
  paragraph(doc, f.remediation.text, TEXT.body, 0, 3);
  if (f.remediation.yaml) codeBlock(doc, f.remediation.yaml);
  doc.y += 6;
}
