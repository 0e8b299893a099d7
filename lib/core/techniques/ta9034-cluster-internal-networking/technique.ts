/**
 * MS-TA9034 Cluster internal networking. Kubernetes lets every pod talk to every other pod by
 * default, so an attacker who controls one pod moves laterally to any namespace. Ingress
 * NetworkPolicies that admit other namespaces only by name take that away.
 */
import type { KubeObject } from '../../evidence/snapshot.js';
import { fail, pass, unknown, type CheckOutcome, type Remediation } from '../../findings/finding.js';
import { NONE } from '../../netpol/engine/connTable.js';
import type { CheckContext, NetworkStatus } from '../context.js';
import { enforcementAdvice, manifestRemediation, replacementPolicy } from '../remediation.js';
import type { Technique } from '../types.js';
import { isHostNetwork, isNodeAgent, type WorkloadInfo, hostNetworkFailure } from '../workloads.js';

const CHECK = 'open-to-other-namespaces';

export const technique: Technique = {
  meta: {
    id: 'MS-TA9034',
    name: 'Cluster internal networking',
    tactics: ['Lateral movement'],
    mitreAttack: [],
    mitigations: ['MS-M9014'],
    severity: 'high',
    weight: 8,
    segmentationMitigates: true,
    formerNames: [],
    evidence: ['namespaces', 'workloads', 'networkpolicies'],
    description: 'An attacker in one pod opens connections to pods of other namespaces, which Kubernetes allows unless '
      + 'NetworkPolicies say otherwise. kubeseg fails a workload when some workload in ANOTHER namespace can open a connection '
      + 'to it and nothing on the ingress side restricts which namespaces may: no NetworkPolicy selects it for ingress, the rule '
      + 'that admits the connection admits every namespace (`from` empty or `namespaceSelector: {}`), or NetworkPolicies are '
      + 'not enforced. Rules that name the namespaces they admit count as restrictions. Pods on the host network are not '
      + 'subject to NetworkPolicies and fail. Node agents (host-network DaemonSets in kube-system) act as the node: they are '
      + 'neither assessed nor counted as sources. A cluster whose workloads all live in one namespace has nothing to assess.',
  },
  checks: [openToOtherNamespaces],
};

/** Why nothing restricts a connection from another namespace, and which policy rule to narrow, if any. */
interface Opening {
  readonly cause: 'no-ingress-policy' | 'rule-admits-every-namespace' | 'not-enforced';
  readonly why: string;
  readonly rule?: { readonly policy: KubeObject; readonly index: number };
}

/** A group of sources (workloads every policy treats alike) seen from one destination. */
interface SourceGroup {
  readonly group: number;
  /** How many members live in other namespaces than the destination's. */
  readonly count: number;
  readonly status: NetworkStatus;
}

/** A group's members (node agents left out: their traffic is the node's), by namespace. */
type MembersByNamespace = ReadonlyMap<string, readonly WorkloadInfo[]>;

/**
 * Sources are counted per group of workloads that policies treat alike, from the engine's
 * connection ids, and only the example shown is explained: a cluster with thousands of workloads
 * costs groups × workloads cheap look-ups, not workloads² answers.
 */
