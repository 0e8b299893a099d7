/**
 * JSON report (+ trends, + technique catalog) → ReportModel: the one place where what the reports
 * show is decided (order, grouping, top risks, bands). Renderers only format the model.
 */
import { proseSpans } from '../format/prose.js';
import { SCORING_FORMULA } from '../scoring/score.js';
import type { TechniqueMeta } from '../techniques/types.js';
import { evidenceGaps } from './evidenceGaps.js';
import { dataStrings, groupIssues, resourceText } from './findingIssues.js';
import type { JsonReport } from './jsonReport.js';
import type {
  AcceptedView, Band, ChangedFinding, Changes, ClusterSection, ExceptionView, FindingCounts, FindingGroup, HeatMap, KeyIssue, ReportModel, Risk, TechniqueRow, TrendPoint,
} from './reportModel.js';
import { fleetTopRisks } from './topRisks.js';
import type { ClusterTrend, Trends } from './trends.js';

type ClusterReport = JsonReport['clusters'][number];
type ReportFinding = ClusterReport['findings'][number];

/** How many risks the management view lists. */
const TOP_RISKS = 5;
/** How many failing issues a cluster's summary lists (see ClusterSection.keyIssues). */
const KEY_ISSUES = 8;

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;

const METHOD = [
  'kubeseg reads each cluster\'s Kubernetes objects (workloads, Services, NetworkPolicies, AdminNetworkPolicies, RBAC, nodes) '
    + 'and, for EKS, the cloud facts that decide network exposure: API endpoint access, the VPC CNI network-policy setting and '
    + 'node-group instance metadata options, Pod Identity associations and access entries. Secrets are never read; ConfigMap '
    + 'values never leave the collector, only their key names are kept.',
  'A reachability engine works out which workloads and address ranges can open connections to which, from the policies alone, '
    + 'and explains each answer by the rule that allowed or the lack of a policy that would block it. Policies that no CNI '
    + 'enforces block nothing.',
  'Each technique of Microsoft\'s Threat Matrix for Kubernetes that segmentation touches is a set of small checks over that '
    + 'evidence: can a workload reach the API server, the kubelet, the instance metadata API, a dashboard or tiller, or other '
    + 'namespaces? A check that lacks its evidence (forbidden, error, unreachable) reports unknown, which lowers coverage and '
    + 'never counts as a pass.',
  'A technique scores 100 × (1 − exposed / assessed). A cluster\'s score is the weighted mean of its scored techniques, and the '
    + 'fleet\'s the mean of its clusters\' scores weighted by their workloads. Fleet coverage counts every cluster asked for: one '
    + 'that could not be collected weighs as much as the average collected cluster, with nothing covered.',
  'Remediations are least-privilege NetworkPolicies (or ServiceAccount and pod-spec changes) that close the finding without '
    + 'widening what any other pod may do; the what-if score is recomputed with all of them applied.',
];

export interface ReportModelInput {
  readonly report: JsonReport;
  /** Techniques in catalog order: heat-map columns, finding groups and the appendix follow it. */
  readonly catalog: readonly TechniqueMeta[];
  readonly trends?: Trends;
  /** Earlier fleet scores, oldest first (ISO 8601 instants or `YYYY-MM-DD`), for the trend chart; the previous run's is added from `trends`. */
  readonly history?: readonly { readonly date: string; readonly score: number | null }[];
  /** Per cluster in report order: its remediation bundle's path relative to the report, when one was written. */
  readonly remediationFiles?: readonly (string | undefined)[];
}

export function buildReportModel({ report, catalog, trends, history = [], remediationFiles = [] }: ReportModelInput): ReportModel {
  const anchors = report.clusters.map((_, i) => `cluster-${i + 1}`);
  const clusters = report.clusters.map((c, i) => clusterSection(c, anchors[i]!, catalog, trends?.clusters[i], remediationFiles[i]));
  const previous = trends ? [{ date: trends.previousGeneratedAt, score: trends.fleet.previous }] : [];
  const earlier = [...history, ...previous];
  return {
    title: 'Kubernetes segmentation posture',
    generatedAt: report.generatedAt,
    toolVersion: report.tool.version,
    fleet: {
      score: report.fleet.score,
      grade: report.fleet.grade,
      band: band(report.fleet.score),
      coverage: report.fleet.coverage,
      clusters: report.fleet.clusters,
      workloads: report.clusters.reduce((n, c) => n + (c.workloads ?? 0), 0),
      counts: sumCounts(clusters.map((c) => c.counts)),
      whatIfScore: fleetWhatIf(report.clusters),
      trend: earlier.length > 0 ? trendPoints([...earlier, { date: report.generatedAt, score: report.fleet.score }]) : [],
    },
    heatMap: heatMap(report.clusters, anchors, catalog),
    topRisks: fleetRisks(report.clusters, anchors, catalog),
    ...(trends && { changes: changes(trends, anchors) }),
    clusters,
    expiredExceptions: (report.expiredExceptions ?? []).map((e): ExceptionView => ({ ...e, check: e.check ?? null, cluster: e.cluster ?? null })),
    appendix: {
      method: METHOD,
      formula: SCORING_FORMULA,
      catalog: catalog.map((t) => ({
        id: t.id, name: t.name, tactics: t.tactics, mitreAttack: t.mitreAttack, mitigations: t.mitigations, severity: t.severity,
        weight: t.weight, segmentationMitigates: t.segmentationMitigates, formerNames: t.formerNames, description: t.description,
      })),
      collectionLog: report.clusters.flatMap((c) => c.collection.map((s) => ({ cluster: c.name, step: s.step, status: s.status, detail: s.detail ?? '' }))),
    },
  };
}

