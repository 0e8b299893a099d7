/**
 * Least-privilege NetworkPolicy remediations for network findings. A remediation is a manifest the
 * what-if analysis can apply: a new policy, or a corrected copy of an existing one (same name, so
 * applying it replaces the original).
 */
import type { KubeObject } from '../evidence/snapshot.js';
import { parseCidr } from '../netpol/ipv4.js';
import { templatePath } from '../netpol/parse/workloads.js';
import { patchHowTo } from './patchCommands.js';
import type { PodSpecPatch, Remediation } from '../findings/finding.js';
import type { ReachAnswer } from '../netpol/queries.js';
import type { CheckContext } from './context.js';
import { commentedYaml, toYaml } from '../format/yamlText.js';
import { manifestProblem } from './manifestValidation.js';
import { editedPolicy, egressEdit, ingressEdits, type RuleEdit } from './policyEdits.js';
import { isHostNetwork, type WorkloadInfo } from './workloads.js';

/** Labels that differ per rollout and must not appear in a policy's selector. */
const VOLATILE_LABELS = new Set(['pod-template-hash', 'controller-revision-hash', 'pod-template-generation', 'statefulset.kubernetes.io/pod-name']);

export function podSelectorOf(workload: WorkloadInfo): Record<string, string> {
  return Object.fromEntries(Object.entries(workload.podLabels).filter(([k]) => !VOLATILE_LABELS.has(k)));
}

/**
 * The pod selector for a new policy that allows some traffic, in a workload's namespace.
 * NetworkPolicies add up, so such a policy must select no other pod that policies already isolate
 * in that direction: it would let more into (or out of) them. (The workload itself is the one being
 * fixed; the remediation text asks to narrow its own rules.) The whole namespace (`{}`) when
 * `namespaceWide` and that is safe, else the workload's labels; undefined when those select
 * isolated pods too (then kubeseg suggests no manifest).
 */
export function allowPolicySelector(
  ctx: CheckContext, workload: WorkloadInfo, direction: 'ingress' | 'egress', namespaceWide = false,
): { matchLabels?: Record<string, string> } | undefined {
  // Host-network pods count too: the engine reads a policy that selects them like any other.
  const neighbours = ctx.workloadsIn(workload.ref.namespace).filter((w) => w !== workload);
  const safe = (labels: Readonly<Record<string, string>>): boolean => {
    const pairs = Object.entries(labels);
    return neighbours.every((w) => !pairs.every(([k, v]) => w.podLabels[k] === v) || !ctx.queries.isolated(w.id, direction));
  };
  if (namespaceWide && safe({})) return {};
  const own = podSelectorOf(workload);
  return safe(own) ? { matchLabels: own } : undefined;
}

/** Why a remediation holds no manifest, when {@link allowPolicySelector} found no safe selector. */
export function noSafeSelector(workload: WorkloadInfo, direction: 'ingress' | 'egress'): string {
  return ` kubeseg wrote no manifest: every pod selector for ${workload.id} also selects pods that NetworkPolicies already isolate for ${direction}, `
    + 'and a policy that allows traffic would widen what they allow. Give its pods a label of their own first.';
}


/** YAML that is written only when read: the report reads it, the checks and the what-if never do. */
export type LazyYaml = () => string;

/**
 * A remediation made of whole manifests. Its YAML is written when first read (the report reads
 * it; the what-if applies `manifests` directly and never needs the text). A manifest the API server
 * would reject (a name or label copied from invalid input) is not offered: the text says why.
 */
export function manifestRemediation(text: string, ...manifests: readonly object[]): Remediation {
  const problems = manifests.flatMap((m) => manifestProblem(m) ?? []);
  if (problems.length > 0) return { text: `${text} ${noValidManifest(problems[0]!)}` };
  return new LazyRemediation(text, () => toYaml(...manifests), manifests);
}

function noValidManifest(problem: string): string {
  return `kubeseg wrote no manifest: the API server would reject it (${problem}).`;
}

/** A remediation that changes the workload's pod spec: a strategic-merge patch for `kubectl patch`. */
export function patchRemediation(text: string, patch: PodSpecPatch): Remediation {
  return new LazyRemediation(text, () => podSpecPatchYaml(patch), undefined, [patch]);
}

/** A remediation whose YAML is a fragment to paste into a manifest (no whole object, no patch), with a comment saying where. */
export function fragmentRemediation(text: string, fragment: object, where: readonly string[]): Remediation {
  return new LazyRemediation(text, () => commentedYaml(fragment, where));
}

/** A remediation that also changes the pod spec: its YAML ends with the patch as a further document. */
export function withPatch(remediation: Remediation, text: string, patch: PodSpecPatch | undefined): Remediation {
  if (!patch) return retext(remediation, text);
  const yaml = (): string => [remediation.yaml, podSpecPatchYaml(patch)].filter((y) => y !== undefined).join('\n---\n');
  return new LazyRemediation(text, yaml, remediation.manifests, [...(remediation.patches ?? []), patch]);
}