function openToOtherNamespaces(ctx: CheckContext): CheckOutcome[] {
  const groups: { byNamespace: MembersByNamespace; total: number }[] = ctx.queries.sourceGroups().map((indexes) => {
    const byNamespace = new Map<string, WorkloadInfo[]>();
    for (const i of indexes) {
      const m = ctx.workload(ctx.queries.workloads[i]!.id);
      if (m && !isNodeAgent(m)) byNamespace.set(m.ref.namespace, [...(byNamespace.get(m.ref.namespace) ?? []), m]);
    }
    return { byNamespace, total: [...byNamespace.values()].reduce((n, list) => n + list.length, 0) };
  });
  const elsewhere = (group: number, namespace: string): WorkloadInfo[] =>
    [...groups[group]!.byNamespace].filter(([ns]) => ns !== namespace).flatMap(([, list]) => list);

  return ctx.workloads.filter((w) => !isNodeAgent(w)).flatMap((w): CheckOutcome[] => {
    const destination = ctx.queries.indexOf(w.id);
    const connections = ctx.queries.groupConnections(destination);
    const sources: SourceGroup[] = [];
    groups.forEach(({ byNamespace, total }, group) => {
      const count = total - (byNamespace.get(w.ref.namespace)?.length ?? 0);
      if (count > 0) sources.push({ group, count, status: statusOf(ctx, connections[group]!) });
    });
    if (sources.length === 0) return [];
    if (isHostNetwork(w)) return [hostNetworkFailure(CHECK, w, 'ingress NetworkPolicies do not apply to it')];
    const reaching = sources.filter((s) => s.status === 'exposed');
    // Ingress isolation belongs to the destination: when no policy selects it, one answer tells for every source.
    const first = reaching[0] && opening(ctx, w, reaching[0], destination);
    let opened = 0;
    let example: { source: SourceGroup; opening: Opening } | undefined;
    const namespaces = new Set<string>();
    const openings = new Map<string, Opening>(); // distinct causes and rules, for the remediation
    for (const source of reaching) {
      const o = first?.cause === 'no-ingress-policy' ? first : opening(ctx, w, source, destination);
      if (!o) continue;
      opened += source.count;
      for (const ns of groups[source.group]!.byNamespace.keys()) if (ns !== w.ref.namespace) namespaces.add(ns);
      openings.set(`${o.cause}|${o.rule?.policy.metadata.name}|${o.rule?.index}`, o);
      example ??= { source, opening: o };
    }
    if (example) {
      const listed = [...namespaces].sort();
      const answer = ctx.reachPair(elsewhere(example.source.group, w.ref.namespace)[0]!.id, w.id);
      return [fail(CHECK, w.ref,
        `${w.id} accepts connections from ${opened} workload${opened === 1 ? '' : 's'} in other namespaces (${listed.join(', ')}) that no policy restricts`,
        [`for example from ${answer.workload.id} (${answer.connection}): ${example.opening.why}`, ...answer.reasons],
        remediation(ctx, w, [...openings.values()], listed))];
    }
    const uncertain = sources.find((s) => s.status === 'unknown');
    if (uncertain) {
      const answer = ctx.reachPair(elsewhere(uncertain.group, w.ref.namespace)[0]!.id, w.id);
      return [unknown(CHECK, w.ref, `whether workloads in other namespaces can reach ${w.id} is unknown`,
        [`for example from ${answer.workload.id}:`, ...answer.reasons])];
    }
    const admitted = reaching.reduce((n, s) => n + s.count, 0);
    const shown = ctx.reachPair(elsewhere((reaching[0] ?? sources[0]!).group, w.ref.namespace)[0]!.id, w.id);
    const message = admitted > 0
      ? `${w.id} admits ${admitted} workload${admitted === 1 ? '' : 's'} of other namespaces only through rules that name their namespaces`
      : `no workload in another namespace can open a connection to ${w.id}`;
    return [pass(CHECK, w.ref, message, [`for example from ${shown.workload.id}:`, ...shown.reasons])];
  });
}

/** What a connection the policies allow (or would block, unenforced) means once enforcement is known. */
function statusOf(ctx: CheckContext, connection: number): NetworkStatus {
  if (connection !== NONE) return 'exposed';
  return ctx.enforcement.status === 'enforced' ? 'blocked' : ctx.enforcement.status === 'not-enforced' ? 'exposed' : 'unknown';
}

