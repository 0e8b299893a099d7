/**
 * `findings.csv` / `scan --format csv`: one row per finding, safe against formula injection. Cluster
 * strings are made inert (a line break or bidi control shows as `<U+XXXX>`), and prose loses its code marks.
 */
import { csvLines } from '../format/csv.js';
import { inertLine } from '../format/inert.js';
import { proseSpans, proseText } from '../format/prose.js';
import { dataStrings } from './findingIssues.js';
import type { JsonReport } from './jsonReport.js';

export const FINDINGS_CSV_HEADER = ['cluster', 'account', 'region', 'technique', 'check', 'status', 'severity', 'kind', 'namespace',
  'name', 'message', 'evidence', 'remediation', 'id'] as const;

export function formatFindingsCsv(report: JsonReport): string {
  return [...findingsCsvChunks(report)].join('');
}

/** The same text in pieces: the header line, then each cluster's rows; a large fleet's CSV need not be one string. */
export function* findingsCsvChunks(report: JsonReport): Generator<string> {
  yield csvLines([[...FINDINGS_CSV_HEADER]]);
  for (const c of report.clusters) {
    const rows = c.findings.map((f) => {
      const prose = (text: string): string => proseText(proseSpans(text, dataStrings(c.name, f)));
      return [
        c.name, c.account ?? '', c.region ?? '', f.technique, f.check, f.status, f.severity, f.resource.kind,
        f.resource.namespace ?? '', f.resource.name, prose(f.message), [...f.evidence, ...acceptedBy(f)].join('; '), f.remediation ? prose(f.remediation.text) : '', f.id,
      ].map(inertLine);
    });
    yield csvLines(rows);
  }
}

/** An accepted finding's exception, as one more evidence entry. */
function acceptedBy(f: JsonReport['clusters'][number]['findings'][number]): string[] {
  return f.accepted ? [`accepted by ${f.accepted.owner} until ${f.accepted.expires}: ${f.accepted.reason}`] : [];
}
