/**
 * What changed since the previous run (DESIGN §6): every score's difference, and the open findings
 * (failing ones) that are new, resolved or unchanged, matched by their stable id. Both runs are
 * JSON reports (the contract), so a report written by an older kubeseg of the same schema compares too.
 */
import type { JsonReport } from './jsonReport.js';

type ClusterReport = JsonReport['clusters'][number];
type ReportFinding = ClusterReport['findings'][number];

export interface ScoreChange {
  readonly current: number | null;
  readonly previous: number | null;
  /** current − previous; null when either run has no score. */
  readonly delta: number | null;
}

export interface FindingChanges {
  /** Failing now, and not failing (or not there) in the previous run. */
  readonly new: readonly ReportFinding[];
  /** Failing in the previous run, and not failing (or not there) now. */
  readonly resolved: readonly ReportFinding[];
  /** Failing in both runs. */
  readonly unchanged: readonly ReportFinding[];
}

export interface ClusterTrend {
  readonly cluster: string;
  readonly account: string | null;
  readonly region: string | null;
  /** False when the previous run did not list this cluster: every failing finding counts as new. */
  readonly seenBefore: boolean;
  readonly score: ScoreChange;
  readonly techniques: readonly ({ readonly id: string } & ScoreChange)[];
  readonly findings: FindingChanges;
}

export interface Trends {
  readonly previousGeneratedAt: string;
  readonly fleet: ScoreChange;
  readonly clusters: readonly ClusterTrend[];
  /** Clusters the previous run listed and this one does not, with the findings that were failing there. */
  readonly dropped: readonly { readonly cluster: string; readonly account: string | null; readonly region: string | null; readonly failing: number }[];
}

export function compareReports(current: JsonReport, previous: JsonReport): Trends {
  const before = new Map(previous.clusters.map((c) => [clusterKey(c), c]));
  const now = new Set(current.clusters.map(clusterKey));
  return {
    previousGeneratedAt: previous.generatedAt,
    fleet: change(current.fleet.score, previous.fleet.score),
    clusters: current.clusters.map((c) => clusterTrend(c, before.get(clusterKey(c)))),
    dropped: previous.clusters.filter((c) => !now.has(clusterKey(c))).map((c) => ({
      cluster: c.name, account: c.account, region: c.region, failing: c.findings.filter((f) => f.status === 'fail').length,
    })),
  };
}

function clusterTrend(current: ClusterReport, previous: ClusterReport | undefined): ClusterTrend {
  const techniquesBefore = new Map((previous?.techniques ?? []).map((t) => [t.id, t.score]));
  return {
    cluster: current.name,
    account: current.account,
    region: current.region,
    seenBefore: previous !== undefined,
    score: change(current.score, previous?.score ?? null),
    techniques: current.techniques.map((t) => ({ id: t.id, ...change(t.score, techniquesBefore.get(t.id) ?? null) })),
    findings: findingChanges(current.findings, previous?.findings ?? []),
  };
}

function findingChanges(current: readonly ReportFinding[], previous: readonly ReportFinding[]): FindingChanges {
  const failing = (list: readonly ReportFinding[]): Map<string, ReportFinding> => new Map(list.filter((f) => f.status === 'fail').map((f) => [f.id, f]));
  const now = failing(current);
  const before = failing(previous);
  return {
    new: [...now.values()].filter((f) => !before.has(f.id)),
    resolved: [...before.values()].filter((f) => !now.has(f.id)),
    unchanged: [...now.values()].filter((f) => before.has(f.id)),
  };
}

/** Clusters are the same when account, region and name are (names repeat across accounts). */
function clusterKey(c: Pick<ClusterReport, 'account' | 'region' | 'name'>): string {
  return JSON.stringify([c.account, c.region, c.name]);
}

function change(current: number | null, previous: number | null): ScoreChange {
  return { current, previous, delta: current === null || previous === null ? null : current - previous };
}
