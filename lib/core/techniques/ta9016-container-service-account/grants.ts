/**
 * What an RBAC grant lets a stolen service-account token do, ranked: the dangers MS-TA9016 lists
 * first, for workloads and for the ServiceAccounts themselves.
 */
import { revealsNothing } from '../needs.js';
import { bindingText, ruleAllows, type Grant, type PolicyRule, type RbacSubject } from '../rbac.js';

type Probe = readonly [verb: string, apiGroup: string, resource: string];

const probes = (verbs: readonly string[], apiGroup: string, resources: readonly string[]): Probe[] =>
  verbs.flatMap((verb) => resources.map((resource): Probe => [verb, apiGroup, resource]));

/**
 * What makes a grant dangerous, most dangerous first; a grant ranks by the first one it matches.
 * Probes ignore resourceNames: reading some secrets is still reading secrets.
 */
const DANGERS: readonly { readonly what: string; readonly matches: (rule: PolicyRule) => boolean }[] = [
  { what: 'read Secrets', matches: anyProbe(probes(['get', 'list', 'watch'], '', ['secrets'])) },
  // Exec over WebSockets was authorized with `get` before Kubernetes 1.31.
  { what: 'exec into pods', matches: anyProbe(probes(['create', 'get'], '', ['pods/exec', 'pods/attach'])) },
  {
    what: 'create pods or workloads',
    matches: anyProbe([
      ...probes(['create'], '', ['pods', 'replicationcontrollers']),
      ...probes(['create'], 'apps', ['deployments', 'daemonsets', 'statefulsets', 'replicasets']),
      ...probes(['create'], 'batch', ['jobs', 'cronjobs']),
    ]),
  },
  {
    what: 'change RBAC',
    matches: anyProbe(probes(['create', 'update', 'patch', 'bind', 'escalate'], 'rbac.authorization.k8s.io',
      ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'])),
  },
  { what: 'use wildcards (*)', matches: (r) => [r.verbs, r.apiGroups, r.resources].some((list) => list.includes('*')) },
];

export interface RankedGrant {
  readonly evidence: string;
  /** Bound to the ServiceAccount by name (not through a group, not the namespace's `default` account). */
  readonly own: boolean;
  readonly binding: string;
  readonly dangers: readonly string[];
  readonly rank: number;
}

/** What no workload's own role needs: any grant that matches one of these is wider than the need. */
const BEYOND_ANY_NEED = new Set(['change RBAC', 'use wildcards (*)']);

/**
 * Permissions bound to the account itself are its own role, which its workloads call the API with;
 * only what no role of its own should hold (wildcards, changing RBAC) is wider than that need.
 */
export function widerThanOwnRole(g: RankedGrant): boolean {
  return !g.own || g.dangers.some((d) => BEYOND_ANY_NEED.has(d));
}

/** Grants worth reporting, most dangerous first, one per evidence sentence. */
export function rankedGrants(grants: readonly Grant[], subject: RbacSubject): RankedGrant[] {
  const byEvidence = new Map<string, RankedGrant>();
  for (const g of grants) {
    if (revealsNothing(g.rule) || byEvidence.has(g.evidence)) continue;
    const hits = DANGERS.flatMap((d, i) => (d.matches(g.rule) ? [i] : []));
    const own = g.subject.kind === 'ServiceAccount' && g.subject.name === subject.name && g.subject.namespace === subject.namespace && subject.name !== 'default';
    byEvidence.set(g.evidence, { evidence: g.evidence, own, binding: bindingText(g.binding), dangers: hits.map((i) => DANGERS[i]!.what), rank: hits[0] ?? DANGERS.length });
  }
  return [...byEvidence.values()].sort((a, b) => a.rank - b.rank);
}

function anyProbe(list: readonly Probe[]): (rule: PolicyRule) => boolean {
  return (rule) => {
    const anyName = { ...rule, resourceNames: [] };
    return list.some(([verb, apiGroup, resource]) => ruleAllows(anyName, verb, { apiGroup, resource }));
  };
}