/** The same remediation with another text (its manifests, patches and their YAML kept). */
export function retext(remediation: Remediation, text: string): Remediation {
  return remediation instanceof LazyRemediation ? remediation.withText(text) : { ...remediation, text };
}

class LazyRemediation implements Remediation {
  private cached: string | undefined;

  constructor(
    readonly text: string, private readonly write: LazyYaml,
    readonly manifests?: readonly object[], readonly patches?: readonly PodSpecPatch[],
  ) {}

  withText(text: string): LazyRemediation {
    return new LazyRemediation(text, this.write, this.manifests, this.patches);
  }

  get yaml(): string {
    return (this.cached ??= this.write());
  }
}

/**
 * Keeps a workload from opening connections to one address (e.g. 169.254.169.254/32), changing as
 * little as possible: the NetworkPolicies that allow it get `except` entries; a workload no egress
 * policy selects gets one that allows everything else (pods and other addresses).
 */
export function denyEgressToAddress(ctx: CheckContext, workload: WorkloadInfo, cidr: string, what: string): Remediation {
  return denyEgressToAddresses(ctx, workload, [cidr], what);
}

/** {@link denyEgressToAddress} for several IPv4 CIDRs at once (API server endpoints, node addresses). */
export function denyEgressToAddresses(ctx: CheckContext, workload: WorkloadInfo, cidrs: readonly string[], what: string): Remediation {
  const ns = workload.ref.namespace;
  const allowing = allowingEgressPolicies(ctx, workload, cidrs.map((c) => c.split('/')[0]!));
  const listed = cidrs.join(', ');
  if (allowing.length === 0) {
    const lead = `Add an egress NetworkPolicy for ${workload.id} that allows everything except ${what} (${listed}); tighten it further to the destinations the workload needs.`;
    const podSelector = allowPolicySelector(ctx, workload, 'egress');
    if (!podSelector) return { text: `${lead}${noSafeSelector(workload, 'egress')}` };
    const policy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: egressPolicyName(workload), namespace: ns },
      spec: {
        podSelector,
        policyTypes: ['Egress'],
        egress: [
          { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...cidrs] } }] },
          { to: [{ namespaceSelector: {} }] },
        ],
      },
    };
    return manifestRemediation(`${lead} The cluster's remediation.yaml merges every kubeseg suggestion for this policy into one.`, asEgressExceptPolicy(policy));
  }
  return manifestRemediation(
    `Exclude ${what} (${listed}) from the egress rules that allow it: ${allowing.map((p) => `NetworkPolicy ${ns}/${p.metadata.name}`).join(', ')}.`,
    ...allowing.map((p) => excludeFromEgress(p, cidrs)));
}

/** One name for every egress restriction kubeseg suggests for a workload, so they merge instead of adding up. */
function egressPolicyName(workload: WorkloadInfo): string {
  return workloadPolicyName('kubeseg-egress', workload);
}

/** A policy name for one workload (`<prefix>-<workload name>`), within the 63 characters Kubernetes allows. */
export function workloadPolicyName(prefix: string, workload: WorkloadInfo): string {
  return `${prefix}-${slug(workload.ref.name)}`.slice(0, 63).replace(/-+$/, '');
}

/** Which suggested policies are kubeseg's "everything but some addresses" egress, and which its default-deny egress (see bundle.ts). */
const egressExcept = new WeakSet<object>();
const defaultDenyEgress = new WeakSet<object>();

export const isEgressExceptPolicy = (m: object): boolean => egressExcept.has(m);
export const isDefaultDenyEgress = (m: object): boolean => defaultDenyEgress.has(m);

/** The merge of several suggestions for one policy keeps their marks. */
export function withMarksOf<T extends object>(merged: T, sources: readonly object[]): T {
  if (sources.some(isEgressExceptPolicy)) egressExcept.add(merged);
  if (sources.some(isDefaultDenyEgress)) defaultDenyEgress.add(merged);
  return merged;
}

/** Marks a new policy that allows all egress but some addresses: where a default-deny egress applies, it would undo it. */
export function asEgressExceptPolicy<T extends object>(policy: T): T {
  egressExcept.add(policy);
  return policy;
}

/** Marks a new policy that denies all egress but what it lists (DNS): where it applies, an "all but" egress policy would undo it. */
export function asDefaultDenyEgress<T extends object>(policy: T): T {
  defaultDenyEgress.add(policy);
  return policy;
}

