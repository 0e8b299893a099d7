/** Vector charts of the PDF report, drawn with pdfkit paths (no images), with real text labels. */
import type { Band, FleetSummary, HeatMap, TrendPoint } from '../../core/report/reportModel.js';
import { plural, scoreText } from './formatText.js';
import { clampedText, lineHeight } from './pdfLayout.js';
import { applyStyle, BAND_COLOUR, BAND_TINT, COLOUR, TEXT, type TextStyle } from './pdfStyle.js';

type Doc = PDFKit.PDFDocument;

export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

const GAUGE_STROKE = 16;

/**
 * A half-ring filled to the fleet score in its band colour, the score and grade inside (the only
 * place the summary page prints the score), and a labelled tick at the what-if score.
 */
export function scoreGauge(doc: Doc, box: Box, fleet: FleetSummary): void {
  const radius = Math.min(box.width / 2 - GAUGE_STROKE - 14, box.height - 50);
  const cx = box.x + box.width / 2;
  const cy = box.y + radius + GAUGE_STROKE / 2 + 14;
  doc.lineCap('butt');
  doc.path(arcPath(cx, cy, radius, 100)).lineWidth(GAUGE_STROKE).strokeColor(BAND_TINT.none).stroke();
  if (fleet.score !== null && fleet.score > 0) {
    doc.path(arcPath(cx, cy, radius, fleet.score)).lineWidth(GAUGE_STROKE).strokeColor(BAND_COLOUR[fleet.band]).stroke();
  }
  if (fleet.whatIfScore !== null) whatIfTick(doc, cx, cy, radius, fleet.whatIfScore);
  centredText(doc, scoreText(fleet.score), { ...TEXT.title, color: BAND_COLOUR[fleet.band] }, cx, cy - 34, radius);
  centredText(doc, fleet.grade ? `grade ${fleet.grade}` : 'no grade', TEXT.h3, cx, cy - 4, radius);
  centredText(doc, 'fleet score (0–100)', TEXT.small, box.x + box.width / 2, cy + 12, box.width);
  centredText(doc, `what-if after every remediation: ${scoreText(fleet.whatIfScore)}`, { ...TEXT.small, color: COLOUR.accent },
    box.x + box.width / 2, cy + 24, box.width);
}

/** The SVG path of the upper half-circle from its left end to `score` percent of the way right. */
function arcPath(cx: number, cy: number, radius: number, score: number): string {
  const [x, y] = pointOnArc(cx, cy, radius, score);
  return `M ${cx - radius} ${cy} A ${radius} ${radius} 0 0 1 ${x} ${y}`;
}

function pointOnArc(cx: number, cy: number, radius: number, score: number): [number, number] {
  const angle = Math.PI * (1 - Math.min(100, Math.max(0, score)) / 100);
  return [cx + radius * Math.cos(angle), cy - radius * Math.sin(angle)];
}

/** The tick across the ring at the what-if score, with the score written just outside the ring. */
function whatIfTick(doc: Doc, cx: number, cy: number, radius: number, score: number): void {
  const [x1, y1] = pointOnArc(cx, cy, radius - GAUGE_STROKE / 2 - 3, score);
  const [x2, y2] = pointOnArc(cx, cy, radius + GAUGE_STROKE / 2 + 3, score);
  doc.moveTo(x1, y1).lineTo(x2, y2).lineWidth(2).strokeColor(COLOUR.accent).stroke();
  const [lx, ly] = pointOnArc(cx, cy, radius + GAUGE_STROKE / 2 + 9, score);
  const label = `what-if ${scoreText(score)}`;
  const style = { ...TEXT.small, color: COLOUR.accent };
  applyStyle(doc, style);
  const width = doc.widthOfString(label);
  // Left of the top the label ends at the tick, right of it it starts there, so it never covers the ring.
  const x = score < 45 ? lx - width : score > 55 ? lx : lx - width / 2;
  doc.text(label, x, ly - lineHeight(doc, style) / 2 - (score >= 45 && score <= 55 ? 4 : 0), { lineBreak: false });
}

function centredText(doc: Doc, text: string, style: TextStyle, cx: number, y: number, width: number): void {
  clampedText(doc, text, style, cx - width / 2, y, width, { align: 'center' });
}

