/** The `scan --format text` summary: a readable table per cluster, coloured only when asked to. */
import { inertStrings } from '../format/inert.js';
import { proseSpans, proseText } from '../format/prose.js';
import { API_SERVER_STEP } from '../evidence/snapshot.js';
import { evidenceGaps } from './evidenceGaps.js';
import { dataStrings, resourceText } from './findingIssues.js';
import type { JsonReport } from './jsonReport.js';
import { topRisks } from './topRisks.js';
import type { Trends } from './trends.js';

const COLORS = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
type Color = keyof typeof COLORS;

const STATUS_COLOR: Readonly<Record<string, Color>> = { fail: 'red', pass: 'green', unknown: 'yellow' };
const TOP_RISKS = 5;

export function formatTextSummary(input: JsonReport, options: { color: boolean; trends?: Trends }): string {
  // Cluster strings could hold terminal escapes or bidi controls that repaint or reorder the screen.
  const report = inertStrings(input);
  const trends = options.trends && inertStrings(options.trends);
  const paint = (text: string, color: Color): string => (options.color ? `\u001b[${COLORS[color]}m${text}\u001b[0m` : text);
  const scoreText = (score: number | null, grade: string | null): string => (score === null ? '–' : `${score} (${grade})`);
  const pct = (x: number | null | undefined): string => (x === null || x === undefined ? '–' : `${Math.round(x * 100)}%`);
  const out: string[] = [];
  const f = report.fleet;
  const since = trends ? ` since ${trends.previousGeneratedAt.slice(0, 10)}` : '';
  out.push(paint(`Fleet: score ${scoreText(f.score, f.grade)}${trends ? delta(trends.fleet.delta, since) : ''}, coverage ${pct(f.coverage)}, `
    + `${f.clusters} cluster${f.clusters === 1 ? '' : 's'}`, 'bold'), '');
  report.clusters.forEach((c, i) => {
    const trend = trends?.clusters[i];
    const where = [c.account, c.region].filter(Boolean).join(' ');
    out.push(paint(`${c.name}${where ? ` (${where})` : ''}`, 'bold') + ` — ${c.status}, score ${scoreText(c.score, c.grade)}, coverage ${pct(c.coverage)}`
      + (c.blastRadius === null ? '' : `, blast radius ${c.blastRadius.toFixed(2)}`)
      + (c.whatIf ? `, after remediation ${scoreText(c.whatIf.score, c.whatIf.grade)}` : ''));
    if (trend) {
      out.push(trend.seenBefore
        ? `  Since the previous run: score${delta(trend.score.delta, '') || ' –'}; failing findings ${trend.findings.new.length} new, `
          + `${trend.findings.resolved.length} resolved, ${trend.findings.unchanged.length} unchanged`
        : '  Not in the previous run.');
    }
    if (c.status === 'unreachable') {
      // One reason says it all: every other step and technique is unknown because of it.
      for (const gap of evidenceGaps(c.collection, c.source).filter((g) => g.step === API_SERVER_STEP)) {
        out.push(paint(`  ! ${proseText(proseSpans(gap.reason, [c.name]))}`, 'red'));
      }
      out.push('  Nothing could be collected: every technique is unknown.', '');
      return;
    }
    if (c.enforcement && c.enforcement.status !== 'enforced') out.push(paint(`  ! ${c.enforcement.reason}`, c.enforcement.status === 'not-enforced' ? 'red' : 'yellow'));
    for (const gap of evidenceGaps(c.collection, c.source)) {
      out.push(paint(`  ! ${gap.step} (${gap.status}): ${proseText(proseSpans(gap.reason, [c.name]))}`, gap.status === 'absent' ? 'dim' : 'yellow'));
    }
    out.push(...techniqueTable(c.techniques, (status) => paint(status, STATUS_COLOR[status] ?? 'dim'), pct));
    const top = topRisks(c.findings, TOP_RISKS);
    if (top.length > 0) {
      out.push('  Top risks:');
      for (const x of top) out.push(`    [${x.severity}] ${proseText(proseSpans(x.message, dataStrings(c.name, x)))} (${x.technique})`);
    }
    const accepted = c.findings.filter((x) => x.status === 'accepted');
    if (accepted.length > 0) {
      out.push(`  Accepted risks (${accepted.length}, scored as passed):`);
      for (const x of accepted.slice(0, TOP_RISKS)) {
        out.push(`    ${resourceText(x.resource)} ${x.check} (${x.technique}): ${x.accepted!.reason} (${x.accepted!.owner}, until ${x.accepted!.expires})`);
      }
      if (accepted.length > TOP_RISKS) out.push(`    … and ${accepted.length - TOP_RISKS} more in the reports`);
    }
    if (c.ignored) out.push(paint(`  ${c.ignored} finding${c.ignored === 1 ? '' : 's'} left out by the configuration's ignore rules`, 'dim'));
    out.push('');
  });
  for (const e of report.expiredExceptions ?? []) {
    out.push(paint(`Expired exception (no longer applies): ${e.technique}${e.check ? ` ${e.check}` : ''} on ${e.resource}`
      + `${e.cluster ? ` in ${e.cluster}` : ''}, owner ${e.owner}, expired ${e.expires}`, 'yellow'));
  }
  for (const d of trends?.dropped ?? []) out.push(`${d.cluster}: in the previous run (${d.failing} failing findings), not in this one`);
  return `${out.join('\n')}\n`;
}

type TechniqueResult = JsonReport['clusters'][number]['techniques'][number];

/** Columns padded by the text's visible width: the status is coloured first, so its escape codes do not count. */
function techniqueTable(techniques: readonly TechniqueResult[], status: (s: string) => string, pct: (x: number | null | undefined) => string): string[] {
  const rows = techniques.map((t) => ({
    name: `${t.id} ${t.name}`, status: t.status, score: t.score === null ? '–' : String(t.score), exposed: `${t.exposed}/${t.assessed}`, coverage: pct(t.coverage),
  }));
  const nameWidth = Math.max(9, ...rows.map((r) => r.name.length));
  const statusWidth = Math.max(6, ...rows.map((r) => r.status.length));
  const exposedWidth = Math.max(16, ...rows.map((r) => r.exposed.length));
  const pad = (text: string, visible: string, width: number): string => text + ' '.repeat(Math.max(0, width - visible.length));
  return [
    `  ${'Technique'.padEnd(nameWidth)}  ${'Status'.padEnd(statusWidth)}  Score  ${'Exposed/assessed'.padEnd(exposedWidth)}  Coverage`,
    ...rows.map((r) => `  ${r.name.padEnd(nameWidth)}  ${pad(status(r.status), r.status, statusWidth)}  ${r.score.padStart(5)}  `
      + `${r.exposed.padEnd(exposedWidth)}  ${r.coverage.padStart(8)}`),
  ];
}

/** ` (+12 since 2026-11-19)`, or nothing when either run has no score. */
function delta(change: number | null, since: string): string {
  return change === null ? '' : ` (${change > 0 ? '+' : ''}${change}${since})`;
}