/**
 * Keeps traffic away from a workload's pods: a NetworkPolicy selecting them that admits nothing or,
 * with `clusterPorts`, only pods of the cluster on those TCP ports (which shuts out every address
 * outside the pod network). NetworkPolicies add up, so the policies whose rules admit the traffic
 * today (read from the answers' `reasons`) are named to be narrowed as well. A workload that
 * policies already isolate never gets the cluster-wide policy, which could only widen its ingress:
 * the rules that admit outside addresses get corrected copies instead.
 */
export function restrictIngressTo(
  ctx: CheckContext, workload: WorkloadInfo, what: string, reasons: readonly string[], clusterPorts?: readonly number[],
): Remediation {
  if (isHostNetwork(workload)) {
    return { text: `${workload.id} (${what}) runs on the host network, where NetworkPolicies do not apply: run it off the host network, then restrict its ingress.` };
  }
  const admitting = admittingRules(reasons);
  if (clusterPorts && ctx.queries.isolated(workload.id, 'ingress')) return keepOutsideAway(ctx, workload, what, admitting);
  const lead = clusterPorts
    ? `Add an ingress NetworkPolicy that admits only pods of the cluster to ${what} ${workload.id}, on TCP ${clusterPorts.join(', ')}; narrow it to the namespaces that use it.`
    : `Add an ingress NetworkPolicy that selects the pods of ${what} ${workload.id} and admits nothing.`;
  const names = [...new Set(admitting.map((r) => `NetworkPolicy ${r.policy}`))];
  const narrow = names.length > 0
    ? ` NetworkPolicies add up: also remove or narrow the rules that admit the traffic today (${names.join('; ')}).`
    : '';
  // A policy that admits nothing only ever takes traffic away, whatever else it selects.
  const podSelector = clusterPorts ? allowPolicySelector(ctx, workload, 'ingress') : { matchLabels: podSelectorOf(workload) };
  if (!podSelector) return { text: `${lead}${narrow}${noSafeSelector(workload, 'ingress')}` };
  const rules = clusterPorts
    ? [{ from: [{ namespaceSelector: {} }], ports: clusterPorts.map((port) => ({ protocol: 'TCP', port })) }]
    : [];
  const policy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: workloadPolicyName('kubeseg-restrict-ingress', workload), namespace: workload.ref.namespace },
    spec: { podSelector, policyTypes: ['Ingress'], ingress: rules },
  };
  return manifestRemediation(`${lead}${narrow}`, policy);
}

/** The NetworkPolicy rules (`namespace/name`, 0-based index) that the reasons say admit the traffic. */
function admittingRules(reasons: readonly string[]): { policy: string; index: number }[] {
  return reasons.flatMap((r) => {
    const match = /^ingress: NetworkPolicy ([^,\s]+), ingress rule (\d+) allows /.exec(r);
    return match ? [{ policy: match[1]!, index: Number(match[2]) - 1 }] : [];
  });
}

/** Corrected copies of the isolating policies whose rules admit addresses outside the cluster: those peers go. */
function keepOutsideAway(ctx: CheckContext, workload: WorkloadInfo, what: string, admitting: readonly { policy: string; index: number }[]): Remediation {
  const byPolicy = new Map<string, Set<number>>();
  for (const { policy, index } of admitting) byPolicy.set(policy, (byPolicy.get(policy) ?? new Set()).add(index));
  const copies = [...byPolicy].flatMap(([name, indexes]) => {
    const policy = ctx.object('NetworkPolicy', name);
    return policy ? [editedPolicy(policy, ingressEdits(indexes, withoutOutsidePeers))] : [];
  });
  if (copies.length === 0) {
    return { text: `The NetworkPolicies selecting ${what} ${workload.id} already keep addresses outside the cluster away.` };
  }
  const names = [...byPolicy.keys()].map((n) => `NetworkPolicy ${n}`).join(', ');
  return manifestRemediation(
    `Narrow the ingress rules that admit addresses outside the cluster to ${what} ${workload.id} (${names}): drop their ipBlock peers, `
      + `and give rules without \`from\` a namespaceSelector.`,
    ...copies);
}

/** An ingress rule without the peers that admit outside addresses (none left: the rule goes). */
function withoutOutsidePeers(rule: Json): Json[] {
  const from = Array.isArray(rule.from) ? (rule.from as Json[]) : [];
  if (from.length === 0) return [{ ...rule, from: [{ namespaceSelector: {} }] }];
  const pods = from.filter((peer) => peer.ipBlock === undefined);
  return pods.length > 0 ? [{ ...rule, from: pods }] : [];
}

/** The NetworkPolicies selecting the workload for egress whose rules allow any of the addresses. */
function allowingEgressPolicies(ctx: CheckContext, workload: WorkloadInfo, addresses: readonly string[]): KubeObject[] {
  const reasons = rangeRepresentatives(ctx, addresses).flatMap((address) => egressAnswers(ctx, address).get(workload.id)?.reasons ?? []);
  const names = new Set(reasons.flatMap((r) => /NetworkPolicy [^/\s]+\/([^,\s]+), egress rule/.exec(r)?.[1] ?? []));
  return [...names].flatMap((name) => ctx.object('NetworkPolicy', `${workload.ref.namespace}/${name}`) ?? []);
}

