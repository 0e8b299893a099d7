/**
 * One section per cluster: its heading and figures, an enforcement problem before anything else,
 * the technique table, then the cluster's key issues (one fix each, for all the workloads it
 * covers, as the model chose them) with the remediations of the first few. The HTML report and
 * findings.csv list every finding.
 */
import { proseText } from '../../core/format/prose.js';
import type { ClusterSection, KeyIssue, Prose, TechniqueRow } from '../../core/report/reportModel.js';
import { figureTiles } from './pdfCharts.js';
import { countsText, countText, deltaText, percentText, plural, scoreText } from './formatText.js';
import {
  bottomEdge, clampedHeight, clampedText, codeBlock, codeBlockHeight, contentHeight, contentWidth, ensureSpace, heading, leftEdge, lineHeight,
  paragraph, proseHeight, proseParagraph,
} from './pdfLayout.js';
import { BAND_TINT, COLOUR, SEVERITY_TINT, TEXT } from './pdfStyle.js';
import { drawTable, type CellInput, type TableColumn } from './pdfTables.js';
import type { TableOfContents } from './pdfToc.js';

type Doc = PDFKit.PDFDocument;

/** Remediations (text and manifest) printed per cluster at most: the manifests are most of an issue's lines. */
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
  if (cluster.evidenceGaps.length > 0) evidenceGaps(doc, cluster.evidenceGaps);
  heading(doc, 'Techniques', TEXT.h2);
  drawTable(doc, TECHNIQUE_COLUMNS, cluster.techniques.map(techniqueRow));
  if (cluster.keyIssues.length > 0) keyIssues(doc, cluster);
  if (cluster.acceptedRisks.length > 0) acceptedRisks(doc, cluster.acceptedRisks);
}

/** Accepted risks shown in the PDF at most; the HTML report and findings.csv list them all. */
const ACCEPTED_SHOWN = 20;

