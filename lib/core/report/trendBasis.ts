/**
 * What the next run's trends read of this one (trends.ts): the report with only its failing
 * findings, without their evidence and remediation. A fifth of report.json or less, so the next
 * report step reads the previous run without holding a second whole report in memory.
 */
import type { JsonReport } from './jsonReport.js';

export function trendBasis(report: JsonReport): JsonReport {
  return {
    ...report,
    clusters: report.clusters.map((c) => ({
      ...c,
      findings: c.findings.filter((f) => f.status === 'fail').map(({ remediation: _remediation, ...f }) => ({ ...f, evidence: [] })),
    })),
  };
}
