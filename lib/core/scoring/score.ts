/**
 * Segmentation scoring (DESIGN §6). The formulas are {@link SCORING_FORMULA}, which the report
 * appendix prints as they stand here. Unknown evidence never counts as a pass: it only lowers coverage.
 */
import type { Verdict } from '../findings/finding.js';
import type { TechniqueMeta } from '../techniques/types.js';

export const SCORING_FORMULA: readonly string[] = [
  'Subject: a resource a technique\'s checks judged (usually a workload). It is exposed when any of its findings fails, '
    + 'assessed when it is exposed or has a passing finding and no unknown one, and unknown otherwise. A failing '
    + 'low-severity finding (hygiene, such as a Secret passed as an environment variable) is listed but scored as a pass, and so '
    + 'is an accepted one (a failure that an unexpired exception of the configuration covers), which is also counted apart.',
  'Technique: exposure = exposed / assessed; score = round(100 × (1 − exposure)); coverage = assessed / (assessed + unknown). '
    + 'Nothing assessed: no score (–), never 100. Where a technique judges namespaces beside workloads (MS-TA9034, MS-TA9031), '
    + 'exposure = 0.8 × the workloads\' exposure + 0.2 × the namespaces\', so that many small namespaces do not outweigh the workloads.',
  'Cluster: score = Σ weight × score / Σ weight over techniques with a score; coverage = Σ weight × coverage / Σ weight '
    + 'over techniques with any subject.',
  'Grade: A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F.',
  'Blast radius: mean over workloads of (other workloads it can reach / other workloads); 1.0 when NetworkPolicies are not, '
    + 'or may not be, enforced.',
  'Fleet: score and coverage are the clusters\' means weighted by their workloads; a cluster without a score (unreachable, '
    + 'nothing assessed) adds nothing but is listed.',
  'Unknown evidence (403, timeout, unreachable endpoint) is never a pass: it only lowers coverage.',
  'What-if: the score after applying every suggested remediation manifest with NetworkPolicy enforcement on, recomputed by the engine.',
];

export type TechniqueStatus = 'fail' | 'pass' | 'unknown' | 'not-applicable';
export type Grade = 'A' | 'B' | 'C' | 'D' | 'F';

export interface TechniqueScore {
  readonly id: string;
  readonly name: string;
  readonly tactics: readonly string[];
  readonly status: TechniqueStatus;
  readonly score: number | null;
  readonly exposed: number;
  readonly assessed: number;
  readonly unknown: number;
  /** Subjects passed only because exceptions accept their failures. */
  readonly accepted: number;
  readonly coverage: number | null;
  readonly weight: number;
}

export interface ClusterScore {
  readonly score: number | null;
  readonly grade: Grade | null;
  readonly coverage: number;
  readonly techniques: readonly TechniqueScore[];
}

export function grade(score: number | null): Grade | null {
  if (score === null) return null;
  return score >= 90 ? 'A' : score >= 80 ? 'B' : score >= 70 ? 'C' : score >= 60 ? 'D' : 'F';
}

/** The share of a technique's exposure that its namespace subjects carry when it judges workloads too. */
export const NAMESPACE_SHARE = 0.2;