/** Addresses in one external range are allowed by the same rules: one address of each range is enough to ask about. */
function rangeRepresentatives(ctx: CheckContext, addresses: readonly string[]): string[] {
  return [...new Map(addresses.map((a) => [ctx.queries.addressRange(a), a])).values()];
}

/** Per context, per address: the engine's egress answers by workload id. */
const answersByContext = new WeakMap<CheckContext, Map<string, Map<string, ReachAnswer>>>();

/**
 * The engine's egress answers for an address by workload id, asked once per context: a check
 * remediates many workloads against the same addresses (the reasons do not depend on the port).
 */
function egressAnswers(ctx: CheckContext, address: string): Map<string, ReachAnswer> {
  const byAddress = answersByContext.get(ctx) ?? new Map<string, Map<string, ReachAnswer>>();
  answersByContext.set(ctx, byAddress);
  let answers = byAddress.get(address);
  if (!answers) {
    answers = new Map(ctx.queries.whoCanReachAddress(address, 80, 'TCP').map((a) => [a.workload.id, a]));
    byAddress.set(address, answers);
  }
  return answers;
}

type Json = Record<string, unknown>;

/** A copy of a policy whose egress rules no longer reach `cidrs`. */
function excludeFromEgress(policy: KubeObject, cidrs: readonly string[]): object {
  return editedPolicy(policy, egressEdit(excludeAddresses(cidrs)));
}

/**
 * An egress rule that no longer reaches `cidrs`: an ipBlock around them gets `except` entries, an
 * ipBlock inside them goes (the API server wants `except` strictly inside `cidr`), and a rule open
 * to every destination is split into "every address but these" and "every pod". A rule left
 * without destinations goes, since an empty `to` would allow everything.
 */
function excludeAddresses(cidrs: readonly string[]): RuleEdit {
  return (rule) => {
    const to = Array.isArray(rule.to) ? (rule.to as Json[]) : [];
    if (to.length === 0) return [{ ...rule, to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...cidrs] } }, { namespaceSelector: {} }] }];
    const kept = to.flatMap((peer) => {
      const block = peer.ipBlock as { cidr?: string; except?: string[] } | undefined;
      if (!block?.cidr) return [peer];
      if (cidrs.some((c) => cidrContains(c, block.cidr!))) return [];
      const inside = cidrs.filter((c) => cidrContains(block.cidr!, c) && !(block.except ?? []).some((e) => cidrContains(e, c)));
      return inside.length === 0 ? [peer] : [{ ...peer, ipBlock: { ...block, except: [...(block.except ?? []), ...inside] } }];
    });
    return kept.length > 0 ? [{ ...rule, to: kept }] : [];
  };
}

function cidrContains(outer: string, inner: string): boolean {
  const o = parseCidr(outer);
  const i = parseCidr(inner);
  return o.family === 4 && i.family === 4 && o.range.covers(i.range);
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/**
 * A strategic-merge patch of a workload's pod spec for `kubectl patch` (containers, volumes, env and
 * volumeMounts merge by their keys), for findings fixed in the workload rather than by a policy.
 */
export function podSpecPatch(workload: WorkloadInfo, podSpec: object): PodSpecPatch {
  const { kind, namespace, name } = workload.ref;
  const path = [...(kind === 'Pod' ? [] : templatePath(kind) ?? ['spec', 'template']), 'spec'];
  return { target: { kind, namespace, name }, patch: path.reduceRight<object>((inner, key) => ({ [key]: inner }), podSpec) };
}

/** The patch as YAML, with the command that applies it as a comment (written by the YAML library, so a name cannot end it). */
function podSpecPatchYaml(patch: PodSpecPatch): string {
  return commentedYaml(patch.patch, [patchHowTo(patch)]);
}

/**
 * Per-container changes (by container name) as pod-spec fields: each under the list that holds the
 * container (`initContainers`, `containers`, `ephemeralContainers`), ready for `podSpecPatch`.
 */
export function containerPatches(podSpec: Readonly<Record<string, unknown>>, changes: ReadonlyMap<string, object>): Record<string, object[]> {
  const out: Record<string, object[]> = {};
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const names = (Array.isArray(podSpec[field]) ? podSpec[field] : []).map((c) => (c as { name?: unknown } | null)?.name);
    const patches = [...changes].filter(([name]) => names.includes(name)).map(([name, change]) => ({ name, ...change }));
    if (patches.length > 0) out[field] = patches;
  }
  return out;
}
