/**
 * Runs every technique's checks on one snapshot. The runner, not the check, guards evidence: when
 * a kind a technique reads was not collected, its checks do not run and one `unknown` finding says
 * why. Network questions go through the reachability engine, seen through NetworkPolicy enforcement.
 */
import { hash } from 'node:crypto';
import { absenceIsUnknown } from '../evidence/buildSnapshot.js';
import { evidenceStatus, type EvidenceKind, type EvidenceSnapshot } from '../evidence/snapshot.js';
import { DiagnosticList } from '../diagnostics.js';
import type { CheckOutcome, Finding, ResourceRef, Verdict } from '../findings/finding.js';
import { analyzeObjects, type Analysis } from '../netpol/analyze.js';
import { CheckContext } from './context.js';
import { detectEnforcement, type Enforcement } from './enforcement.js';
import type { Technique } from './types.js';
import { inventoryWorkloads, type WorkloadInfo } from './workloads.js';
import type { InterfaceSignature } from './interfaceSignature.js';

export interface TechniqueRun {
  readonly findings: readonly Finding[];
  readonly enforcement: Enforcement;
  readonly analysis: Analysis;
  readonly context: CheckContext;
}

export type RunResult = { ok: true; run: TechniqueRun } | { ok: false; diagnostics: DiagnosticList };

/** What the what-if passes to skip reading workloads and policies again: an analysis of the changed policies and the run's workloads. */
export interface PreparedRun {
  readonly analysis: Analysis;
  readonly workloads: readonly WorkloadInfo[];
}

/** What the configuration adds to the checks' own data. */
export interface CheckOptions {
  /** Sensitive interfaces beyond kubeseg's catalogue (MS-TA9005), from `rules.interfaces`. */
  readonly extraInterfaces?: readonly InterfaceSignature[];
}

export function runTechniques(snapshot: EvidenceSnapshot, techniques: readonly Technique[], prepared?: PreparedRun, options: CheckOptions = {}): RunResult {
  const diagnostics = new DiagnosticList();
  const context = prepare(snapshot, diagnostics, prepared, options);
  if (!context) return { ok: false, diagnostics };
  const evidence = new StringPool();
  const findings = techniques.flatMap((t) => outcomesOf(context, t).map((o) => toFinding(o, t, evidence)));
  return { ok: true, run: { findings, enforcement: context.enforcement, analysis: context.analysis, context } };
}

/**
 * Only what scores read (technique, resource, status, severity) of the checks' outcomes: the what-if
 * needs no ids, messages or YAML. `judged` limits the workloads each technique judges (other subjects are
 * all judged). Undefined when the analysis is refused.
 */
export function techniqueVerdicts(
  snapshot: EvidenceSnapshot, techniques: readonly Technique[], prepared?: PreparedRun,
  judged: (technique: string, w: WorkloadInfo) => boolean = () => true, options: CheckOptions = {},
): Verdict[] | undefined {
  const context = prepare(snapshot, new DiagnosticList(), prepared, options);
  return context && techniques.flatMap((t) => context.judgeOnly((w) => judged(t.meta.id, w), () => outcomesOf(context, t))
    .map((o) => ({ technique: t.meta.id, check: o.check, resource: o.resource, status: o.status, severity: o.severity ?? t.meta.severity })));
}

function prepare(snapshot: EvidenceSnapshot, diagnostics: DiagnosticList, prepared: PreparedRun | undefined, options: CheckOptions): CheckContext | undefined {
  const analysis = prepared?.analysis ?? analyzeObjects(snapshot.objects.map((object) => ({ source: snapshot.cluster.name, object })), diagnostics);
  if (!analysis) return undefined;
  return new CheckContext(snapshot, analysis, prepared?.workloads ?? inventoryWorkloads(snapshot.objects, analysis.model), detectEnforcement(snapshot),
    options.extraInterfaces ?? []);
}

/** A technique's outcomes, or one `unknown` outcome naming the evidence that could not be collected. */
function outcomesOf(context: CheckContext, t: Technique): CheckOutcome[] {
  const { snapshot } = context;
  const missing = missingEvidence(snapshot, t.meta.evidence);
  if (missing.length === 0) return t.checks.flatMap((check) => check(context));
  return [{
    check: 'evidence', resource: { kind: 'Cluster', namespace: null, name: snapshot.cluster.name }, status: 'unknown',
    missing: missing.map((m) => m.kind),
    message: `${t.meta.name} could not be assessed: ${missing.map((m) => m.kind).join(', ')} could not be collected`,
    evidence: missing.map((m) => `${m.kind}: ${m.status}${m.detail ? ` (${m.detail})` : ''}`),
  }];
}

/**
 * One copy of each distinct text. The checks write the same evidence line for many findings (an
 * enforcement reason, the nodes outside node groups, an admin policy's rule): kept for the report,
 * the copies were about a fifth of a cluster's findings in memory.
 */
class StringPool {
  private readonly texts = new Map<string, string>();

  lines(lines: readonly string[]): readonly string[] {
    if (lines.length === 0) return lines;
    return lines.map((line) => {
      const kept = this.texts.get(line);
      if (kept !== undefined) return kept;
      this.texts.set(line, line);
      return line;
    });
  }
}

/** Listed field by field rather than spread: thousands of findings, one object shape. */
function toFinding(o: CheckOutcome, t: Technique, evidence: StringPool): Finding {
  return {
    id: findingId(t.meta.id, o.check, o.resource), technique: t.meta.id, severity: o.severity ?? t.meta.severity,
    check: o.check, resource: o.resource, status: o.status, message: o.message, evidence: evidence.lines(o.evidence),
    ...(o.remediation && { remediation: o.remediation }), ...(o.missing && { missing: o.missing }),
  };
}

function missingEvidence(snapshot: EvidenceSnapshot, kinds: readonly EvidenceKind[]): { kind: EvidenceKind; status: string; detail?: string }[] {
  return kinds.flatMap((kind) => {
    const step = evidenceStatus(snapshot, kind);
    const missing = step.status === 'forbidden' || step.status === 'error' || (step.status === 'absent' && absenceIsUnknown(kind));
    return missing ? [{ kind, status: step.status, ...(step.detail && { detail: step.detail }) }] : [];
  });
}

/** Stable across runs and clusters' object order: technique, check and resource. */
export function findingId(technique: string, check: string, r: ResourceRef): string {
  // The first 8 bytes as hex: the same 16 characters as slicing the hex digest, without keeping the
  // whole digest alive behind every id (a sliced string holds its parent).
  return hash('sha256', JSON.stringify([technique, check, r.kind, r.namespace, r.name]), 'buffer').toString('hex', 0, 8);
}
