/** Findings: one verdict of one check on one resource (DESIGN §3.2). */
import type { EvidenceKind } from '../evidence/snapshot.js';

/** What a check concludes. */
export type CheckStatus = 'fail' | 'pass' | 'unknown';
/** A finding's status: a check's, or `accepted` for a failure that an exception in the configuration covers. */
export type FindingStatus = CheckStatus | 'accepted';
export type Severity = 'low' | 'medium' | 'high' | 'critical';

export interface ResourceRef {
  readonly kind: string;
  /** Null for cluster-scoped kinds. */
  readonly namespace: string | null;
  readonly name: string;
}

export interface Remediation {
  readonly text: string;
  /** A least-privilege NetworkPolicy (or other manifest) that would close a network finding. */
  readonly yaml?: string;
  /** The Kubernetes objects `yaml` holds, when it holds whole objects: what the what-if applies. */
  readonly manifests?: readonly object[];
  /** Changes to workloads' pod specs, for `kubectl patch` (the what-if does not apply them). */
  readonly patches?: readonly PodSpecPatch[];
}

/** A strategic-merge patch of one workload (the patch holds the path down to the pod spec). */
export interface PodSpecPatch {
  readonly target: { readonly kind: string; readonly namespace: string; readonly name: string };
  readonly patch: object;
}

/** What a check returns; the runner adds the technique, severity and stable id. */
export interface CheckOutcome {
  readonly check: string;
  readonly resource: ResourceRef;
  readonly status: CheckStatus;
  readonly message: string;
  readonly evidence: readonly string[];
  readonly remediation?: Remediation;
  /** Evidence kinds whose absence made this unknown, for the collection log. */
  readonly missing?: readonly EvidenceKind[];
  /** A check that is milder than its technique says so here; otherwise the technique's severity applies. */
  readonly severity?: Severity;
}

/** What a score reads of a finding: which technique judged which resource, and how (and how badly). */
export interface Verdict {
  readonly technique: string;
  /** What the exceptions of the configuration match, beside technique and resource. */
  readonly check: string;
  readonly resource: ResourceRef;
  readonly status: FindingStatus;
  /** A low-severity failure is scored as a pass (see SCORING_FORMULA). */
  readonly severity?: Severity;
}

/** Who accepted a failing finding's risk, why, and until when (an exception of the configuration file). */
export interface AcceptedRisk {
  readonly reason: string;
  readonly owner: string;
  /** `YYYY-MM-DD`: the last day the exception applies. */
  readonly expires: string;
}

export interface Finding extends Omit<CheckOutcome, 'status'>, Verdict {
  /** Stable across runs: a hash of technique, check and resource. */
  readonly id: string;
  readonly technique: string;
  readonly status: FindingStatus;
  readonly severity: Severity;
  /** Set when status is `accepted`. */
  readonly accepted?: AcceptedRisk;
}

export function resourceText(r: ResourceRef): string {
  return r.namespace === null ? `${r.kind} ${r.name}` : `${r.kind} ${r.namespace}/${r.name}`;
}

export function pass(check: string, resource: ResourceRef, message: string, evidence: readonly string[] = []): CheckOutcome {
  return { check, resource, status: 'pass', message, evidence };
}

export function fail(
  check: string, resource: ResourceRef, message: string, evidence: readonly string[], remediation?: Remediation,
): CheckOutcome {
  return { check, resource, status: 'fail', message, evidence, ...(remediation && { remediation }) };
}

export function unknown(check: string, resource: ResourceRef, message: string, evidence: readonly string[] = []): CheckOutcome {
  return { check, resource, status: 'unknown', message, evidence };
}
