/**
 * Corrected copies of existing NetworkPolicies. Several checks may each want to change the same
 * policy (one excludes the API server from its egress, another narrows one ingress rule), and two
 * independently corrected copies of one policy cannot both be applied: the second would undo the
 * first. So a copy remembers the edits it was made of, and the remediation bundle rebuilds the
 * policy once from the original with every suggestion's edits.
 */
import type { KubeObject } from '../evidence/snapshot.js';
import { isMap, type Json } from './json.js';

/** What becomes of one rule: zero rules (it goes), itself, or corrected copies. */
export type RuleEdit = (rule: Json) => Json[];

export interface PolicyEdits {
  readonly base: KubeObject;
  /** By the rule's index in the original policy. */
  readonly ingress: ReadonlyMap<number, readonly RuleEdit[]>;
  /** Applied to every egress rule, in order. */
  readonly egress: readonly RuleEdit[];
}

const editsOf = new WeakMap<object, PolicyEdits>();

/** A manifest that replaces `base` (same name and namespace) with the edits applied. */
export function editedPolicy(base: KubeObject, edits: Omit<PolicyEdits, 'base'>): object {
  const all: PolicyEdits = { base, ...edits };
  const manifest = applyEdits(all);
  editsOf.set(manifest, all);
  return manifest;
}

/** Whether the manifest is a corrected copy of an existing policy (it can only narrow what the original allowed). */
export function isEditedCopy(manifest: object): boolean {
  return editsOf.has(manifest);
}

export function ingressEdits(indexes: Iterable<number>, edit: RuleEdit): Omit<PolicyEdits, 'base'> {
  return { ingress: new Map([...indexes].map((i) => [i, [edit]])), egress: [] };
}

export function egressEdit(edit: RuleEdit): Omit<PolicyEdits, 'base'> {
  return { ingress: new Map(), egress: [edit] };
}

/**
 * One manifest for several edited copies of the same original: the original with all their edits.
 * Undefined when a manifest is not an edited copy, or the copies come from different originals.
 */
export function combineEditedCopies(manifests: readonly object[]): object | undefined {
  const edits = manifests.map((m) => editsOf.get(m));
  const base = edits[0]?.base;
  if (!base || edits.some((e) => e?.base !== base)) return undefined;
  const ingress = new Map<number, RuleEdit[]>();
  for (const e of edits) for (const [i, list] of e!.ingress) ingress.set(i, [...(ingress.get(i) ?? []), ...list]);
  return editedPolicy(base, { ingress, egress: edits.flatMap((e) => e!.egress) });
}

function applyEdits({ base, ingress, egress }: PolicyEdits): object {
  const spec: Json = isMap(base.spec) ? base.spec : {};
  const rules = (key: string): Json[] => (Array.isArray(spec[key]) ? (spec[key] as unknown[]).filter(isMap) : []);
  const editedIngress = rules('ingress').flatMap((rule, i) => chain([rule], ingress.get(i) ?? []));
  const editedEgress = rules('egress').flatMap((rule) => chain([rule], egress));
  const { metadata } = base;
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
    metadata: { name: metadata.name, namespace: metadata.namespace ?? 'default', ...(metadata.labels ? { labels: metadata.labels } : {}) },
    spec: {
      ...spec,
      // Without policyTypes a policy whose last egress rule went would stop isolating egress at all.
      ...(spec.policyTypes === undefined ? { policyTypes: rules('egress').length > 0 ? ['Ingress', 'Egress'] : ['Ingress'] } : {}),
      ...(spec.ingress !== undefined || ingress.size > 0 ? { ingress: editedIngress } : {}),
      ...(spec.egress !== undefined || egress.length > 0 ? { egress: editedEgress } : {}),
    },
  };
}

/** Each edit in turn on every rule the previous ones left; a rule two edits both add is kept once. */
function chain(rules: Json[], edits: readonly RuleEdit[]): Json[] {
  return edits.reduce((current, edit) => uniqueRules(current.flatMap(edit)), rules);
}

function uniqueRules(rules: readonly Json[]): Json[] {
  const seen = new Set<string>();
  return rules.filter((r) => {
    const key = JSON.stringify(r);
    return !seen.has(key) && seen.add(key) !== undefined;
  });
}
