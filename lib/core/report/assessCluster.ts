/**
 * One cluster, start to end of the pure pipeline: snapshot → findings → scores, blast radius and
 * the what-if score after the suggested remediations (recomputed by the engine, not estimated).
 */
import { DiagnosticList, formatDiagnostic } from '../diagnostics.js';
import { sanitizeObject } from '../evidence/sanitize.js';
import { API_SERVER_STEP, type ClusterIdentity, type CollectionStep, type EvidenceSnapshot, type KubeObject } from '../evidence/snapshot.js';
import type { Finding, ResourceRef } from '../findings/finding.js';
import { reanalyzeWithPolicies } from '../netpol/analyze.js';
import { blastRadius, scoreCluster, type ClusterScore, type Grade } from '../scoring/score.js';
import type { Enforcement } from '../techniques/enforcement.js';
import { buildRemediationBundle, type RemediationBundle } from '../techniques/bundle.js';
import { applyFindingRules, type RuleSettings } from './findingRules.js';
import { runTechniques, techniqueVerdicts, type CheckOptions, type TechniqueRun } from '../techniques/runTechniques.js';
import type { Technique } from '../techniques/types.js';
import type { WorkloadInfo } from '../techniques/workloads.js';

export type ClusterStatus = 'assessed' | 'partial' | 'unreachable';

/**
 * What the reports need of one cluster. It keeps the cluster's identity, not its snapshot: a fleet's
 * objects can then be let go cluster by cluster as each is assessed.
 */
export interface ClusterAssessment {
  readonly cluster: ClusterIdentity;
  readonly status: ClusterStatus;
  readonly findings: readonly Finding[];
  readonly score: ClusterScore;
  readonly enforcement: Enforcement | null;
  readonly blastRadius: number | null;
  /** Per workload (by {@link workloadKey}): the other workloads it can open connections to. */
  readonly reach: ReadonlyMap<string, number>;
  readonly workloads: number;
  /** Every suggested manifest, merged, and the pod-spec patches: what remediation.yaml holds and the what-if applies. */
  readonly bundle: RemediationBundle;
  /** After applying the bundle's manifests and enabling NetworkPolicy enforcement. */
  readonly whatIf: { readonly score: number | null; readonly grade: Grade | null } | null;
  /** Collection steps plus analysis problems, in order. */
  readonly collection: readonly CollectionStep[];
  /** Findings the configuration's ignore rules left out. */
  readonly ignored: number;
}

/** `settings`: the configuration's rules and exceptions, applied before anything is scored or suggested. */
export function assessCluster(snapshot: EvidenceSnapshot, techniques: readonly Technique[], settings?: RuleSettings): ClusterAssessment {
  const metas = techniques.map((t) => t.meta);
  const options = checkOptions(settings);
  const result = runTechniques(snapshot, techniques, undefined, options);
  if (!result.ok) {
    const detail = result.diagnostics.all.filter((d) => d.severity === 'fatal').map(formatDiagnostic).join('; ');
    return {
      cluster: snapshot.cluster, status: 'partial', findings: [], score: scoreCluster(metas, []), enforcement: null, blastRadius: null, reach: new Map(),
      workloads: 0, bundle: { manifests: [], patches: [] }, whatIf: null, collection: [...snapshot.collection, { step: 'analysis', status: 'error', detail }],
      ignored: 0,
    };
  }
  const { enforcement, context } = result.run;
  const { findings, ignored } = applyFindingRules(result.run.findings, snapshot.cluster.name, settings);
  // Unenforced (or possibly unenforced) policies stop nothing: every workload reaches every other.
  const counts = context.queries.reachCounts()
    .map((c) => (enforcement.status === 'enforced' ? c : { ...c, reachable: c.others }));
  const radius = blastRadius(counts);
  const partial = snapshot.collection.some((s) => s.status === 'forbidden' || s.status === 'error');
  const unreachable = snapshot.collection.some((s) => s.step === API_SERVER_STEP && s.status !== 'ok');
  const bundle = buildRemediationBundle(findings);
  return {
    cluster: snapshot.cluster,
    status: unreachable ? 'unreachable' : partial ? 'partial' : 'assessed',
    findings,
    score: scoreCluster(metas, findings),
    enforcement,
    // An unreachable cluster's empty evidence says nothing about its reach: no radius, no what-if.
    blastRadius: unreachable ? null : radius,
    reach: new Map(counts.map((c) => [workloadKey(c.workload), c.reachable])),
    workloads: context.workloads.length,
    bundle,
    whatIf: unreachable ? null : whatIf(result.run, findings, bundle, techniques, settings, options),
    collection: snapshot.collection,
    ignored,
  };
}