const TREND_PAD = { left: 26, right: 8, bottom: 16, top: 26 };
/** Above this many runs only the last point carries its score: labels would touch. */
const LABELLED_RUNS = 12;
const DATE_WIDTH = 90;

/**
 * Fleet scores over the runs on a 0–100 axis; a run without a score breaks the line. The axis labels
 * sit left of the plot and the score labels above their points, inside it, so they never meet; the
 * first and last runs' dates go below (with the time when two runs share a day, see TrendPoint.label).
 */
export function trendChart(doc: Doc, box: Box, points: readonly TrendPoint[]): void {
  const plot = { x: box.x + TREND_PAD.left, y: box.y + TREND_PAD.top, width: box.width - TREND_PAD.left - TREND_PAD.right, height: box.height - TREND_PAD.top - TREND_PAD.bottom };
  const at = (i: number, score: number): [number, number] =>
    [plot.x + (points.length === 1 ? plot.width / 2 : (i / (points.length - 1)) * plot.width), plot.y + plot.height * (1 - score / 100)];
  clampedText(doc, 'Fleet score by run', TEXT.h3, box.x, box.y, box.width);
  for (const level of [0, 50, 100]) {
    const y = plot.y + plot.height * (1 - level / 100);
    doc.moveTo(plot.x, y).lineTo(plot.x + plot.width, y).lineWidth(0.4).strokeColor(COLOUR.rule).stroke();
    applyStyle(doc, TEXT.small).text(String(level), box.x, y - 3.5, { width: TREND_PAD.left - 8, align: 'right', lineBreak: false });
  }
  let drawing = false;
  points.forEach((p, i) => {
    if (p.score === null) { drawing = false; return; }
    const [x, y] = at(i, p.score);
    if (drawing) doc.lineTo(x, y);
    else doc.moveTo(x, y);
    drawing = true;
  });
  doc.lineWidth(1.6).strokeColor(COLOUR.accent).stroke();
  const labelled = (i: number): boolean => points.length <= LABELLED_RUNS || i === points.length - 1;
  points.forEach((p, i) => { if (p.score !== null) trendPoint(doc, at(i, p.score), p.score, labelled(i) ? labelAlign(i, points.length) : null); });
  const first = points[0];
  const last = points[points.length - 1];
  if (first && last) {
    applyStyle(doc, TEXT.small);
    const y = plot.y + plot.height + 5;
    doc.text(first.label, plot.x, y, { lineBreak: false });
    if (points.length > 1) doc.text(last.label, plot.x + plot.width - DATE_WIDTH, y, { width: DATE_WIDTH, align: 'right', lineBreak: false });
  }
}

type LabelAlign = 'left' | 'center' | 'right';

/** The first label starts at its point and the last ends at it, so neither leaves the plot. */
function labelAlign(i: number, count: number): LabelAlign {
  return count > 1 && i === 0 ? 'left' : count > 1 && i === count - 1 ? 'right' : 'center';
}

const SCORE_LABEL_WIDTH = 30;

function trendPoint(doc: Doc, [x, y]: [number, number], score: number, align: LabelAlign | null): void {
  doc.circle(x, y, 2.2).fill(COLOUR.accent);
  if (align === null) return;
  const left = align === 'left' ? x - 2 : align === 'right' ? x - SCORE_LABEL_WIDTH + 2 : x - SCORE_LABEL_WIDTH / 2;
  applyStyle(doc, { ...TEXT.small, color: COLOUR.text }).text(String(score), left, y - 11, { width: SCORE_LABEL_WIDTH, align, lineBreak: false });
}

const HEAT = { labelWidth: 118, headerHeight: 108, rowHeight: 12, legendHeight: 14 };

/**
 * Technique × cluster grid: each cell coloured by its band and showing its score (– without one).
 * Rows that do not fit the box are left out, and a line says how many and where they are.
 * Returns the height used.
 */
