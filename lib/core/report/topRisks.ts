/**
 * The top risks: which failing findings a reader sees first, in the text summary and the model's top
 * risks. One ranking for both: severity first, then reach (how many other workloads the finding's
 * workload can open connections to, so a foothold that leads further ranks higher). One risk per
 * workload, and a technique already listed gives way to one that is not, so five lines show five
 * problems; what is picked is listed in ranking order.
 */
import type { JsonReport } from './jsonReport.js';

type ReportFinding = JsonReport['clusters'][number]['findings'][number];

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

/** A cluster's `count` top risks, in ranking order. */
export function topRisks(findings: readonly ReportFinding[], count: number): ReportFinding[] {
  const ranked = findings.filter((f) => f.status === 'fail').sort(byRank);
  const workloads = new Set<string>();
  const techniques = new Set<string>();
  const picked: ReportFinding[] = [];
  const take = (f: ReportFinding): void => {
    picked.push(f);
    workloads.add(resourceKey(f));
    techniques.add(f.technique);
  };
  for (const f of ranked) if (picked.length < count && !workloads.has(resourceKey(f)) && !techniques.has(f.technique)) take(f);
  for (const f of ranked) if (picked.length < count && !workloads.has(resourceKey(f))) take(f);
  return picked.sort(byRank);
}

/**
 * The fleet's `count` top risks: each cluster's own ranking taken round-robin (every cluster's first,
 * then every cluster's second, …) so that one bad cluster does not fill the list, then ranked again.
 */
export function fleetTopRisks(clusters: readonly { readonly findings: readonly ReportFinding[] }[], count: number): { finding: ReportFinding; cluster: number }[] {
  const perCluster = clusters.map((c) => topRisks(c.findings, count));
  const picked: { finding: ReportFinding; cluster: number }[] = [];
  for (let round = 0; picked.length < count && perCluster.some((list) => list.length > round); round++) {
    const candidates = perCluster.flatMap((list, cluster) => {
      const finding = list[round];
      return finding ? [{ finding, cluster }] : [];
    });
    picked.push(...candidates.sort((a, b) => byRank(a.finding, b.finding)).slice(0, count - picked.length));
  }
  return picked.sort((a, b) => byRank(a.finding, b.finding));
}

/** Severity, then reach (unknown reach last); ties keep their order. */
function byRank(a: ReportFinding, b: ReportFinding): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || (b.reach ?? -1) - (a.reach ?? -1);
}

function resourceKey(f: ReportFinding): string {
  return `${f.resource.kind}|${f.resource.namespace ?? ''}|${f.resource.name}`;
}