/** Scores one technique from its findings (findings of other techniques are ignored). */
export function scoreTechnique(meta: TechniqueMeta, findings: readonly Verdict[]): TechniqueScore {
  const bySubject = new Map<string, { namespace: boolean; statuses: Set<Verdict['status']> }>();
  for (const f of findings) {
    if (f.technique !== meta.id) continue;
    const key = `${f.resource.kind}|${f.resource.namespace}|${f.resource.name}`;
    const subject = bySubject.get(key) ?? { namespace: f.resource.kind === 'Namespace', statuses: new Set() };
    subject.statuses.add(f.status === 'fail' && f.severity === 'low' ? 'pass' : f.status);
    bySubject.set(key, subject);
  }
  // An accepted risk is scored as a pass and counted apart.
  const accepted = [...bySubject.values()].filter(({ statuses }) => statuses.has('accepted') && !statuses.has('fail')).length;
  for (const { statuses } of bySubject.values()) if (statuses.delete('accepted')) statuses.add('pass');
  const tally = (namespaces: boolean): { exposed: number; passed: number; unknown: number } => {
    const t = { exposed: 0, passed: 0, unknown: 0 };
    for (const { namespace, statuses } of bySubject.values()) {
      if (namespace !== namespaces) continue;
      if (statuses.has('fail')) t.exposed++;
      else if (statuses.has('unknown')) t.unknown++;
      else t.passed++;
    }
    return t;
  };
  const workloads = tally(false);
  const namespaces = tally(true);
  const exposed = workloads.exposed + namespaces.exposed;
  const passed = workloads.passed + namespaces.passed;
  const unknown = workloads.unknown + namespaces.unknown;
  const assessed = exposed + passed;
  const exposureOf = (t: typeof workloads): number | null => (t.exposed + t.passed > 0 ? t.exposed / (t.exposed + t.passed) : null);
  const [w, n] = [exposureOf(workloads), exposureOf(namespaces)];
  const exposure = w !== null && n !== null ? (1 - NAMESPACE_SHARE) * w + NAMESPACE_SHARE * n : (w ?? n);
  const score = exposure !== null ? Math.round(100 * (1 - exposure)) : null;
  const status: TechniqueStatus = exposed > 0 ? 'fail' : passed > 0 ? 'pass' : unknown > 0 ? 'unknown' : 'not-applicable';
  return {
    id: meta.id, name: meta.name, tactics: meta.tactics, status, score, exposed, assessed, unknown, accepted,
    coverage: assessed + unknown > 0 ? assessed / (assessed + unknown) : null, weight: meta.weight,
  };
}

export function scoreCluster(metas: readonly TechniqueMeta[], findings: readonly Verdict[]): ClusterScore {
  const byTechnique = new Map<string, Verdict[]>();
  for (const f of findings) {
    const list = byTechnique.get(f.technique);
    if (list) list.push(f);
    else byTechnique.set(f.technique, [f]);
  }
  const techniques = metas.map((m) => scoreTechnique(m, byTechnique.get(m.id) ?? []));
  const scored = techniques.filter((t) => t.score !== null);
  const weight = scored.reduce((w, t) => w + t.weight, 0);
  const score = weight > 0 ? Math.round(scored.reduce((s, t) => s + t.weight * t.score!, 0) / weight) : null;
  const applicable = techniques.filter((t) => t.coverage !== null);
  const applicableWeight = applicable.reduce((w, t) => w + t.weight, 0);
  const coverage = applicableWeight > 0 ? applicable.reduce((s, t) => s + t.weight * t.coverage!, 0) / applicableWeight : 0;
  return { score, grade: grade(score), coverage: round2(coverage), techniques };
}

/** Mean share of other workloads each workload can reach; 0 for a cluster of one workload. */
export function blastRadius(reachable: readonly { reachable: number; others: number }[]): number {
  const counted = reachable.filter((r) => r.others > 0);
  if (counted.length === 0) return 0;
  return round2(counted.reduce((s, r) => s + r.reachable / r.others, 0) / counted.length);
}

export interface FleetScore {
  readonly score: number | null;
  readonly grade: Grade | null;
  readonly coverage: number;
}

/**
 * Clusters weighted by their workloads; clusters without a score are listed but add nothing to it.
 * Coverage counts every cluster asked for: one that could not be collected has an unknown number
 * of workloads and weighs as much as the average collected cluster, with nothing covered, so
 * that one reachable cluster out of three never shows as a well-covered fleet.
 */
export function scoreFleet(clusters: readonly { score: number | null; coverage: number; workloads: number; unreachable?: boolean }[]): FleetScore {
  const scored = clusters.filter((c) => c.score !== null && c.workloads > 0);
  const weight = scored.reduce((w, c) => w + c.workloads, 0);
  const score = weight > 0 ? Math.round(scored.reduce((s, c) => s + c.workloads * c.score!, 0) / weight) : null;
  const reached = clusters.filter((c) => !c.unreachable);
  const averageSize = reached.length > 0 ? reached.reduce((w, c) => w + Math.max(c.workloads, 1), 0) / reached.length : 1;
  const size = (c: (typeof clusters)[number]): number => (c.unreachable ? averageSize : Math.max(c.workloads, 1));
  const all = clusters.reduce((w, c) => w + size(c), 0);
  const coverage = all > 0 ? clusters.reduce((s, c) => s + size(c) * (c.unreachable ? 0 : c.coverage), 0) / all : 0;
  return { score, grade: grade(score), coverage: round2(coverage) };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
