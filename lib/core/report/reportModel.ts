/**
 * The report model: exactly what the HTML, PDF, CSV and email renderers may read. It is built once
 * (buildReportModel) from the JSON report, the trends and the technique catalog; renderers format
 * it and compute nothing. Every string in it may come from a cluster and must be rendered as text,
 * made inert (lib/core/format/inert.ts). `Prose` is text whose code spans a renderer shows as code.
 */
import type { FindingStatus, Severity } from '../findings/finding.js';
import type { Prose } from '../format/prose.js';
import type { Grade, TechniqueStatus as Status } from '../scoring/score.js';
import type { TechniqueMeta } from '../techniques/types.js';

export type { FindingStatus, Grade, Prose, Severity, Status };
/** A score's band, for colours: good ≥ 90, fair ≥ 70, poor ≥ 50, bad below, none without a score. */
export type Band = 'good' | 'fair' | 'poor' | 'bad' | 'none';

export interface ReportModel {
  readonly title: string;
  /** ISO 8601, as in the JSON report. */
  readonly generatedAt: string;
  readonly toolVersion: string;
  readonly fleet: FleetSummary;
  readonly heatMap: HeatMap;
  /** The fleet's five top risks in plain words (lib/core/report/topRisks.ts): spread over the clusters, one per workload. */
  readonly topRisks: readonly Risk[];
  /** What changed since the previous run; undefined when none was given. */
  readonly changes?: Changes;
  readonly clusters: readonly ClusterSection[];
  /** Exceptions of the configuration that expired and no longer apply: each is to be renewed or removed. */
  readonly expiredExceptions: readonly ExceptionView[];
  readonly appendix: Appendix;
}

/** An exception of the configuration as reports show it. */
export interface ExceptionView {
  readonly technique: string;
  readonly check: string | null;
  readonly resource: string;
  readonly cluster: string | null;
  readonly reason: string;
  readonly owner: string;
  readonly expires: string;
}

/** A failing finding whose risk an exception accepts. */
export interface AcceptedView {
  readonly techniqueId: string;
  readonly techniqueName: string;
  readonly check: string;
  readonly severity: Severity;
  /** `Deployment shop/web`. */
  readonly resource: string;
  readonly message: Prose;
  readonly reason: string;
  readonly owner: string;
  readonly expires: string;
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
  /** Failures that an exception of the configuration covers: not scored, listed apart. */
  readonly accepted: number;
  readonly pass: number;
}

export interface TrendPoint {
  /** When the run was: an ISO 8601 instant, or `YYYY-MM-DD` for a history entry given by day. */
  readonly date: string;
  /** `YYYY-MM-DD`, with ` HH:MM` (UTC) when another run falls on the same day. */
  readonly label: string;
  readonly score: number | null;
}

export interface HeatMap {
  /** The columns: techniques in catalog order; `shortName` fits a narrow column header. */
  readonly techniques: readonly { readonly id: string; readonly name: string; readonly shortName: string }[];
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
  /** `Deployment shop/web`. */
  readonly resource: string;
  /** Other workloads the resource can open connections to; null when it is not a workload. */
  readonly reach: number | null;
  /** One sentence: what is exposed and to what. */
  readonly text: Prose;
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
  readonly message: Prose;
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
  /** Failing and unknown findings, grouped by technique in catalog order, then into issues (passes are counted, not listed). */
  readonly findingGroups: readonly FindingGroup[];
  /**
   * The cluster's failing issues that matter most (severity, then how many workloads, then reach):
   * what a one-section summary (the PDF) lists; the first few carry their remediation manifests there.
   */
  readonly keyIssues: readonly KeyIssue[];
  /** Failures accepted by the configuration's exceptions, with who accepted them, why and until when. */
  readonly acceptedRisks: readonly AcceptedView[];
  /** Findings the configuration's ignore rules left out of the report. */
  readonly ignored: number;
  /** Evidence that is not in the input or could not be collected, with the reason and how to get it. */
  readonly evidenceGaps: readonly EvidenceGap[];
  /** The cluster's remediation bundle (`remediation.yaml`), relative to the report, when one was written. */
  readonly remediationFile?: string;
}

export interface EvidenceGap {
  readonly step: string;
  readonly status: 'forbidden' | 'error' | 'absent';
  readonly reason: Prose;
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
  readonly accepted: number;
  readonly pass: number;
  readonly issues: readonly Issue[];
}

/**
 * Findings of one check with one problem or one fix: their message or remediation reads the same once
 * the workload is named `‹workload›` (lib/core/report/findingIssues.ts). Shown once, with its workloads.
 */
export interface Issue {
  readonly check: string;
  readonly status: FindingStatus;
  /** The highest severity of its findings. */
  readonly severity: Severity;
  /** The findings' message, with `‹workload›` for each workload when there are several; null when they differ beyond that. */
  readonly message: Prose | null;
  /**
   * The remediation, worded as `message`, with `‹varies›` for a few words that differ per workload
   * (each finding then has its own text); `yaml` only when every finding has the same manifest
   * (else each finding carries its own). Absent when the findings' remediations differ more.
   */
  readonly remediation?: { readonly text: Prose; readonly yaml?: string };
  /** The largest reach among its findings. */
  readonly reach: number | null;
  /** How many of its findings are new since the previous run. */
  readonly newFindings: number;
  readonly findings: readonly FindingView[];
}

export interface KeyIssue extends Issue {
  readonly techniqueId: string;
  readonly techniqueName: string;
}

export interface FindingView {
  readonly id: string;
  readonly status: FindingStatus;
  readonly severity: Severity;
  /** `Deployment shop/web`. */
  readonly resource: string;
  readonly message: Prose;
  readonly evidence: readonly string[];
  /** Its own remediation text, when its issue's shared text leaves gaps (`‹varies›`) or the issue has none. */
  readonly remediation?: Prose;
  /** Its own remediation manifest, when its issue has no manifest shared by all. */
  readonly yaml?: string;
  /** Other workloads it can open connections to; null when the resource is not a workload. */
  readonly reach: number | null;
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
