/**
 * MS-TA9034 Cluster internal networking. Kubernetes lets every pod talk to every other pod by
 * default, so an attacker who controls one pod moves laterally to any other, in its namespace or
 * beyond. Ingress NetworkPolicies that name who they admit take that away.
 */
import type { KubeObject } from '../../evidence/snapshot.js';
import { fail, pass, unknown, type CheckOutcome, type Remediation } from '../../findings/finding.js';
import type { NamespaceWideAdmission } from '../../netpol/queries.js';
import type { CheckContext, NetworkStatus } from '../context.js';
import { allowPolicySelector, manifestRemediation, noSafeSelector, workloadPolicyName } from '../remediation.js';
import { editedPolicy, ingressEdits } from '../policyEdits.js';
import { DNS_PORT, isClusterDns, isEmptySelector, onlyDnsOpenToAllNamespaces } from '../clusterDns.js';
import type { Technique } from '../types.js';
import { isHostNetwork, isNodeAgent, type WorkloadInfo, hostNetworkFailure } from '../workloads.js';
import { type Json, isMap, mapsIn } from '../json.js';
import { controlPlaneClient, publishedClients, type KeptClient } from '../clients.js';
import { namespaceCoverage } from '../namespacePolicies.js';

const CHECK = 'open-to-other-workloads';

const NAMESPACE_CHECKS = { uncovered: 'namespace-ingress-unrestricted', noDefaultDeny: 'namespace-without-default-deny-ingress', workloadCheck: CHECK };

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
    description: 'An attacker in one pod opens connections to other pods, of its own namespace or of others, which Kubernetes '
      + 'allows unless NetworkPolicies say otherwise. kubeseg fails a workload when some other workload can open a connection '
      + 'to it and nothing on the ingress side restricts who may: no NetworkPolicy selects it for ingress, the rule that admits '
      + 'the connection admits every namespace (`from` empty or `namespaceSelector: {}`), or NetworkPolicies are not enforced. '
      + 'Rules that name the namespaces or pods they admit count as restrictions, and so does a rule admitting the pods of its own '
      + 'namespace only. Cluster DNS admitting every namespace on port 53 only is doing its job. Pods on the host network are '
      + 'not subject to NetworkPolicies and fail. Node agents (host-network DaemonSets in kube-system) act as the node: they are '
      + 'neither assessed nor counted as sources. Each namespace that holds workloads is judged too: it fails when no '
      + 'NetworkPolicy selects any of its workloads for ingress, and a namespace without a default deny for ingress (no policy '
      + 'selecting all of its pods) is listed as a low-severity finding. Namespaces weigh a fifth of the technique\'s score.',
  },
  checks: [openToOtherWorkloads, (ctx) => namespaceCoverage(ctx, 'ingress', NAMESPACE_CHECKS)],
};

/** Why nothing restricts a connection from another namespace, and which policy rule to narrow, if any. */
interface Opening {
  readonly cause: 'no-ingress-policy' | 'rule-admits-every-namespace' | 'not-enforced';
  readonly why: string;
  readonly rule?: { readonly policy: KubeObject; readonly index: number };
}

/** Per source group, how many members live outside one namespace, and the first group with any (-1 if none). */
interface Elsewhere {
  readonly counts: Int32Array;
  readonly firstSource: number;
}

/** A group's members (node agents left out: their traffic is the node's), by namespace. */
type MembersByNamespace = ReadonlyMap<string, readonly WorkloadInfo[]>;

/**
 * The source groups with their members by namespace, and for each namespace how many members of
 * each group live elsewhere (the sources a destination there can have), built on first use.
 */