/** Why the connection is open to other namespaces, or undefined when an ingress rule names the namespaces it admits. */
function opening(ctx: CheckContext, w: WorkloadInfo, source: SourceGroup, destination: number): Opening | undefined {
  const wide = ctx.queries.namespaceWide(source.group, destination);
  if (wide === 'not-isolated') return { cause: 'no-ingress-policy', why: `no NetworkPolicy selects ${w.id} for ingress` };
  const policy = wide?.policyKind === 'NetworkPolicy' ? ctx.object('NetworkPolicy', wide.policy) : undefined;
  if (wide && policy) {
    return {
      cause: 'rule-admits-every-namespace', why: `NetworkPolicy ${wide.policy} ingress rule ${wide.ruleIndex + 1} admits every namespace`,
      rule: { policy, index: wide.ruleIndex },
    };
  }
  // The policies would restrict it, but nothing enforces them.
  return ctx.enforcement.status === 'not-enforced' ? { cause: 'not-enforced', why: 'the NetworkPolicies that would restrict it are not enforced' } : undefined;
}

type Json = Record<string, unknown>;

const isMap = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function ingressRules(policy: KubeObject): Json[] {
  const spec = isMap(policy.spec) ? policy.spec : {};
  return Array.isArray(spec.ingress) ? spec.ingress.filter(isMap) : [];
}

function isEmptySelector(selector: Json): boolean {
  const labels = isMap(selector.matchLabels) ? Object.keys(selector.matchLabels) : [];
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  return labels.length === 0 && expressions.length === 0;
}

/**
 * Same-namespace ingress for the workload's namespace: a new namespace-wide policy when the workload
 * has no ingress policy, and corrected copies of the policies whose rules admit every namespace.
 * When only enforcement is missing, no manifest helps.
 */
function remediation(ctx: CheckContext, w: WorkloadInfo, openings: readonly Opening[], namespaces: readonly string[]): Remediation {
  const ns = w.ref.namespace;
  const wide = new Map<KubeObject, Set<number>>();
  for (const o of openings) if (o.rule) wide.set(o.rule.policy, (wide.get(o.rule.policy) ?? new Set()).add(o.rule.index));
  const unselected = openings.some((o) => o.cause === 'no-ingress-policy');
  const manifests: object[] = [
    ...(unselected ? [{
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'kubeseg-same-namespace-ingress', namespace: ns },
      spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }] },
    }] : []),
    ...[...wide].map(([policy, indexes]) => replacementPolicy(policy, {
      ...(isMap(policy.spec) ? policy.spec : {}),
      ingress: ingressRules(policy).map((rule, i) => (indexes.has(i) ? sameNamespaceOnly(rule) : rule)),
    })),
  ];
  const steps = [
    ...(unselected ? [`admit only same-namespace traffic to the pods of namespace ${ns} with an ingress NetworkPolicy`] : []),
    ...[...wide.keys()].map((p) => `narrow NetworkPolicy ${ns}/${p.metadata.name} so that its rules admit this namespace only`),
  ];
  const change = steps.length > 0
    ? `${capitalize(steps.join('; '))}. Then add a \`from\` entry with a namespaceSelector naming each namespace that must reach ${w.id} `
      + `(such as the ingress controller's); namespaces that reach it today: ${namespaces.join(', ')}.`
    : `The NetworkPolicies selecting ${w.id} already limit which namespaces reach it.`;
  const text = `${change}${enforcementAdvice(ctx)}`;
  return manifests.length > 0 ? manifestRemediation(text, ...manifests) : { text };
}

const capitalize = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** The rule with peers that admit every namespace limited to the policy's own namespace. */
function sameNamespaceOnly(rule: Json): Json {
  const from = Array.isArray(rule.from) ? rule.from.filter(isMap) : [];
  if (from.length === 0) return { ...rule, from: [{ podSelector: {} }] };
  return {
    ...rule,
    from: from.map((peer) => {
      if (!isMap(peer.namespaceSelector) || !isEmptySelector(peer.namespaceSelector)) return peer;
      return { podSelector: isMap(peer.podSelector) ? peer.podSelector : {} };
    }),
  };
}
