/** A technique of the Threat Matrix for Kubernetes: metadata as data, plus small pure checks. */
import type { EvidenceKind } from '../evidence/snapshot.js';
import type { CheckOutcome, Severity } from '../findings/finding.js';
import type { CheckContext } from './context.js';

export type Tactic =
  | 'Initial access' | 'Execution' | 'Persistence' | 'Privilege escalation' | 'Defense evasion'
  | 'Credential access' | 'Discovery' | 'Lateral movement' | 'Collection' | 'Impact';

export interface TechniqueMeta {
  /** `MS-TA9033`; techniques retired without an id use a `KUBESEG-` id. */
  readonly id: string;
  readonly name: string;
  readonly tactics: readonly Tactic[];
  /** MITRE ATT&CK technique ids, e.g. `T1552.005`. */
  readonly mitreAttack: readonly string[];
  /** Threat Matrix mitigations, e.g. `MS-M9014` (Network segmentation). */
  readonly mitigations: readonly string[];
  readonly severity: Severity;
  /** Weight in the cluster score (DESIGN §6). */
  readonly weight: number;
  /** Whether network segmentation (NetworkPolicies) mitigates it. */
  readonly segmentationMitigates: boolean;
  readonly formerNames: readonly string[];
  /** Set when the matrix retired the technique; names what replaced it, if anything. */
  readonly retired?: { readonly replacedBy?: string };
  /** What the checks read: a step that failed makes every finding unknown. */
  readonly evidence: readonly EvidenceKind[];
  /** One paragraph: what an attacker does and what kubeseg looks at. */
  readonly description: string;
}

/** A pure function over the snapshot and the reachability engine. */
export type Check = (ctx: CheckContext) => CheckOutcome[];

export interface Technique {
  readonly meta: TechniqueMeta;
  readonly checks: readonly Check[];
}
