/**
 * The report model: exactly what the HTML, PDF, CSV and email renderers may read. It is built once
 * (buildReportModel) from the JSON report, the trends and the technique catalog; renderers format
 * it and compute nothing. Every string in it may come from a cluster and must be rendered as text.
 */
import type { FindingStatus, Severity } from '../findings/finding.js';
import type { Grade, TechniqueStatus as Status } from '../scoring/score.js';
import type { TechniqueMeta } from '../techniques/types.js';

export type { FindingStatus, Grade, Severity, Status };
/** A score's band, for colours: good ≥ 90, fair ≥ 70, poor ≥ 50, bad below, none without a score. */
export type Band = 'good' | 'fair' | 'poor' | 'bad' | 'none';

export interface ReportModel {
  readonly title: string;
  /** ISO 8601, as in the JSON report. */
  readonly generatedAt: string;
  readonly toolVersion: string;
  readonly fleet: FleetSummary;
  readonly heatMap: HeatMap;
  /** The five most severe problems of the fleet, in plain words. */
  readonly topRisks: readonly Risk[];
  /** What changed since the previous run; undefined when none was given. */
  readonly changes?: Changes;
  readonly clusters: readonly ClusterSection[];
  readonly appendix: Appendix;
}

export interface FleetSummary {
  readonly score: number | null;
  readonly grade: Grade | null;
  readonly band: Band;
  readonly coverage: number;
  readonly clusters: number;
  readonly workloads: number;
  /** Failing, unknown and passing findings over the fleet. */
  readonly counts: FindingCounts;
  /** The fleet score after every suggested remediation (workload-weighted over the clusters that have one). */
  readonly whatIfScore: number | null;
  /** Score changes since the previous run, oldest first, ending with this run. Empty without a previous run. */
  readonly trend: readonly TrendPoint[];
}

export interface FindingCounts {
  readonly fail: number;
  readonly unknown: number;
  readonly pass: number;
}

export interface TrendPoint {
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly score: number | null;
}

export interface HeatMap {
  /** The columns: techniques in catalog order. */
  readonly techniques: readonly { readonly id: string; readonly name: string }[];
  /** One row per cluster, in report order; one cell per technique column. */
  readonly rows: readonly { readonly cluster: string; readonly anchor: string; readonly cells: readonly HeatCell[] }[];
}

export interface HeatCell {
  readonly techniqueId: string;
  readonly score: number | null;
  readonly status: Status;
  readonly band: Band;
  /** assessed / (assessed + unknown), or null when nothing was judged. */
  readonly coverage: number | null;
}

export interface Risk {
  readonly cluster: string;
  readonly anchor: string;
  readonly techniqueId: string;
  readonly techniqueName: string;
  readonly severity: Severity;
  /** One sentence: what is exposed and to what. */
  readonly text: string;
}

export interface Changes {
  /** `YYYY-MM-DD` of the previous run. */
  readonly since: string;
  readonly fleetDelta: number | null;
  readonly newFindings: number;
  readonly resolvedFindings: number;
  readonly unchangedFindings: number;
  readonly clusters: readonly {
    readonly cluster: string;
    /** The cluster's section (see ClusterSection.anchor). */
    readonly anchor: string;
    readonly seenBefore: boolean;
    readonly delta: number | null;
    readonly newFindings: readonly ChangedFinding[];
    readonly resolvedFindings: readonly ChangedFinding[];
  }[];
  /** Clusters the previous run had and this one lacks. */
  readonly dropped: readonly string[];
}

export interface ChangedFinding {
  readonly id: string;
  readonly techniqueId: string;
  readonly resource: string;
  readonly message: string;
}

export interface ClusterSection {
  readonly name: string;
  /** A stable HTML id / PDF destination for links (`cluster-<n>`). */
  readonly anchor: string;
  readonly account: string | null;
  readonly region: string | null;
  readonly source: string;
  readonly status: 'assessed' | 'partial' | 'unreachable';
  readonly score: number | null;
  readonly grade: Grade | null;
  readonly band: Band;
  readonly coverage: number;
  readonly blastRadius: number | null;
  readonly workloads: number | null;
  /** NetworkPolicy enforcement; a problem with it is shown before anything else. */
  readonly enforcement: { readonly status: 'enforced' | 'not-enforced' | 'unknown'; readonly reason: string } | null;
  readonly whatIf: { readonly score: number | null; readonly grade: Grade | null } | null;
  readonly delta: number | null;
  readonly counts: FindingCounts;
  readonly techniques: readonly TechniqueRow[];
  /** Failing and unknown findings, grouped by technique in catalog order (passes are counted, not listed). */
  readonly findingGroups: readonly FindingGroup[];
  /**
   * The cluster's most severe failing findings, one per technique before a second of any: what a
   * one-section summary (the PDF) lists; the first few carry their remediation manifests there.
   */
  readonly keyFindings: readonly KeyFinding[];
  /** Evidence that could not be collected, with the reason. */
  readonly unknownEvidence: readonly { readonly step: string; readonly status: string; readonly detail: string }[];
}

export interface TechniqueRow {
  readonly id: string;
  readonly name: string;
  readonly tactics: readonly string[];
  readonly status: Status;
  readonly score: number | null;
  readonly band: Band;
  readonly exposed: number;
  readonly assessed: number;
  readonly unknown: number;
  readonly coverage: number | null;
  readonly delta: number | null;
}

export interface FindingGroup {
  readonly techniqueId: string;
  readonly techniqueName: string;
  readonly fail: number;
  readonly unknown: number;
  readonly pass: number;
  readonly findings: readonly FindingView[];
}

export interface KeyFinding extends FindingView {
  readonly techniqueId: string;
  readonly techniqueName: string;
}

export interface FindingView {
  readonly id: string;
  readonly status: FindingStatus;
  readonly severity: Severity;
  /** `Deployment shop/web`. */
  readonly resource: string;
  readonly message: string;
  readonly evidence: readonly string[];
  readonly remediation?: { readonly text: string; readonly yaml?: string };
  /** Failing now and not in the previous run. */
  readonly isNew: boolean;
}

export interface Appendix {
  /** Paragraphs on how kubeseg assesses a cluster. */
  readonly method: readonly string[];
  /** The scoring formula, one line per rule (from lib/core/scoring/score.ts). */
  readonly formula: readonly string[];
  readonly catalog: readonly CatalogEntry[];
  /** Every collection step of every cluster. */
  readonly collectionLog: readonly { readonly cluster: string; readonly step: string; readonly status: string; readonly detail: string }[];
}

/** What the appendix shows of each technique: its metadata, without what only the checks use. */
export type CatalogEntry = Pick<TechniqueMeta,
  'id' | 'name' | 'tactics' | 'mitreAttack' | 'mitigations' | 'severity' | 'weight' | 'segmentationMitigates' | 'formerNames' | 'description'>;