function sourceGroups(ctx: CheckContext): {
  byNamespace: MembersByNamespace[]; groupOf: ReadonlyMap<WorkloadInfo, number>; elsewhere: (namespace: string) => Elsewhere;
} {
  const groupOf = new Map<WorkloadInfo, number>();
  const byNamespace: MembersByNamespace[] = ctx.queries.sourceGroups().map((indexes, group) => {
    const members = new Map<string, WorkloadInfo[]>();
    for (const i of indexes) {
      const m = ctx.workload(ctx.queries.workloads[i]!.id);
      if (!m || isNodeAgent(m)) continue;
      groupOf.set(m, group);
      const list = members.get(m.ref.namespace);
      if (list) list.push(m);
      else members.set(m.ref.namespace, [m]);
    }
    return members;
  });
  const totals = new Int32Array(byNamespace.length);
  const present = new Map<string, { group: number; count: number }[]>(); // per namespace, the groups with members there
  byNamespace.forEach((members, group) => {
    for (const [namespace, list] of members) {
      totals[group]! += list.length;
      const groups = present.get(namespace);
      if (groups) groups.push({ group, count: list.length });
      else present.set(namespace, [{ group, count: list.length }]);
    }
  });
  const cache = new Map<string, Elsewhere>();
  const elsewhere = (namespace: string): Elsewhere => {
    let result = cache.get(namespace);
    if (!result) {
      const counts = totals.slice();
      for (const { group, count } of present.get(namespace) ?? []) counts[group]! -= count;
      result = { counts, firstSource: counts.findIndex((n) => n > 0) };
      cache.set(namespace, result);
    }
    return result;
  };
  return { byNamespace, groupOf, elsewhere };
}

/**
 * Sources are counted per group of workloads that policies treat alike, from the engine's
 * connection ids, and only the example shown is explained: a cluster with thousands of workloads
 * costs groups × workloads cheap look-ups, not workloads² answers.
 */
