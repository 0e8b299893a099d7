/**
 * MS-TA9034 Cluster internal networking. Kubernetes lets every pod talk to every other pod by
 * default, so an attacker who controls one pod moves laterally to any namespace. Ingress
 * NetworkPolicies that admit other namespaces only by name take that away.
 */
import type { KubeObject } from '../../evidence/snapshot.js';
import { fail, pass, unknown, type CheckOutcome, type Remediation } from '../../findings/finding.js';
import { NONE } from '../../netpol/engine/connTable.js';
import type { CheckContext, NetworkStatus } from '../context.js';
import { enforcementAdvice, replacementPolicy, toYaml } from '../remediation.js';
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
  /** Members in other namespaces than the destination's, node agents left out. */
  readonly members: readonly WorkloadInfo[];
  readonly status: NetworkStatus;
}

/**
 * Sources are counted per group of workloads that policies treat alike, from the engine's
 * connection ids, and only the example shown is explained: a cluster with thousands of workloads
 * costs groups × workloads cheap look-ups, not workloads² answers.
 */
function openToOtherNamespaces(ctx: CheckContext): CheckOutcome[] {
  const groups = ctx.queries.sourceGroups().map((members) =>
    members.flatMap((i) => ctx.workload(ctx.queries.workloads[i]!.id) ?? []).filter((m) => !isNodeAgent(m)));
  return ctx.workloads.filter((w) => !isNodeAgent(w)).flatMap((w): CheckOutcome[] => {
    const destination = ctx.queries.indexOf(w.id);
    const connections = ctx.queries.groupConnections(destination);
    const sources: SourceGroup[] = [];
    groups.forEach((all, group) => {
      // Node agents act as the node: their traffic is the node's, not another namespace's.
      const members = all.filter((m) => m.ref.namespace !== w.ref.namespace);
      if (members.length > 0) sources.push({ group, members, status: statusOf(ctx, connections[group]!) });
    });
    if (sources.length === 0) return [];
    if (isHostNetwork(w)) return [hostNetworkFailure(CHECK, w, 'ingress NetworkPolicies do not apply to it')];
    const reaching = sources.filter((s) => s.status === 'exposed');
    const openings = reaching.flatMap((s) => {
      const o = opening(ctx, w, s, destination);
      return o ? [{ source: s, ...o }] : [];
    });
    const example = openings[0];
    if (example) {
      const opened = openings.flatMap((o) => o.source.members);
      const namespaces = [...new Set(opened.map((m) => m.ref.namespace))].sort();
      const answer = ctx.reachPair(example.source.members[0]!.id, w.id);
      return [fail(CHECK, w.ref,
        `${w.id} accepts connections from ${opened.length} workload${opened.length === 1 ? '' : 's'} in other namespaces (${namespaces.join(', ')}) that no policy restricts`,
        [`for example from ${answer.workload.id} (${answer.connection}): ${example.why}`, ...answer.reasons],
        remediation(ctx, w, openings, namespaces))];
    }
    const uncertain = sources.find((s) => s.status === 'unknown');
    if (uncertain) {
      const answer = ctx.reachPair(uncertain.members[0]!.id, w.id);
      return [unknown(CHECK, w.ref, `whether workloads in other namespaces can reach ${w.id} is unknown`,
        [`for example from ${answer.workload.id}:`, ...answer.reasons])];
    }
    const admitted = reaching.reduce((n, s) => n + s.members.length, 0);
    const shown = ctx.reachPair((reaching[0] ?? sources[0]!).members[0]!.id, w.id);
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
  const [ns, name] = wide?.policyKind === 'NetworkPolicy' ? wide.policy.split('/') : [];
  const policy = ctx.objects('NetworkPolicy').find((p) => (p.metadata.namespace ?? 'default') === ns && p.metadata.name === name);
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
  return { text: `${change}${enforcementAdvice(ctx)}`, ...(manifests.length > 0 && { yaml: toYaml(...manifests) }) };
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
