/**
 * JSON report (+ trends, + technique catalog) → ReportModel: the one place where what the reports
 * show is decided (order, grouping, top risks, bands). Renderers only format the model.
 */
import { SCORING_FORMULA } from '../scoring/score.js';
import type { TechniqueMeta } from '../techniques/types.js';
import type { JsonReport } from './jsonReport.js';
import type {
  Band, ChangedFinding, Changes, ClusterSection, FindingCounts, FindingGroup, FindingView, HeatMap, ReportModel, Risk, TechniqueRow,
} from './reportModel.js';
import { topRisks } from './textSummary.js';
import type { ClusterTrend, Trends } from './trends.js';

type ClusterReport = JsonReport['clusters'][number];
type ReportFinding = ClusterReport['findings'][number];

/** How many risks the management view lists. */
const TOP_RISKS = 5;
/** How many failing findings a cluster's summary lists (see ClusterSection.keyFindings). */
const KEY_FINDINGS = 10;

const METHOD = [
  'kubeseg reads each cluster\'s Kubernetes objects (workloads, Services, NetworkPolicies, AdminNetworkPolicies, RBAC, nodes) '
    + 'and, for EKS, the cloud facts that decide network exposure: API endpoint access, the VPC CNI network-policy setting and '
    + 'node-group instance metadata options. Secret and ConfigMap values never leave the collector; only key names are kept.',
  'A reachability engine works out which workloads and address ranges can open connections to which, from the policies alone, '
    + 'and explains each answer by the rule that allowed or the lack of a policy that would block it. Policies that no CNI '
    + 'enforces block nothing.',
  'Each technique of Microsoft\'s Threat Matrix for Kubernetes that segmentation touches is a set of small checks over that '
    + 'evidence: can a workload reach the API server, the kubelet, the instance metadata API, a dashboard or tiller, or other '
    + 'namespaces? A check that lacks its evidence (forbidden, error, unreachable) reports unknown, which lowers coverage and '
    + 'never counts as a pass.',
  'Remediations are least-privilege NetworkPolicies (or ServiceAccount and pod-spec changes) that close the finding without '
    + 'widening what any other pod may do; the what-if score is recomputed with all of them applied.',
];

export interface ReportModelInput {
  readonly report: JsonReport;
  /** Techniques in catalog order: heat-map columns, finding groups and the appendix follow it. */
  readonly catalog: readonly TechniqueMeta[];
  readonly trends?: Trends;
  /** Earlier fleet scores, oldest first (`YYYY-MM-DD`), for the trend chart; the previous run's is added from `trends`. */
  readonly history?: readonly { readonly date: string; readonly score: number | null }[];
}

export function buildReportModel({ report, catalog, trends, history = [] }: ReportModelInput): ReportModel {
  const anchors = report.clusters.map((_, i) => `cluster-${i + 1}`);
  const clusters = report.clusters.map((c, i) => clusterSection(c, anchors[i]!, catalog, trends?.clusters[i]));
  const previous = trends ? [{ date: day(trends.previousGeneratedAt), score: trends.fleet.previous }] : [];
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
      trend: earlier.length > 0 ? [...earlier, { date: day(report.generatedAt), score: report.fleet.score }] : [],
    },
    heatMap: heatMap(report.clusters, anchors, catalog),
    topRisks: fleetRisks(report.clusters, anchors, catalog),
    ...(trends && { changes: changes(trends, anchors) }),
    clusters,
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

function clusterSection(c: ClusterReport, anchor: string, catalog: readonly TechniqueMeta[], trend: ClusterTrend | undefined): ClusterSection {
  const newIds = new Set(trend?.findings.new.map((f) => f.id) ?? []);
  const techniqueNames = new Map(c.techniques.map((t) => [t.id, t.name]));
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
    findingGroups: findingGroups(c.findings, catalog, techniqueNames, newIds),
    keyFindings: topRisks(c.findings, KEY_FINDINGS).map((f) => ({
      ...findingView(f, newIds.has(f.id)), techniqueId: f.technique, techniqueName: techniqueNames.get(f.technique) ?? f.technique,
    })),
    unknownEvidence: c.collection.filter((s) => s.status === 'forbidden' || s.status === 'error')
      .map((s) => ({ step: s.step, status: s.status, detail: s.detail ?? '' })),
  };
}

function findingGroups(
  findings: readonly ReportFinding[], catalog: readonly TechniqueMeta[], names: ReadonlyMap<string, string>, newIds: ReadonlySet<string>,
): FindingGroup[] {
  const byTechnique = new Map<string, ReportFinding[]>();
  for (const f of findings) {
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
      findings: group.filter((f) => f.status !== 'pass').map((f) => findingView(f, newIds.has(f.id))),
    }];
  });
}

function findingView(f: ReportFinding, isNew: boolean): FindingView {
  return {
    id: f.id, status: f.status, severity: f.severity, resource: resourceText(f.resource), message: f.message, evidence: f.evidence,
    ...(f.remediation && { remediation: f.remediation }), isNew,
  };
}

function resourceText(r: ReportFinding['resource']): string {
  return r.namespace === null ? `${r.kind} ${r.name}` : `${r.kind} ${r.namespace}/${r.name}`;
}

function heatMap(clusters: readonly ClusterReport[], anchors: readonly string[], catalog: readonly TechniqueMeta[]): HeatMap {
  return {
    techniques: catalog.map((t) => ({ id: t.id, name: t.name })),
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

/** The most severe failures over the fleet, one per technique first (see `topRisks`). */
function fleetRisks(clusters: readonly ClusterReport[], anchors: readonly string[], catalog: readonly TechniqueMeta[]): Risk[] {
  const where = new Map<ReportFinding, number>();
  clusters.forEach((c, i) => { for (const f of c.findings) if (f.status === 'fail') where.set(f, i); });
  const names = new Map(catalog.map((t) => [t.id, t.name]));
  return topRisks([...where.keys()], TOP_RISKS).map((f) => {
    const i = where.get(f)!;
    return {
      cluster: clusters[i]!.name, anchor: anchors[i]!, techniqueId: f.technique, techniqueName: names.get(f.technique) ?? f.technique,
      severity: f.severity, text: f.message,
    };
  });
}

/** `anchors` are the clusters' sections, in report order (the order of `trends.clusters`). */
function changes(trends: Trends, anchors: readonly string[]): Changes {
  const changed = (f: ReportFinding): ChangedFinding => ({ id: f.id, techniqueId: f.technique, resource: resourceText(f.resource), message: f.message });
  return {
    since: day(trends.previousGeneratedAt),
    fleetDelta: trends.fleet.delta,
    newFindings: trends.clusters.reduce((n, c) => n + c.findings.new.length, 0),
    resolvedFindings: trends.clusters.reduce((n, c) => n + c.findings.resolved.length, 0),
    unchangedFindings: trends.clusters.reduce((n, c) => n + c.findings.unchanged.length, 0),
    clusters: trends.clusters.map((c, i) => ({
      cluster: c.cluster, anchor: anchors[i]!, seenBefore: c.seenBefore, delta: c.score.delta,
      newFindings: c.findings.new.map(changed), resolvedFindings: c.findings.resolved.map(changed),
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
  const counts = { fail: 0, unknown: 0, pass: 0 };
  for (const f of findings) counts[f.status]++;
  return counts;
}

function sumCounts(list: readonly FindingCounts[]): FindingCounts {
  return list.reduce((a, b) => ({ fail: a.fail + b.fail, unknown: a.unknown + b.unknown, pass: a.pass + b.pass }), { fail: 0, unknown: 0, pass: 0 });
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