function openToOtherWorkloads(ctx: CheckContext): CheckOutcome[] {
  const { byNamespace, groupOf, elsewhere: countsElsewhere } = sourceGroups(ctx);
  const groupNamespaces = byNamespace.map((members) => [...members.keys()]);
  /** The namespaces, other than `own`, where some of the groups have members; sorted. */
  const namespacesOf = (groups: readonly number[], own: string): string[] => {
    const seen = new Set<string>();
    let previous: readonly string[] | undefined;
    for (const g of groups) {
      const list = groupNamespaces[g]!;
      // Neighbouring groups usually live in the same namespace: skip repeats cheaply.
      if (list.length === 1 && previous?.length === 1 && list[0] === previous[0]) continue;
      for (const ns of list) if (ns !== own) seen.add(ns);
      previous = list;
    }
    return [...seen].sort();
  };
  /** A member of the group other than `w`: from another namespace when the group has one there (the cross-namespace view). */
  const memberOtherThan = (group: number, w: WorkloadInfo): WorkloadInfo => {
    const members = [...byNamespace[group]!];
    const outside = members.find(([ns]) => ns !== w.ref.namespace);
    return outside ? outside[1][0]! : members.flatMap(([, list]) => list).find((m) => m !== w)!;
  };
  const blockedMeans = blockedStatus(ctx);

  return ctx.subjects().flatMap((w): CheckOutcome[] => {
    const destination = ctx.queries.indexOf(w.id);
    const { counts: outside } = countsElsewhere(w.ref.namespace);
    const own = groupOf.get(w);
    /** Members of the group in w's own namespace, w left out. */
    const inside = (group: number): number => (byNamespace[group]!.get(w.ref.namespace)?.length ?? 0) - (group === own ? 1 : 0);
    const candidates = byNamespace.flatMap((_, group) => (outside[group]! + inside(group) > 0 ? [group] : []));
    if (candidates.length === 0) return [];
    if (isHostNetwork(w)) return [hostNetworkFailure(CHECK, w, 'ingress NetworkPolicies do not apply to it')];
    const { exposed, uncertain } = reachingSources(candidates, blockedMeans === 'exposed' ? [] : ctx.queries.groupsReaching(destination), blockedMeans);
    // One opening per admitting rule (most sources come in through the same few): sentences are built once.
    const byAdmission = new Map<NamespaceWideAdmission, Opening | undefined>();
    const openingFor = (group: number): Opening | undefined => {
      const wide = ctx.queries.namespaceWide(group, destination);
      if (!byAdmission.has(wide)) byAdmission.set(wide, opening(ctx, w, wide));
      return byAdmission.get(wide);
    };
    // Ingress isolation belongs to the destination: when no policy selects it, one answer tells for every source.
    const first = exposed.length > 0 ? openingFor(exposed[0]!) : undefined;
    const opened = { inside: 0, outside: 0 };
    let admitted = 0;
    let example: { group: number; opening: Opening } | undefined;
    const groupsElsewhere: number[] = [];
    const openings = new Map<string, Opening>(); // distinct causes and rules, for the remediation
    for (const group of exposed) {
      admitted += outside[group]! + inside(group);
      const o = first?.cause === 'no-ingress-policy' ? first : openingFor(group);
      if (!o) continue;
      opened.inside += inside(group);
      opened.outside += outside[group]!;
      if (outside[group]! > 0) groupsElsewhere.push(group);
      if (o !== example?.opening) openings.set(`${o.cause}|${o.rule?.policy.metadata.name}|${o.rule?.index}`, o);
      // The example comes from another namespace when one is open: the lateral move the technique is named for.
      if (!example || (outside[group]! > 0 && outside[example.group]! === 0)) example = { group, opening: o };
    }
    if (example) {
      const listed = namespacesOf(groupsElsewhere, w.ref.namespace);
      const answer = ctx.reachPair(memberOtherThan(example.group, w).id, w.id);
      return [fail(CHECK, w.ref, `${w.id} accepts connections from ${sourcesText(opened, listed)} that no policy restricts`,
        [`for example from ${answer.workload.id} (${answer.connection}): ${example.opening.why}`, ...answer.reasons],
        remediation(ctx, w, [...openings.values()], listed))];
    }
    if (uncertain >= 0) {
      const answer = ctx.reachPair(memberOtherThan(uncertain, w).id, w.id);
      return [unknown(CHECK, w.ref, `whether other workloads can reach ${w.id} is unknown`,
        [`for example from ${answer.workload.id}:`, ...answer.reasons])];
    }
    // A source from another namespace shows the boundary best: one admitted by name, else one blocked.
    const elsewhere = (groups: readonly number[]): number | undefined => groups.find((g) => outside[g]! > 0);
    const shown = ctx.reachPair(memberOtherThan(elsewhere(exposed) ?? elsewhere(candidates) ?? candidates[0]!, w).id, w.id);
    const message = admitted > 0 && isClusterDns(w)
      ? `${w.id} answers DNS on port ${DNS_PORT} to ${plural(admitted, 'other workload')}, as cluster DNS must, and admits nothing else from every namespace`
      : admitted > 0
      ? `${w.id} admits ${plural(admitted, 'other workload')} only through rules that name the namespaces or pods they admit`
      : `no other workload can open a connection to ${w.id}`;
    return [pass(CHECK, w.ref, message, [`for example from ${shown.workload.id}:`, ...shown.reasons])];
  });
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** `3 workloads in its own namespace and 2 in other namespaces (a, b)`, or either part alone. */
function sourcesText(opened: { readonly inside: number; readonly outside: number }, namespaces: readonly string[]): string {
  const elsewhere = `in other namespaces (${namespaces.join(', ')})`;
  if (opened.outside === 0) return `${plural(opened.inside, 'workload')} of its own namespace`;
  if (opened.inside === 0) return `${plural(opened.outside, 'workload')} ${elsewhere}`;
  return `${plural(opened.inside + opened.outside, 'workload')}, ${opened.inside} in its own namespace and ${opened.outside} ${elsewhere},`;
}

/**
 * Among the groups with other workloads, those whose connections to a destination are open
 * (`exposed`) and the first whose connection depends on unknown enforcement (-1 if none), given the
 * groups that reach it and what a connection the policies block means.
 */
function reachingSources(candidates: readonly number[], reaching: readonly number[], blockedMeans: NetworkStatus): { exposed: number[]; uncertain: number } {
  const reached = new Set(reaching);
  const exposed = candidates.filter((group) => reached.has(group));
  if (blockedMeans === 'blocked') return { exposed, uncertain: -1 };
  const others = candidates.filter((group) => !reached.has(group));
  // Unenforced policies block nothing: every other group reaches the destination.
  return blockedMeans === 'exposed' ? { exposed: [...exposed, ...others], uncertain: -1 } : { exposed, uncertain: others[0] ?? -1 };
}

/** What a connection the policies block means once enforcement is known. */
function blockedStatus(ctx: CheckContext): NetworkStatus {
  return ctx.enforcement.status === 'enforced' ? 'blocked' : ctx.enforcement.status === 'not-enforced' ? 'exposed' : 'unknown';
}

/**
 * Why a connection is open to other namespaces, given how the destination admits the source
 * (see `namespaceWide`); undefined when an ingress rule names the namespaces it admits.
 */
function opening(ctx: CheckContext, w: WorkloadInfo, wide: NamespaceWideAdmission): Opening | undefined {
  if (wide === 'not-isolated') return { cause: 'no-ingress-policy', why: `no NetworkPolicy selects ${w.id} for ingress` };
  const policy = wide?.policyKind === 'NetworkPolicy' ? ctx.object('NetworkPolicy', wide.policy) : undefined;
  const servesDnsOnly = policy !== undefined && isClusterDns(w) && onlyDnsOpenToAllNamespaces(ctx, w);
  if (wide && policy && !servesDnsOnly) {
    return {
      cause: 'rule-admits-every-namespace', why: `NetworkPolicy ${wide.policy} ingress rule ${wide.ruleIndex + 1} admits every namespace`,
      rule: { policy, index: wide.ruleIndex },
    };
  }
  // The policies would restrict it, but nothing enforces them.
  return ctx.enforcement.status === 'not-enforced' ? { cause: 'not-enforced', why: 'the NetworkPolicies that would restrict it are not enforced' } : undefined;
}



/**
 * Same-namespace ingress for the workload's namespace: a new policy when the workload has no ingress
 * policy (namespace-wide unless that would widen pods already isolated, then for the workload's
 * pods), and corrected copies of the policies whose rules admit every namespace. When only
 * enforcement is missing, no manifest helps.
 */
function remediation(ctx: CheckContext, w: WorkloadInfo, openings: readonly Opening[], namespaces: readonly string[]): Remediation {
  const ns = w.ref.namespace;
  const wide = new Map<KubeObject, Set<number>>();
  for (const o of openings) if (o.rule) wide.set(o.rule.policy, (wide.get(o.rule.policy) ?? new Set()).add(o.rule.index));
  const unselected = openings.some((o) => o.cause === 'no-ingress-policy');
  // Cluster DNS must keep answering every namespace on port 53: only what is open beyond that is taken away.
  const dns = isClusterDns(w);
  // The policy admits the namespace's pods: it must not select pods whose ingress policies admit less.
  const podSelector = unselected ? allowPolicySelector(ctx, w, 'ingress', true) : undefined;
  const namespaceWide = podSelector !== undefined && !podSelector.matchLabels;
  const name = namespaceWide ? 'kubeseg-same-namespace-ingress' : workloadPolicyName('kubeseg-same-namespace-ingress', w);
  // What load balancers, ingress controllers and the control plane send keeps flowing: a policy admits
  // the clients of the pods it selects; a namespace-wide one gets one more policy per published workload.
  const controlPlane = controlPlaneClient(ctx);
  const kept = namespaceWide ? [] : publishedClients(ctx, w);
  const manifests: object[] = [
    ...(podSelector ? [{
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: ns },
      spec: { podSelector, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: {} }] }, ...[controlPlane, ...kept].flatMap((c) => (c ? [c.rule] : []))] },
    }] : []),
    ...(namespaceWide ? ctx.workloadsIn(ns).flatMap((other) => keepClientsPolicy(ctx, other)) : []),
    ...(dns && unselected ? clusterDnsIngress(ctx, w) : []),
    ...[...wide].map(([policy, indexes]) => editedPolicy(policy, ingressEdits(indexes, (rule) => [dns ? dnsPortsOf(rule) : sameNamespaceOnly(rule), ...routedThrough(ctx, w)]))),
  ];
  const steps = [
    ...(unselected ? [`admit only same-namespace traffic to the pods of ${podSelector?.matchLabels ? w.id : `namespace ${ns}`} with an ingress NetworkPolicy`] : []),
    ...(dns && unselected ? [`admit every namespace to cluster DNS ${w.id} on UDP and TCP ${DNS_PORT} only`] : []),
    ...[...wide.keys()].map((p) => (dns
      ? `narrow NetworkPolicy ${ns}/${p.metadata.name} so that the rules admitting every namespace admit DNS (UDP and TCP ${DNS_PORT}) only`
      : `narrow NetworkPolicy ${ns}/${p.metadata.name} so that its rules admit this namespace only`)),
  ];
  const change = steps.length > 0 && dns
    ? `${capitalize(steps.join('; '))}. Pods elsewhere keep name resolution; add a rule for the metrics scraper if one reads ${w.id}.`
    : steps.length > 0
    ? `${capitalize(steps.join('; '))}.${keptText(ctx, w, unselected && podSelector ? controlPlane : undefined)}${further(w, namespaces)}`
    : `The NetworkPolicies selecting ${w.id} already limit which namespaces reach it.`;
  const text = `${change}${unselected && !podSelector ? noSafeSelector(w, 'ingress') : ''}`;
  return manifests.length > 0 ? manifestRemediation(text, ...manifests) : { text };
}

