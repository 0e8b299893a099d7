/** The cover and the one-page executive summary: the management view of the fleet. */
import { proseText } from '../../core/format/prose.js';
import type { Changes, ReportModel, Risk } from '../../core/report/reportModel.js';
import { figureTiles, heatMapChart, scoreGauge, trendChart } from './pdfCharts.js';
import { countText, dateTimeText, deltaText, percentText, plural, scoreText } from './formatText.js';
import { bottomEdge, clampedHeight, clampedText, contentWidth, heading, leftEdge } from './pdfLayout.js';
import { BAND_COLOUR, COLOUR, TEXT, type TextStyle } from './pdfStyle.js';
import { DESTINATION, type TableOfContents } from './pdfToc.js';

type Doc = PDFKit.PDFDocument;

export function coverPage(doc: Doc, model: ReportModel): void {
  const x = leftEdge(doc);
  const width = contentWidth(doc);
  clampedText(doc, 'kubeseg', { ...TEXT.h2, color: COLOUR.accent }, x, 150, width);
  clampedText(doc, model.title, TEXT.title, x, 172, width, { maxLines: 3 });
  clampedText(doc, 'Network-segmentation posture against the Microsoft Threat Matrix for Kubernetes', TEXT.body, x, doc.y + 6, width, { maxLines: 2 });
  const top = doc.y + 40;
  doc.roundedRect(x, top, 190, 120, 6).fill(BAND_COLOUR[model.fleet.band]);
  const onBand = { ...TEXT.title, color: '#ffffff' };
  clampedText(doc, scoreText(model.fleet.score), { ...onBand, size: 48 }, x, top + 14, 190, { align: 'center' });
  clampedText(doc, model.fleet.grade ? `fleet score · grade ${model.fleet.grade}` : 'fleet score · no grade', { ...TEXT.h3, color: '#ffffff' },
    x, top + 82, 190, { align: 'center' });
  doc.y = top + 150;
  for (const line of [
    `Generated ${dateTimeText(model.generatedAt)}`,
    `kubeseg version ${model.toolVersion}`,
    `${plural(model.fleet.clusters, 'cluster')}, ${plural(model.fleet.workloads, 'workload')}, coverage ${percentText(model.fleet.coverage)}`,
  ]) {
    clampedText(doc, line, TEXT.body, x, doc.y, width);
    doc.y += 4;
  }
}

/** The rest of the page below the heat map is measured first, so the map gets what is left. */
export function summaryPage(doc: Doc, model: ReportModel, toc: TableOfContents): void {
  toc.section(doc, DESTINATION.summary, TEXT.h1);
  const x = leftEdge(doc);
  const width = contentWidth(doc);
  const { fleet } = model;
  // The score itself is in the gauge below: printed twice, it would read as two numbers.
  figureTiles(doc, x, doc.y, width, [
    { label: model.changes ? `since ${model.changes.since}` : 'vs. last run', value: deltaText(model.changes?.fleetDelta ?? null) },
    { label: 'coverage', value: percentText(fleet.coverage) },
    { label: 'clusters', value: countText(fleet.clusters) },
    { label: 'workloads', value: countText(fleet.workloads) },
    { label: 'failing findings', value: countText(fleet.counts.fail) },
    { label: 'unknown findings', value: countText(fleet.counts.unknown) },
  ]);
  const chartTop = doc.y;
  scoreGauge(doc, { x, y: chartTop, width: 200, height: 130 }, fleet);
  if (fleet.trend.length >= 2) trendChart(doc, { x: x + 230, y: chartTop + 8, width: width - 230, height: 120 }, fleet.trend);
  else clampedText(doc, 'No trend yet: the chart appears once a previous run is given.', TEXT.small, x + 230, chartTop + 50, width - 230);
  doc.y = chartTop + 140;

  const below = [...riskLines(model.topRisks), ...(model.changes ? changeLines(model.changes) : [])];
  heading(doc, 'Technique × cluster heat map', TEXT.h2, 0, 1);
  const mapTop = doc.y;
  const used = heatMapChart(doc, { x, y: mapTop, width, height: bottomEdge(doc) - mapTop - linesHeight(doc, below) }, model.heatMap);
  doc.y = mapTop + used + 6;
  drawLines(doc, below);
}