function acceptedRisks(doc: Doc, accepted: ClusterSection['acceptedRisks']): void {
  heading(doc, 'Accepted risks', TEXT.h2);
  const more = accepted.length > ACCEPTED_SHOWN ? ` The first ${ACCEPTED_SHOWN} of ${accepted.length} are listed; the HTML report has them all.` : '';
  paragraph(doc, `Failures that an exception of the configuration accepts: scored as passed until the exception expires.${more}`, TEXT.small);
  drawTable(doc, [{ header: 'Finding', width: 0.45 }, { header: 'Reason', width: 0.3 }, { header: 'Owner', width: 0.13 }, { header: 'Expires', width: 0.12 }],
    accepted.slice(0, ACCEPTED_SHOWN).map((a) => [`${a.techniqueId} · ${a.resource}: ${proseText(a.message)}`, a.reason, a.owner, a.expires]));
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

function evidenceGaps(doc: Doc, gaps: ClusterSection['evidenceGaps']): void {
  heading(doc, 'Evidence not in the input or not collected', TEXT.h2);
  paragraph(doc, 'Checks that need missing evidence report unknown: it lowers coverage and never counts as a pass.', TEXT.small);
  drawTable(doc, [{ header: 'Step', width: 0.2 }, { header: 'Status', width: 0.1 }, { header: 'Reason', width: 0.7 }],
    gaps.map((g) => [g.step, g.status, proseText(g.reason)]));
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

const ISSUE_COLUMNS: readonly TableColumn[] = [
  { header: 'Technique · severity', width: 0.15 },
  { header: 'Affected', width: 0.3 },
  { header: 'Finding', width: 0.55 },
];

/** How many affected resources an issue's row names; the count says how many more there are. */
const NAMED_RESOURCES = 3;

/** The key issues in one table, then the remediations of the first few. */
function keyIssues(doc: Doc, cluster: ClusterSection): void {
  heading(doc, 'Key findings', TEXT.h2);
  const { fail, unknown } = cluster.counts;
  paragraph(doc, `The ${plural(cluster.keyIssues.length, 'most severe issue')} among ${countText(fail)} failing and ${countText(unknown)} unknown findings; `
    + 'an issue is one fix for every resource it lists. The HTML report and findings.csv list every finding with its evidence.', TEXT.small);
  drawTable(doc, ISSUE_COLUMNS, cluster.keyIssues.map(issueRow));
  remediations(doc, cluster.keyIssues.filter((i) => i.remediation ?? i.findings[0]!.remediation).slice(0, REMEDIATIONS_SHOWN));
}

function issueRow(i: KeyIssue): CellInput[] {
  const named = i.findings.slice(0, NAMED_RESOURCES).map((f) => f.resource);
  const more = i.findings.length - named.length;
  const message = i.message ? proseText(i.message) : `for example: ${proseText(i.findings[0]!.message)}`;
  return [
    { text: `${i.techniqueId}\n${[i.severity, i.status, ...(i.newFindings > 0 ? [`${i.newFindings} new`] : [])].join(' · ')}`, fill: SEVERITY_TINT[i.severity] },
    `${plural(i.findings.length, 'resource')}: ${named.join(', ')}${more > 0 ? `, and ${countText(more)} more` : ''}`,
    message,
  ];
}

interface RemediationBlock {
  readonly title: string;
  readonly text: Prose;
  readonly yaml: string | null;
}

/**
 * The remediations of the first issues, each kept whole on one page (one that does not fit is left
 * to the HTML report). They go on the page the tables end on; a new page is started for them only
 * when nothing fits there and what fits on a new page fills a good part of it, so a section never
 * ends with a page that holds one stray block.
 */
function remediations(doc: Doc, issues: readonly KeyIssue[]): void {
  const blocks = issues.map(remediationBlock);
  const heights = blocks.map((b) => blockHeight(doc, b));
  let chosen = fitting(heights, bottomEdge(doc) - doc.y);
  if (chosen.length === 0) {
    chosen = fitting(heights, contentHeight(doc));
    if (chosen.reduce((sum, i) => sum + heights[i]!, 0) < contentHeight(doc) / 3) return;
    doc.addPage();
  }
  for (const i of chosen) drawBlock(doc, blocks[i]!);
}

/** The indexes of the heights that fit one after another into `space`, in order, skipping those that do not. */
function fitting(heights: readonly number[], space: number): number[] {
  let left = space;
  return heights.flatMap((h, i) => {
    if (h > left) return [];
    left -= h;
    return [i];
  });
}

/** The issue's shared fix, or else its first resource's own, saying so. */
function remediationBlock(i: KeyIssue): RemediationBlock {
  const first = i.findings[0]!;
  const several = i.findings.length > 1;
  const shared = i.remediation && !i.findings.some((f) => f.remediation);
  const title = `${i.techniqueId} · remediation for ${several && shared ? plural(i.findings.length, 'resource') : first.resource}`;
  const yaml = i.remediation?.yaml ?? first.yaml ?? null;
  const own = several && (!shared || (!i.remediation?.yaml && first.yaml))
    ? ` This is the fix for ${first.resource}; each of the ${countText(i.findings.length)} resources has its own (see the HTML report).` : '';
  return { title, text: [...(shared ? i.remediation!.text : first.remediation ?? i.remediation!.text), { text: own, code: false }], yaml };
}

const BLOCK_TITLE = { ...TEXT.h3, size: 8.5 };
const BLOCK_GAP = 6;

function blockHeight(doc: Doc, b: RemediationBlock): number {
  return clampedHeight(doc, b.title, BLOCK_TITLE, contentWidth(doc), 2) + BLOCK_TITLE.size * 0.4
    + proseHeight(doc, b.text, TEXT.body) + 3 + (b.yaml === null ? 0 : codeBlockHeight(doc, b.yaml)) + BLOCK_GAP;
}

function drawBlock(doc: Doc, b: RemediationBlock): void {
  heading(doc, b.title, BLOCK_TITLE, 0, 2);
  proseParagraph(doc, b.text, TEXT.body, 3);
  if (b.yaml !== null) codeBlock(doc, b.yaml);
  doc.y += BLOCK_GAP;
}