export function band(score: number | null): Band {
  if (score === null) return 'none';
  return score >= 90 ? 'good' : score >= 70 ? 'fair' : score >= 50 ? 'poor' : 'bad';
}

function clusterSection(
  c: ClusterReport, anchor: string, catalog: readonly TechniqueMeta[], trend: ClusterTrend | undefined, remediationFile: string | undefined,
): ClusterSection {
  const newIds = new Set(trend?.findings.new.map((f) => f.id) ?? []);
  const findingGroups = groupFindings(c, catalog, new Map(c.techniques.map((t) => [t.id, t.name])), newIds);
  const deltas = new Map(trend?.techniques.map((t) => [t.id, t.delta]) ?? []);
  return {
    name: c.name, anchor, account: c.account, region: c.region, source: c.source, status: c.status,
    score: c.score, grade: c.grade, band: band(c.score), coverage: c.coverage, blastRadius: c.blastRadius,
    workloads: c.workloads ?? null, enforcement: c.enforcement ?? null, whatIf: c.whatIf ?? null,
    delta: trend?.score.delta ?? null,
    counts: countFindings(c.findings),
    techniques: inCatalogOrder(c.techniques, catalog).map((t): TechniqueRow => ({
      id: t.id, name: t.name, tactics: t.tactics, status: t.status, score: t.score, band: band(t.score), exposed: t.exposed,
      assessed: t.assessed, unknown: t.unknown ?? 0, coverage: t.coverage ?? null, delta: deltas.get(t.id) ?? null,
    })),
    findingGroups,
    keyIssues: keyIssues(findingGroups),
    acceptedRisks: acceptedRisks(c, catalog),
    ignored: c.ignored ?? 0,
    evidenceGaps: evidenceGaps(c.collection, c.source).map((g) => ({ ...g, reason: proseSpans(g.reason, [c.name]) })),
    ...(remediationFile !== undefined && { remediationFile }),
  };
}

function acceptedRisks(c: ClusterReport, catalog: readonly TechniqueMeta[]): AcceptedView[] {
  const names = new Map(c.techniques.map((t) => [t.id, t.name]));
  const order = new Map(catalog.map((t, i) => [t.id, i]));
  return c.findings.filter((f) => f.status === 'accepted' && f.accepted)
    .sort((a, b) => (order.get(a.technique) ?? order.size) - (order.get(b.technique) ?? order.size))
    .map((f) => ({
      techniqueId: f.technique, techniqueName: names.get(f.technique) ?? f.technique, check: f.check, severity: f.severity,
      resource: resourceText(f.resource), message: proseSpans(f.message, dataStrings(c.name, f)), ...f.accepted!,
    }));
}

function groupFindings(
  c: ClusterReport, catalog: readonly TechniqueMeta[], names: ReadonlyMap<string, string>, newIds: ReadonlySet<string>,
): FindingGroup[] {
  const byTechnique = new Map<string, ReportFinding[]>();
  for (const f of c.findings) {
    const list = byTechnique.get(f.technique);
    if (list) list.push(f);
    else byTechnique.set(f.technique, [f]);
  }
  return orderIds([...byTechnique.keys()], catalog).flatMap((id) => {
    const group = byTechnique.get(id)!;
    const counts = countFindings(group);
    if (counts.fail + counts.unknown === 0) return [];
    return [{
      techniqueId: id, techniqueName: names.get(id) ?? id, ...counts,
      issues: groupIssues(group.filter((f) => f.status === 'fail' || f.status === 'unknown'), c.name, (findingId) => newIds.has(findingId)),
    }];
  });
}

/** Failing issues by severity, then by how many workloads one fix covers, then by reach. */
function keyIssues(groups: readonly FindingGroup[]): KeyIssue[] {
  return groups.flatMap((g) => g.issues.filter((i) => i.status === 'fail').map((i): KeyIssue => ({ ...i, techniqueId: g.techniqueId, techniqueName: g.techniqueName })))
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.findings.length - a.findings.length || (b.reach ?? -1) - (a.reach ?? -1))
    .slice(0, KEY_ISSUES);
}

function heatMap(clusters: readonly ClusterReport[], anchors: readonly string[], catalog: readonly TechniqueMeta[]): HeatMap {
  return {
    techniques: catalog.map((t) => ({ id: t.id, name: t.name, shortName: shortTechniqueName(t.name) })),
    rows: clusters.map((c, i) => {
      const byId = new Map(c.techniques.map((t) => [t.id, t]));
      return {
        cluster: c.name, anchor: anchors[i]!,
        cells: catalog.map((meta) => {
          const t = byId.get(meta.id);
          return { techniqueId: meta.id, score: t?.score ?? null, status: t?.status ?? 'not-applicable', band: band(t?.score ?? null), coverage: t?.coverage ?? null };
        }),
      };
    }),
  };
}