/** A line of the summary below the heat map: cut to `maxLines`, so its height is known beforehand. */
interface SummaryLine {
  readonly text: string;
  readonly style: TextStyle;
  readonly maxLines: number;
  readonly indent?: number;
  readonly link?: string;
  readonly gapBefore?: number;
}

function riskLines(risks: readonly Risk[]): SummaryLine[] {
  const title: SummaryLine = { text: 'Top risks', style: TEXT.h2, maxLines: 1, gapBefore: 4 };
  if (risks.length === 0) return [title, { text: 'No failing finding in the fleet.', style: TEXT.body, maxLines: 1 }];
  return [title, ...risks.flatMap((r, i): SummaryLine[] => [
    { text: `${i + 1}. ${r.severity.toUpperCase()} · ${r.cluster} · ${r.techniqueName} (${r.techniqueId})`, style: TEXT.h3, maxLines: 1, link: r.anchor, gapBefore: 3 },
    { text: `${proseText(r.text)}${r.reach ? ` — from there it reaches ${plural(r.reach, 'other workload')}` : ''}`, style: TEXT.body, maxLines: 2, indent: 12 },
  ])];
}

/** How many clusters the summary lists by name under "since the last run"; their pages show the rest. */
const CHANGED_CLUSTERS_LISTED = 5;

function changeLines(changes: Changes): SummaryLine[] {
  const listed = changes.clusters.slice(0, CHANGED_CLUSTERS_LISTED).map((c): SummaryLine => ({
    text: `${c.cluster}: ${c.seenBefore ? `score ${deltaText(c.delta)}` : 'not in the previous run'}, `
      + `${countText(c.newFindings.length)} new and ${countText(c.resolvedFindings.length)} resolved findings`,
    style: TEXT.body, maxLines: 1, indent: 12,
  }));
  const more = changes.clusters.length - listed.length;
  return [
    { text: `Since the last run (${changes.since})`, style: TEXT.h2, maxLines: 1, gapBefore: 6 },
    { text: `Fleet score ${deltaText(changes.fleetDelta)}; ${countText(changes.newFindings)} new, ${countText(changes.resolvedFindings)} resolved and `
      + `${countText(changes.unchangedFindings)} unchanged findings.`, style: TEXT.body, maxLines: 2 },
    ...listed,
    ...(more > 0 ? [{ text: `… and ${plural(more, 'more cluster')}: see each cluster's page.`, style: TEXT.small, maxLines: 1, indent: 12 }] : []),
    ...(changes.dropped.length > 0
      ? [{ text: `No longer in the fleet: ${changes.dropped.join(', ')}`, style: TEXT.body, maxLines: 2 }] : []),
  ];
}

function linesHeight(doc: Doc, lines: readonly SummaryLine[]): number {
  return lines.reduce((h, l) => h + (l.gapBefore ?? 0) + lineBlockHeight(doc, l), 0);
}

function lineBlockHeight(doc: Doc, line: SummaryLine): number {
  return clampedHeight(doc, line.text, line.style, contentWidth(doc) - (line.indent ?? 0), line.maxLines);
}

function drawLines(doc: Doc, lines: readonly SummaryLine[]): void {
  for (const line of lines) {
    doc.y += line.gapBefore ?? 0;
    const x = leftEdge(doc) + (line.indent ?? 0);
    const y = doc.y;
    const height = lineBlockHeight(doc, line);
    clampedText(doc, line.text, line.style, x, y, contentWidth(doc) - (line.indent ?? 0), { maxLines: line.maxLines });
    if (line.link) doc.goTo(x, y, contentWidth(doc) - (line.indent ?? 0), height, line.link);
    doc.y = y + height;
  }
}
