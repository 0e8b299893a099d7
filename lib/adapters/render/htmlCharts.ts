/**
 * Inline SVG charts for the HTML report, built from numbers and escaped text only (hence `SafeMarkup`).
 * Colours come from the report's stylesheet through classes, so the charts follow its palette and print rules.
 */
import type { Band, TrendPoint } from '../../core/report/reportModel.js';
import { escapeHtml, type SafeMarkup } from './templates.js';

/** The trend chart's size in CSS pixels: plot area (with room above for score labels), date labels below it. */
const TREND = { width: 280, height: 96, pad: 10, plotTop: 18, plotBottom: 68, labelY: 90 } as const;
/** Above this many runs the dots carry no score label: they would touch. */
const LABELLED_RUNS = 12;
/** The score meter: a 0–100 bar, 3 units per point. */
const METER = { width: 300, height: 24, unit: 3, barY: 6, barHeight: 12 } as const;

/** The fleet score over the runs (gaps where a run had no score); null with fewer than two runs. */
export function trendChart(trend: readonly TrendPoint[]): SafeMarkup | null {
  const first = trend[0];
  const last = trend[trend.length - 1];
  if (trend.length < 2 || !first || !last) return null;
  const x = (i: number): number => round(TREND.pad + (i * (TREND.width - 2 * TREND.pad)) / (trend.length - 1));
  const y = (score: number): number => round(TREND.plotTop + ((100 - score) * (TREND.plotBottom - TREND.plotTop)) / 100);
  const lines = scoredRuns(trend).filter((run) => run.length > 1)
    .map((run) => `<polyline class="trend-line" points="${run.map((i) => `${x(i)},${y(trend[i]!.score!)}`).join(' ')}"/>`);
  const dots = trend.flatMap((p, i) => (p.score === null ? [] : [`<circle class="trend-dot" cx="${x(i)}" cy="${y(p.score)}" r="3"/>`]));
  const values = trend.length > LABELLED_RUNS ? [] : trend.flatMap((p, i) => (p.score === null ? []
    : [`<text class="trend-value" x="${x(i)}" y="${round(y(p.score) - 7)}" text-anchor="${anchorAt(i, trend.length)}">${p.score}</text>`]));
  const description = trend.map((p) => `${p.label}: ${p.score ?? 'no score'}`).join(', ');
  return {
    markup: `<svg class="trend" role="img" viewBox="0 0 ${TREND.width} ${TREND.height}" width="${TREND.width}" height="${TREND.height}">`
      + `<title>${escapeHtml(`Fleet score by run: ${description}`)}</title>`
      + gridLines(y)
      + lines.join('') + dots.join('') + values.join('')
      + `<text class="trend-label" x="${TREND.pad}" y="${TREND.labelY}">${escapeHtml(first.label)}</text>`
      + `<text class="trend-label" x="${TREND.width - TREND.pad}" y="${TREND.labelY}" text-anchor="end">${escapeHtml(last.label)}</text>`
      + '</svg>',
  };
}

/** A 0–100 bar filled to the score in its band's colour, with the what-if score as a hatched extension. */
export function scoreMeter(score: number | null, band: Band, whatIf: number | null): SafeMarkup {
  const now = score ?? 0;
  const gain = whatIf !== null && whatIf > now
    ? `<rect class="meter-gain" x="${now * METER.unit}" y="${METER.barY}" width="${(whatIf - now) * METER.unit}" height="${METER.barHeight}"/>`
    : '';
  const label = `Score ${score ?? 'none'} of 100${whatIf === null ? '' : `; ${whatIf} after every suggested remediation`}`;
  return {
    markup: `<svg class="meter" role="img" viewBox="0 0 ${METER.width} ${METER.height}">`
      + `<title>${escapeHtml(label)}</title>`
      + `<rect class="meter-track" x="0" y="${METER.barY}" width="${METER.width}" height="${METER.barHeight}" rx="6"/>`
      + gain
      + `<rect class="meter-fill b-${band}" x="0" y="${METER.barY}" width="${now * METER.unit}" height="${METER.barHeight}" rx="6"/>`
      + '</svg>',
  };
}

/** Runs of consecutive points that have a score, as index lists. */
function scoredRuns(trend: readonly TrendPoint[]): number[][] {
  const runs: number[][] = [];
  let current: number[] = [];
  trend.forEach((p, i) => {
    if (p.score !== null) current.push(i);
    else if (current.length > 0) { runs.push(current); current = []; }
  });
  if (current.length > 0) runs.push(current);
  return runs;
}

/** The first and last labels stay inside the chart. */
function anchorAt(i: number, count: number): 'start' | 'middle' | 'end' {
  return i === 0 ? 'start' : i === count - 1 ? 'end' : 'middle';
}

/** Faint lines at 0, 50 and 100 so the slope reads against a fixed scale. */
function gridLines(y: (score: number) => number): string {
  return [0, 50, 100].map((s) => `<line class="trend-grid" x1="${TREND.pad}" x2="${TREND.width - TREND.pad}" y1="${y(s)}" y2="${y(s)}"/>`).join('');
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
