/**
 * One cluster's remediation bundle: every manifest kubeseg suggests, merged so that no two share a
 * name, plus the pod-spec patches as quoted `kubectl patch` commands. It is what `remediation.yaml`
 * holds and exactly what the what-if applies.
 *
 * Suggestions for the same object are merged into one that satisfies all of them:
 * - corrected copies of one existing NetworkPolicy are rebuilt from the original with every edit;
 * - new NetworkPolicies keep what every suggestion allows in common: a direction that one of them
 *   denies outright stays denied, `except` lists of the same ipBlock are united;
 * - a kubeseg egress policy that allows all but some addresses is dropped where a kubeseg
 *   default-deny egress already selects the same pods: with both applied, the wider one would win.
 */
import type { ClusterIdentity } from '../evidence/snapshot.js';
import type { Finding, PodSpecPatch } from '../findings/finding.js';
import { commentedYaml, commentLines, toYaml } from '../format/yamlText.js';
import { isMap, type Json } from './json.js';
import { patchHowTo } from './patchCommands.js';
import { combineEditedCopies, isEditedCopy } from './policyEdits.js';
import { isDefaultDenyEgress, isEgressExceptPolicy, withMarksOf } from './remediation.js';

export interface RemediationBundle {
  /** Sorted by namespace, kind and name; no two with the same kind, namespace and name. */
  readonly manifests: readonly object[];
  /** At most one per workload. */
  readonly patches: readonly PodSpecPatch[];
}

export function buildRemediationBundle(findings: readonly Finding[]): RemediationBundle {
  const failing = findings.filter((f) => f.status === 'fail' && f.remediation);
  const manifests = mergeSuggestedManifests(failing.flatMap((f) => f.remediation!.manifests ?? []));
  const patches = mergePatches(failing.flatMap((f) => f.remediation!.patches ?? []));
  return { manifests, patches };
}

/** The bundle file (named `fileName`): a header, the patch commands as comments, then the manifests; `kubectl apply -f` takes it as it is. */
export function bundleYaml(bundle: RemediationBundle, cluster: ClusterIdentity, fileName: string): string {
  const where = [cluster.account, cluster.region].filter(Boolean).join(' ');
  const header = [
    `kubeseg remediation bundle for cluster ${cluster.name}${where ? ` (${where})` : ''}.`,
    `Review, then apply with: kubectl apply -f ${fileName}`,
    'NetworkPolicies only take effect where a CNI enforces them.',
  ];
  const commands = bundle.patches.length === 0 ? [] : [
    '',
    'Pod-spec changes (kubectl apply does not run these; run each one):',
    ...bundle.patches.map(patchHowTo),
  ];
  const comment = [...header, ...commands];
  if (bundle.manifests.length === 0) return `${commentLines([...comment, '', 'No manifests to apply.'])}\n`;
  const [first, ...rest] = bundle.manifests;
  return `${[commentedYaml(first!, comment), ...rest.map((m) => toYaml(m))].join('\n---\n')}\n`;
}

function keyOf(m: Json): string {
  const meta = (m.metadata ?? {}) as { name?: string; namespace?: string };
  return `${meta.namespace ?? 'default'}|${String(m.kind)}|${meta.name}`;
}

/** Merges suggestions for the same object (see the module comment). */
export function mergeSuggestedManifests(manifests: readonly object[]): object[] {
  const byKey = new Map<string, Json[]>();
  for (const m of manifests as Json[]) {
    const key = keyOf(m);
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, [m]);
    else if (!seen.includes(m)) seen.push(m);
  }
  const merged = [...byKey.values()].map((group) => (group.length === 1 ? group[0]! : withMarksOf(mergeGroup(group), group)));
  const denyEgress = merged.filter(isDefaultDenyEgress);
  const kept = merged.filter((m) => !(isEgressExceptPolicy(m) && denyEgress.some((d) => covers(d, m))));
  return keepDenialsDenied(kept).sort((a, b) => keyOf(a as Json).localeCompare(keyOf(b as Json)));
}

/**
 * A suggestion that admits nothing into some pods (tiller, say) would be undone by another that
 * admits traffic into the same pods, since policies add up. Such an allowing suggestion is kept
 * off them: its selector gets a `NotIn` on one of their labels. Pods it then no longer selects
 * keep what they have today, which is never more than before.
 */