export function heatMapChart(doc: Doc, box: Box, heatMap: HeatMap): number {
  const columns = Math.max(1, heatMap.techniques.length);
  const cellWidth = (box.width - HEAT.labelWidth) / columns;
  const noteHeight = lineHeight(doc, TEXT.small) + 4;
  const fit = Math.max(0, Math.floor((box.height - HEAT.headerHeight - HEAT.legendHeight - noteHeight) / HEAT.rowHeight));
  const shown = heatMap.rows.slice(0, fit);
  heatMapHeader(doc, box, heatMap, cellWidth);
  let y = box.y + HEAT.headerHeight;
  for (const row of shown) {
    heatMapRow(doc, box.x, y, cellWidth, row);
    y += HEAT.rowHeight;
  }
  const hidden = heatMap.rows.length - shown.length;
  if (hidden > 0) {
    clampedText(doc, `Showing ${shown.length} of ${plural(heatMap.rows.length, 'cluster')}: the other ${hidden} are on their own pages (see the contents).`,
      TEXT.small, box.x, y + 2, box.width);
    y += noteHeight;
  }
  bandLegend(doc, box.x, y + 3);
  return y + HEAT.legendHeight - box.y;
}

/** One line per column: the technique's short name, rotated a quarter turn (real, selectable text). */
function heatMapHeader(doc: Doc, box: Box, heatMap: HeatMap, cellWidth: number): void {
  const bottom = box.y + HEAT.headerHeight - 3;
  applyStyle(doc, { ...TEXT.cellMuted, color: COLOUR.muted });
  doc.text('cluster', box.x, bottom - 8, { lineBreak: false });
  applyStyle(doc, { ...TEXT.small, size: 6.5, color: COLOUR.text });
  heatMap.techniques.forEach((t, i) => {
    const x = box.x + HEAT.labelWidth + i * cellWidth + cellWidth / 2 - 3;
    doc.save().rotate(-90, { origin: [x, bottom] });
    doc.text(t.shortName, x, bottom, { width: HEAT.headerHeight - 6, height: 8, ellipsis: true, lineBreak: false });
    doc.restore();
  });
}

function heatMapRow(doc: Doc, x: number, y: number, cellWidth: number, row: HeatMap['rows'][number]): void {
  clampedText(doc, row.cluster, TEXT.cell, x, y + 2, HEAT.labelWidth - 6);
  doc.goTo(x, y, HEAT.labelWidth - 6, HEAT.rowHeight, row.anchor);
  row.cells.forEach((cell, i) => {
    const cx = x + HEAT.labelWidth + i * cellWidth;
    doc.rect(cx + 0.5, y + 0.5, cellWidth - 1, HEAT.rowHeight - 1).fill(BAND_TINT[cell.band]);
    applyStyle(doc, TEXT.cell).text(scoreText(cell.score), cx, y + 2.5, { width: cellWidth, align: 'center', lineBreak: false });
  });
}

const LEGEND: readonly [Band, string][] = [['good', '≥ 90'], ['fair', '≥ 70'], ['poor', '≥ 50'], ['bad', '< 50'], ['none', 'no score (–)']];

function bandLegend(doc: Doc, x: number, y: number): void {
  let at = x;
  for (const [band, label] of LEGEND) {
    doc.rect(at, y, 9, 8).fill(BAND_TINT[band]);
    applyStyle(doc, TEXT.small).text(`${band} ${label}`, at + 12, y, { lineBreak: false });
    at += 12 + doc.widthOfString(`${band} ${label}`) + 14;
  }
}

export interface Figure {
  readonly label: string;
  readonly value: string;
  readonly band?: Band;
}

const TILE = { height: 38, gap: 6 };

/** A row of key-figure tiles (value above label), tinted by band when one is given. Moves `doc.y` below. */
export function figureTiles(doc: Doc, x: number, y: number, width: number, figures: readonly Figure[]): void {
  const tileWidth = (width - TILE.gap * (figures.length - 1)) / figures.length;
  figures.forEach((f, i) => {
    const tx = x + i * (tileWidth + TILE.gap);
    doc.roundedRect(tx, y, tileWidth, TILE.height, 3).fill(f.band ? BAND_TINT[f.band] : COLOUR.headerFill);
    clampedText(doc, f.value, TEXT.figure, tx + 6, y + 5, tileWidth - 12);
    clampedText(doc, f.label, TEXT.figureLabel, tx + 6, y + 25, tileWidth - 12);
  });
  doc.y = y + TILE.height + 8;
}
