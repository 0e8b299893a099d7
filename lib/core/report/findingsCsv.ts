/** `findings.csv` / `scan --format csv`: one row per finding, safe against formula injection. */
import { csvLines } from '../format/csv.js';
import type { JsonReport } from './jsonReport.js';

export const FINDINGS_CSV_HEADER = ['cluster', 'account', 'region', 'technique', 'check', 'status', 'severity', 'kind', 'namespace',
  'name', 'message', 'evidence', 'remediation', 'id'] as const;

export function formatFindingsCsv(report: JsonReport): string {
  const rows = report.clusters.flatMap((c) => c.findings.map((f) => [
    c.name, c.account ?? '', c.region ?? '', f.technique, f.check, f.status, f.severity, f.resource.kind,
    f.resource.namespace ?? '', f.resource.name, f.message, f.evidence.join('; '), f.remediation?.text ?? '', f.id,
  ]));
  return csvLines([[...FINDINGS_CSV_HEADER], ...rows]);
}