/** Longest short name: what a rotated heat-map column header holds. */
const SHORT_NAME = 28;

/**
 * `Access the Kubernetes API server` → `Kubernetes API server`; a name still too long loses its
 * trailing phrase (`Application credentials in configuration files` → `Application credentials`).
 */
function shortTechniqueName(name: string): string {
  const bare = name.replace(/^access (the )?/i, '');
  const short = bare.length > SHORT_NAME ? bare.replace(/ (in|on|of|and|to|from|via) .*$/, '') : bare;
  return short.charAt(0).toUpperCase() + short.slice(1);
}

/** See lib/core/report/topRisks.ts. */
function fleetRisks(clusters: readonly ClusterReport[], anchors: readonly string[], catalog: readonly TechniqueMeta[]): Risk[] {
  const names = new Map(catalog.map((t) => [t.id, t.name]));
  return fleetTopRisks(clusters, TOP_RISKS).map(({ finding: f, cluster: i }) => ({
    cluster: clusters[i]!.name, anchor: anchors[i]!, techniqueId: f.technique, techniqueName: names.get(f.technique) ?? f.technique,
    severity: f.severity, resource: resourceText(f.resource), reach: f.reach ?? null, text: proseSpans(f.message, dataStrings(clusters[i]!.name, f)),
  }));
}

/** `anchors` are the clusters' sections, in report order (the order of `trends.clusters`). */
function changes(trends: Trends, anchors: readonly string[]): Changes {
  const changed = (f: ReportFinding, cluster: string): ChangedFinding => ({
    id: f.id, techniqueId: f.technique, resource: resourceText(f.resource), message: proseSpans(f.message, dataStrings(cluster, f)),
  });
  return {
    since: day(trends.previousGeneratedAt),
    fleetDelta: trends.fleet.delta,
    newFindings: trends.clusters.reduce((n, c) => n + c.findings.new.length, 0),
    resolvedFindings: trends.clusters.reduce((n, c) => n + c.findings.resolved.length, 0),
    unchangedFindings: trends.clusters.reduce((n, c) => n + c.findings.unchanged.length, 0),
    clusters: trends.clusters.map((c, i) => ({
      cluster: c.cluster, anchor: anchors[i]!, seenBefore: c.seenBefore, delta: c.score.delta,
      newFindings: c.findings.new.map((f) => changed(f, c.cluster)), resolvedFindings: c.findings.resolved.map((f) => changed(f, c.cluster)),
    })),
    dropped: trends.dropped.map((d) => d.cluster),
  };
}

/** Workload-weighted, like the fleet score, over the clusters with a what-if score. */
function fleetWhatIf(clusters: readonly ClusterReport[]): number | null {
  const scored = clusters.filter((c) => c.whatIf?.score !== null && c.whatIf?.score !== undefined && (c.workloads ?? 0) > 0);
  const weight = scored.reduce((w, c) => w + c.workloads!, 0);
  return weight > 0 ? Math.round(scored.reduce((s, c) => s + c.workloads! * c.whatIf!.score!, 0) / weight) : null;
}

function countFindings(findings: readonly ReportFinding[]): FindingCounts {
  const counts = { fail: 0, unknown: 0, accepted: 0, pass: 0 };
  for (const f of findings) counts[f.status]++;
  return counts;
}

function sumCounts(list: readonly FindingCounts[]): FindingCounts {
  return list.reduce((a, b) => ({ fail: a.fail + b.fail, unknown: a.unknown + b.unknown, accepted: a.accepted + b.accepted, pass: a.pass + b.pass }),
    { fail: 0, unknown: 0, accepted: 0, pass: 0 });
}

/** Items in catalog order; ids the catalog lacks go last, in their own order. */
function inCatalogOrder<T extends { readonly id: string }>(items: readonly T[], catalog: readonly TechniqueMeta[]): T[] {
  const byId = new Map(items.map((t) => [t.id, t]));
  return orderIds(items.map((t) => t.id), catalog).map((id) => byId.get(id)!);
}

function orderIds(ids: readonly string[], catalog: readonly TechniqueMeta[]): string[] {
  const present = new Set(ids);
  const known = catalog.map((t) => t.id).filter((id) => present.has(id));
  return [...known, ...ids.filter((id) => !known.includes(id))];
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

/** Labels by day, with the time (UTC) added where two runs share a day. */
function trendPoints(runs: readonly { readonly date: string; readonly score: number | null }[]): TrendPoint[] {
  const perDay = new Map<string, number>();
  for (const r of runs) perDay.set(day(r.date), (perDay.get(day(r.date)) ?? 0) + 1);
  return runs.map((r) => {
    const time = /T(\d{2}:\d{2})/.exec(r.date)?.[1];
    return { date: r.date, label: perDay.get(day(r.date))! > 1 && time ? `${day(r.date)} ${time}` : day(r.date), score: r.score };
  });
}