function keepDenialsDenied(manifests: readonly object[]): object[] {
  const denials = manifests.filter((m) => (m as Json).kind === 'NetworkPolicy' && admitsNothing(m as Json));
  return manifests.map((m) => {
    const policy = m as Json;
    if (policy.kind !== 'NetworkPolicy' || isEditedCopy(m) || admitsNothing(policy) || !isolatesIngress(policy)) return m;
    const spec = policy.spec as Json;
    const selector = isMap(spec.podSelector) ? spec.podSelector : {};
    const excluded = denials.filter((d) => sameNamespace(d as Json, policy) && mayOverlap(selectorOf(d as Json), selector))
      .flatMap((d) => Object.entries(selectorOf(d as Json).matchLabels ?? {}).slice(0, 1));
    if (excluded.length === 0) return m;
    const expressions = [...(Array.isArray(selector.matchExpressions) ? selector.matchExpressions : []),
      ...excluded.map(([key, value]) => ({ key, operator: 'NotIn', values: [value] }))];
    return { ...policy, spec: { ...spec, podSelector: { ...selector, matchExpressions: expressions } } };
  });
}

function isolatesIngress(policy: Json): boolean {
  return policyTypesOf((policy.spec ?? {}) as Json).includes('Ingress');
}

/** Isolates ingress and admits nothing. */
function admitsNothing(policy: Json): boolean {
  const spec = (policy.spec ?? {}) as Json;
  return isolatesIngress(policy) && (!Array.isArray(spec.ingress) || spec.ingress.length === 0);
}

function selectorOf(policy: Json): { matchLabels?: Record<string, string> } {
  const spec = (policy.spec ?? {}) as Json;
  return isMap(spec.podSelector) ? (spec.podSelector as { matchLabels?: Record<string, string> }) : {};
}

function sameNamespace(a: Json, b: Json): boolean {
  return ((a.metadata ?? {}) as Json).namespace === ((b.metadata ?? {}) as Json).namespace;
}

/** Two matchLabels selectors can pick the same pod unless they want different values of one key. */
function mayOverlap(a: { matchLabels?: Record<string, string> }, b: Json): boolean {
  const labels = isMap(b.matchLabels) ? (b.matchLabels as Record<string, string>) : {};
  return Object.entries(a.matchLabels ?? {}).every(([k, v]) => labels[k] === undefined || labels[k] === v)
    && Object.keys(a.matchLabels ?? {}).length > 0;
}

function mergeGroup(group: readonly Json[]): Json {
  const copies = combineEditedCopies(group);
  if (copies) return copies as Json;
  if (group[0]!.kind === 'NetworkPolicy') return group.reduce(mergePolicies);
  // A ServiceAccount (the only other kind suggested): the suggestions agree but for automounting, and `false` is what they ask.
  return group.reduce((a, b) => ({ ...a, ...b, ...(a.automountServiceAccountToken === false || b.automountServiceAccountToken === false ? { automountServiceAccountToken: false } : {}) }));
}

/** A default-deny egress policy selects every pod the other policy selects (the same namespace; all pods, or the same labels). */
function covers(denyAll: object, other: object): boolean {
  const a = denyAll as { metadata: { namespace?: string }; spec: { podSelector?: Json } };
  const b = other as { metadata: { namespace?: string }; spec: { podSelector?: Json } };
  if (a.metadata.namespace !== b.metadata.namespace) return false;
  const selector = JSON.stringify(a.spec.podSelector ?? {});
  return selector === '{}' || selector === JSON.stringify(b.spec.podSelector ?? {});
}

function mergePolicies(a: Json, b: Json): Json {
  const specA = (a.spec ?? {}) as Json;
  const specB = (b.spec ?? {}) as Json;
  const types = [...new Set([...policyTypesOf(specA), ...policyTypesOf(specB)])].sort((x, y) => (x === 'Ingress' ? -1 : y === 'Ingress' ? 1 : 0));
  const spec: Json = { ...specA, policyTypes: types };
  for (const [direction, key] of [['Ingress', 'ingress'], ['Egress', 'egress']] as const) {
    if (!types.includes(direction)) continue;
    const rulesA = rulesOf(specA, key, direction);
    const rulesB = rulesOf(specB, key, direction);
    spec[key] = rulesA === undefined ? rulesB ?? [] : rulesB === undefined ? rulesA : commonRules(rulesA, rulesB, key === 'ingress' ? 'from' : 'to');
  }
  return { ...a, spec };
}

