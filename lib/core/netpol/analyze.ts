/** Entry point of the NetworkPolicy analysis: raw objects → model → reachability, with diagnostics. */
import type { DiagnosticList } from '../diagnostics.js';
import type { SourcedObject } from '../manifests/parseManifestText.js';
import { buildClusterModel, withNetworkPolicies } from './buildClusterModel.js';
import { Reachability } from './engine/reachability.js';
import type { ClusterModel } from './model.js';
import { checkOwnerLabelGaps } from './ownerLabelGaps.js';

export interface Analysis {
  readonly model: ClusterModel;
  readonly reachability: Reachability;
}

/** Returns undefined when a fatal diagnostic was recorded: then no answer would be trustworthy. */
export function analyzeObjects(objects: readonly SourcedObject[], diagnostics: DiagnosticList): Analysis | undefined {
  const model = buildClusterModel(objects, diagnostics);
  if (diagnostics.hasFatal) return undefined;
  return analyzeModel(model, diagnostics);
}

/**
 * The analysis of a cluster after NetworkPolicies are added or replaced (a what-if), reusing the
 * objects already read; only the reachability is worked out again.
 */
export function reanalyzeWithPolicies(previous: Analysis, policies: readonly SourcedObject[], diagnostics: DiagnosticList): Analysis | undefined {
  const model = withNetworkPolicies(previous.model, policies, diagnostics);
  if (diagnostics.hasFatal) return undefined;
  return analyzeModel(model, diagnostics);
}

function analyzeModel(model: ClusterModel, diagnostics: DiagnosticList): Analysis | undefined {
  checkOwnerLabelGaps(model, diagnostics);
  if (diagnostics.hasFatal) return undefined;
  const reachability = new Reachability(model);
  for (const warning of reachability.warnings) diagnostics.warn(warning);
  return { model, reachability };
}
