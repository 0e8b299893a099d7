/** The `scan --format text` summary: a readable table per cluster, coloured only when asked to. */
import type { JsonReport } from './jsonReport.js';
import type { Trends } from './trends.js';

const COLORS = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;
type Color = keyof typeof COLORS;

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

export function formatTextSummary(report: JsonReport, options: { color: boolean; trends?: Trends }): string {
  const paint = (text: string, color: Color): string => (options.color ? `\u001b[${COLORS[color]}m${text}\u001b[0m` : text);
  const status = (s: string): string => paint(s, s === 'fail' ? 'red' : s === 'pass' ? 'green' : s === 'unknown' ? 'yellow' : 'dim');
  const scoreText = (score: number | null, grade: string | null): string => (score === null ? '–' : `${score} (${grade})`);
  const pct = (x: number): string => `${Math.round(x * 100)}%`;
  const out: string[] = [];
  const f = report.fleet;
  const trends = options.trends;
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
    if (c.enforcement && c.enforcement.status !== 'enforced') out.push(paint(`  ! ${c.enforcement.reason}`, c.enforcement.status === 'not-enforced' ? 'red' : 'yellow'));
    for (const step of c.collection.filter((s) => s.status === 'forbidden' || s.status === 'error')) {
      out.push(paint(`  ! ${step.step}: ${step.status}${step.detail ? ` (${step.detail})` : ''}`, 'yellow'));
    }
    const rows = c.techniques.map((t) => [`${t.id} ${t.name}`, t.status, t.score === null ? '–' : String(t.score), `${t.exposed}/${t.assessed}`]);
    const width = Math.max(9, ...rows.map((r) => r[0]!.length));
    out.push(`  ${'Technique'.padEnd(width)}  ${'Status'.padEnd(14)}  Score  Exposed/assessed`);
    for (const [name, st, sc, ex] of rows) out.push(`  ${name!.padEnd(width)}  ${status(st!.padEnd(14))}  ${sc!.padStart(5)}  ${ex}`);
    const top = topRisks(c.findings, 5);
    if (top.length > 0) {
      out.push('  Top risks:');
      for (const x of top) out.push(`    [${x.severity}] ${x.message} (${x.technique})`);
    }
    out.push('');
  });
  for (const d of trends?.dropped ?? []) out.push(`${d.cluster}: in the previous run (${d.failing} failing findings), not in this one`);
  return `${out.join('\n')}\n`;
}

/** ` (+12 since 2026-11-19)`, or nothing when either run has no score. */
function delta(change: number | null, since: string): string {
  return change === null ? '' : ` (${change > 0 ? '+' : ''}${change}${since})`;
}

type ReportFinding = JsonReport['clusters'][number]['findings'][number];

/** The most severe failures, one per technique before a second of any, so five lines show five problems. */
export function topRisks(findings: readonly ReportFinding[], count: number): ReportFinding[] {
  const fails = findings.filter((f) => f.status === 'fail').sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const seen = new Set<string>();
  const firsts = fails.filter((f) => !seen.has(f.technique) && seen.add(f.technique));
  const rest = fails.filter((f) => !firsts.includes(f));
  return [...firsts, ...rest].slice(0, count);
}