function policyTypesOf(spec: Json): string[] {
  return Array.isArray(spec.policyTypes) ? spec.policyTypes.map(String) : ['Ingress', ...(Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Egress'] : [])];
}

/** A policy's rules in a direction it isolates; undefined when it does not isolate it (it says nothing there). */
function rulesOf(spec: Json, key: 'ingress' | 'egress', direction: string): Json[] | undefined {
  if (!policyTypesOf(spec).includes(direction)) return undefined;
  return Array.isArray(spec[key]) ? (spec[key] as Json[]) : [];
}

/**
 * The rules of two versions of one policy, keeping only what both allow: none when either allows
 * nothing, one copy when they agree, and otherwise rule by rule, the same rule with the `except`
 * lists of its matching ipBlocks united.
 */
function commonRules(a: readonly Json[], b: readonly Json[], peersKey: 'from' | 'to'): Json[] {
  if (a.length === 0 || b.length === 0) return [];
  if (JSON.stringify(a) === JSON.stringify(b)) return [...a];
  return a.map((rule, i) => intersectRule(rule, b[i], peersKey));
}

function intersectRule(rule: Json, other: Json | undefined, peersKey: 'from' | 'to'): Json {
  if (!other || !Array.isArray(rule[peersKey]) || !Array.isArray(other[peersKey])) return rule;
  const otherPeers = other[peersKey] as Json[];
  return {
    ...rule,
    [peersKey]: (rule[peersKey] as Json[]).map((peer) => {
      const block = peer.ipBlock as { cidr?: string; except?: string[] } | undefined;
      const twin = otherPeers.find((p) => (p.ipBlock as { cidr?: string } | undefined)?.cidr === block?.cidr);
      const twinBlock = twin?.ipBlock as { except?: string[] } | undefined;
      if (!block || !twinBlock) return peer;
      return { ...peer, ipBlock: { ...block, except: [...new Set([...(block.except ?? []), ...(twinBlock.except ?? [])])] } };
    }),
  };
}

/** One patch per workload: patches of the same workload merged as a strategic merge would (lists of named items by name). */
function mergePatches(patches: readonly PodSpecPatch[]): PodSpecPatch[] {
  const byTarget = new Map<string, PodSpecPatch>();
  for (const p of patches) {
    const key = `${p.target.namespace}|${p.target.kind}|${p.target.name}`;
    const seen = byTarget.get(key);
    byTarget.set(key, seen ? { target: p.target, patch: strategicMerge(seen.patch, p.patch) as object } : p);
  }
  return [...byTarget.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, p]) => p);
}

function strategicMerge(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) {
    const named = (x: unknown): string | undefined => (isMap(x) && typeof x.name === 'string' ? x.name : undefined);
    const out = [...a];
    for (const item of b) {
      const i = named(item) === undefined ? -1 : out.findIndex((x) => named(x) === named(item));
      if (i >= 0) out[i] = strategicMerge(out[i], item);
      else if (!out.some((x) => JSON.stringify(x) === JSON.stringify(item))) out.push(item);
    }
    return out;
  }
  if (isMap(a) && isMap(b)) {
    const out: Json = { ...a };
    for (const [k, v] of Object.entries(b)) out[k] = k in a ? strategicMerge(a[k], v) : v;
    return out;
  }
  return b;
}

/** Whether the bundle holds nothing to apply or run: then no file is written for it. */
export function isEmptyBundle(bundle: RemediationBundle): boolean {
  return bundle.manifests.length === 0 && bundle.patches.length === 0;
}

/**
 * The file name of each cluster's bundle, in the clusters' order: `remediation.yaml` for a single
 * cluster, `remediation-<cluster>.yaml` in a fleet (account and region added when names repeat).
 * Only lowercase letters, digits and dashes, whatever the cluster is called.
 */
export function remediationFileNames(clusters: readonly ClusterIdentity[]): string[] {
  if (clusters.length === 1) return ['remediation.yaml'];
  const slug = (parts: readonly (string | undefined)[]): string =>
    parts.filter(Boolean).join('-').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 100) || 'cluster';
  const short = clusters.map((c) => slug([c.name]));
  const names = clusters.map((c, i) => (short.indexOf(short[i]!) === short.lastIndexOf(short[i]!) ? short[i]! : slug([c.name, c.account, c.region])));
  const seen = new Map<string, number>();
  return names.map((n) => {
    const count = (seen.get(n) ?? 0) + 1;
    seen.set(n, count);
    return `remediation-${count === 1 ? n : `${n}-${count}`}.yaml`;
  });
}