/** The configuration's additions to the checks' data. */
function checkOptions(settings: RuleSettings | undefined): CheckOptions {
  const interfaces = settings?.rules.rules?.interfaces ?? [];
  return interfaces.length === 0 ? {} : { extraInterfaces: interfaces.map((i) => ({ ...i, images: i.images ?? [], labels: i.labels ?? [] })) };
}

/** The key of a workload (or of the resource a finding names) in {@link ClusterAssessment.reach}. */
export function workloadKey(r: { readonly kind: string; readonly namespace: string | null; readonly name: string }): string {
  return `${r.kind}|${r.namespace ?? ''}|${r.name}`;
}

/**
 * The snapshot with the bundle's manifests applied (each replaces the object of its name) and
 * NetworkPolicy enforcement switched on, and the NetworkPolicies among the manifests. Pod-spec
 * patches are advice only and are not applied.
 */
export function remediatedSnapshot(snapshot: EvidenceSnapshot, bundle: RemediationBundle): { snapshot: EvidenceSnapshot; policies: KubeObject[] } {
  const key = (o: { kind?: unknown; metadata?: unknown }): string => {
    const m = (o.metadata ?? {}) as { namespace?: string; name?: string };
    return `${String(o.kind)}|${m.namespace ?? 'default'}|${m.name}`;
  };
  const replaced = new Map(bundle.manifests.map((o) => [key(o), sanitizeObject(o as Record<string, unknown>)]));
  const objects = [...snapshot.objects.filter((o) => !replaced.has(key(o))), ...replaced.values()];
  return {
    snapshot: { ...snapshot, objects, cloud: { ...snapshot.cloud, vpcCni: { ...snapshot.cloud.vpcCni, enableNetworkPolicy: true } } },
    policies: [...replaced.values()].filter((o) => o.kind === 'NetworkPolicy'),
  };
}

/**
 * The score after {@link remediatedSnapshot}, recomputed by the engine. Only NetworkPolicies change
 * the reachability, so the analysis reuses the run's model and workloads.
 */
function whatIf(
  run: TechniqueRun, findings: readonly Finding[], bundle: RemediationBundle, techniques: readonly Technique[], settings: RuleSettings | undefined,
  options: CheckOptions,
): ClusterAssessment['whatIf'] {
  const fixed = remediatedSnapshot(run.context.snapshot, bundle);
  const analysis = reanalyzeWithPolicies(run.analysis, fixed.policies.map((object) => ({ source: 'what-if', object })), new DiagnosticList());
  if (!analysis) return null;
  // Only techniques that policies, enforcement or the suggested manifests can change are re-run.
  const fixedTechniques = new Set(findings.filter((f) => f.status === 'fail' && f.remediation?.manifests).map((f) => f.technique));
  const affected = techniques.filter((t) => t.meta.segmentationMitigates || fixedTechniques.has(t.meta.id));
  // The changes only take connections away (and enforce what policies block), so a workload that
  // passed stays passed: only the others are judged again.
  const subject = (technique: string, r: ResourceRef): string => `${technique}|${r.kind}|${r.namespace}|${r.name}`;
  const rejudged = new Set(findings.filter((f) => f.status !== 'pass').map((f) => subject(f.technique, f.resource)));
  const workloads = new Set(run.context.workloads.map((w) => subject('', w.ref)));
  const judged = (technique: string, w: WorkloadInfo): boolean => rejudged.has(subject(technique, w.ref));
  const judgedAgain = techniqueVerdicts(fixed.snapshot, affected, { analysis, workloads: run.context.workloads }, judged, options);
  if (!judgedAgain) return null;
  // The same rules as the run's own findings: an ignored one stays out, an accepted one stays accepted.
  const verdicts = applyFindingRules(judgedAgain, run.context.snapshot.cluster.name, settings).findings;
  const isAffected = new Set(affected.map((t) => t.meta.id));
  const kept = findings.filter((f) => !isAffected.has(f.technique)
    || (workloads.has(subject('', f.resource)) && !rejudged.has(subject(f.technique, f.resource))));
  const score = scoreCluster(techniques.map((t) => t.meta), [...kept, ...verdicts]);
  return { score: score.score, grade: score.grade };
}
