/**
 * One section per cluster: its heading and figures, an enforcement problem before anything else,
 * the technique table, then the failing and unknown findings of each technique, shortened to a
 * fixed number per technique (the HTML report and findings.csv list every finding).
 */
import type { ClusterSection, FindingGroup, FindingView, TechniqueRow } from '../../core/report/reportModel.js';
import { figureTiles } from './pdfCharts.js';
import { countsText, countText, deltaText, percentText, plural, scoreText } from './pdfFormat.js';
import { clampedHeight, clampedText, codeBlock, contentWidth, ensureSpace, heading, leftEdge, lineHeight, paragraph } from './pdfLayout.js';
import { BAND_TINT, COLOUR, SEVERITY_TINT, TEXT } from './pdfStyle.js';
import { drawTable, type CellInput, type TableColumn } from './pdfTables.js';
import type { TableOfContents } from './pdfToc.js';

type Doc = PDFKit.PDFDocument;

/** Findings listed per technique and cluster: enough to act on, and the PDF stays short at 20,000 findings. */
export const FINDINGS_LISTED = 3;
/** Remediations (text and manifest) printed per technique and cluster: the manifests are most of a finding's lines. */
export const REMEDIATIONS_SHOWN = 1;

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
  if (cluster.findingGroups.length > 0) findings(doc, cluster.findingGroups);
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

/** One table for the cluster, by technique: the first findings of each, then a line counting the rest. */
function findings(doc: Doc, groups: readonly FindingGroup[]): void {
  heading(doc, 'Failing and unknown findings by technique', TEXT.h2);
  paragraph(doc, `The first ${FINDINGS_LISTED} failing or unknown findings of each technique are listed, with the remediation of the first; `
    + 'the HTML report and findings.csv list every finding with its evidence and remediation.', TEXT.small);
  drawTable(doc, FINDING_COLUMNS, groups.flatMap(groupRows));
  for (const group of groups) {
    for (const finding of group.findings.slice(0, REMEDIATIONS_SHOWN)) remediation(doc, group, finding);
  }
}

function groupRows(group: FindingGroup): CellInput[][] {
  const rows = group.findings.slice(0, FINDINGS_LISTED).map((f) => findingRow(group, f));
  const unlisted = group.findings.length - FINDINGS_LISTED;
  if (unlisted <= 0) return rows;
  const more = `${plural(unlisted, 'more finding')} of ${group.techniqueName}: see the HTML report or findings.csv.`;
  return [...rows, [{ text: group.techniqueId, style: TEXT.cellMuted }, '', { text: more, style: TEXT.cellMuted }, '']];
}

function findingRow(group: FindingGroup, f: FindingView): CellInput[] {
  return [
    { text: `${group.techniqueId}\n${[f.severity, f.status, ...(f.isNew ? ['new'] : [])].join(' · ')}`, fill: SEVERITY_TINT[f.severity] },
    f.resource,
    f.message,
    { text: f.evidence[0] ?? '–', style: TEXT.cellMuted },
  ];
}

function remediation(doc: Doc, group: FindingGroup, f: FindingView): void {
  if (!f.remediation) return;
  heading(doc, `${group.techniqueId} · remediation for ${f.resource}`, { ...TEXT.h3, size: 8.5 }, 40, 2);
  paragraph(doc, f.remediation.text, TEXT.body, 0, 3);
  if (f.remediation.yaml) codeBlock(doc, f.remediation.yaml);
  doc.y += 6;
}