/** What to add by hand once the suggestion is applied: the other namespaces that must reach the workload, or its callers. */
function further(w: WorkloadInfo, namespaces: readonly string[]): string {
  return namespaces.length > 0
    ? ` Then add a \`from\` entry with a namespaceSelector naming each other namespace that must reach ${w.id}; namespaces that reach it today: ${namespaces.join(', ')}.`
    : ` To go further, name the pods of namespace ${w.ref.namespace} that call ${w.id} in the rule's podSelector.`;
}

/** What the suggestion keeps admitting, as a sentence; empty when nothing. */
function keptText(ctx: CheckContext, w: WorkloadInfo, controlPlane: KeptClient | undefined): string {
  const kept = [...(controlPlane ? [controlPlane] : []), ...publishedClients(ctx, w)].map((c) => c.evidence);
  return kept.length > 0 ? ` It keeps admitting what the workload serves by design: ${kept.join('; ')}.` : '';
}

/** A policy that admits what the workload's Services and Ingresses send it; none when nothing is published. */
function keepClientsPolicy(ctx: CheckContext, w: WorkloadInfo): object[] {
  const clients = publishedClients(ctx, w);
  const podSelector = clients.length > 0 ? allowPolicySelector(ctx, w, 'ingress') : undefined;
  if (!podSelector) return [];
  return [{
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: workloadPolicyName('kubeseg-keep-clients', w), namespace: w.ref.namespace },
    spec: { podSelector, policyTypes: ['Ingress'], ingress: clients.map((c) => c.rule) },
  }];
}

/** The rules that keep ingress controllers' pods reaching the workload: a narrowed rule may have been how they got in. */
function routedThrough(ctx: CheckContext, w: WorkloadInfo): Json[] {
  return publishedClients(ctx, w).filter((c) => mapsIn(c.rule.from).some((peer) => peer.podSelector !== undefined)).map((c) => c.rule);
}

/** A policy that lets every namespace resolve names through the cluster DNS pods, and nothing else. */
function clusterDnsIngress(ctx: CheckContext, w: WorkloadInfo): object[] {
  const podSelector = allowPolicySelector(ctx, w, 'ingress');
  if (!podSelector) return [];
  return [{
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: workloadPolicyName('kubeseg-cluster-dns-ingress', w), namespace: w.ref.namespace },
    spec: { podSelector, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }], ports: DNS_PORTS }] },
  }];
}

const DNS_PORTS = [{ protocol: 'UDP', port: DNS_PORT }, { protocol: 'TCP', port: DNS_PORT }];

/** The rule limited to DNS: whoever it admits keeps name resolution and nothing more. */
function dnsPortsOf(rule: Json): Json {
  return { ...rule, ports: DNS_PORTS };
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
