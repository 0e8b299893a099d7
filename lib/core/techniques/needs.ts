/**
 * What a workload is built to reach. A controller whose ServiceAccount holds RBAC permissions of
 * its own calls the API server; a metrics scraper granted `nodes/metrics` calls the kubelet. That
 * reach is the workload doing its job, not a finding: what is judged is whether its reach is wider
 * than the need (is its egress limited at all?), and a fix never takes the needed path away.
 *
 * A need is shown by a binding that names the ServiceAccount itself: permissions that come only
 * through groups every account is in (`system:serviceaccounts`, `system:authenticated`), or to a
 * namespace's `default` account that every pod without one of its own runs as, were not granted
 * for this workload and show no need.
 */
import type { CheckContext } from './context.js';
import { RbacIndex, ruleAllows, type Grant, type PolicyRule } from './rbac.js';
import type { WorkloadInfo } from './workloads.js';

export interface Need {
  /** The grants that show it, as evidence sentences. */
  readonly evidence: readonly string[];
}

/** Resources that are only self-reviews: every identity may ask them, and they reveal nothing. */
const SELF_REVIEWS = new Set(['selfsubjectaccessreviews', 'selfsubjectrulesreviews', 'selfsubjectreviews']);

/** A rule every identity holds in a default cluster and that reveals nothing: self-reviews and non-resource URLs. */
export function revealsNothing(rule: PolicyRule): boolean {
  return rule.resources.every((r) => SELF_REVIEWS.has(r));
}

/** Kubelet API subresources a scraper is granted through the API server's node authorizer. */
const KUBELET_RESOURCES = ['nodes/metrics', 'nodes/stats', 'nodes/proxy'];

const rbacByContext = new WeakMap<CheckContext, RbacIndex>();

export function rbacOf(ctx: CheckContext): RbacIndex {
  let rbac = rbacByContext.get(ctx);
  if (!rbac) rbacByContext.set(ctx, (rbac = RbacIndex.fromObjects(ctx.snapshot.objects)));
  return rbac;
}

/** The grants bound to the workload's own ServiceAccount by name; a namespace's `default` account is no workload's own. */
function ownGrants(ctx: CheckContext, w: WorkloadInfo): Grant[] {
  if (w.serviceAccountName === 'default') return [];
  return rbacOf(ctx).rulesFor({ kind: 'ServiceAccount', namespace: w.ref.namespace, name: w.serviceAccountName })
    .filter((g) => g.subject.kind === 'ServiceAccount' && g.subject.name === w.serviceAccountName && g.subject.namespace === w.ref.namespace);
}

/** The workload calls the API server: its own ServiceAccount is granted more than self-reviews and discovery. */
export function apiServerNeed(ctx: CheckContext, w: WorkloadInfo): Need | undefined {
  const grants = ownGrants(ctx, w).filter((g) => !revealsNothing(g.rule));
  return needOf(grants);
}

/** The workload scrapes the kubelet: its own ServiceAccount may `get` node metrics, stats or the node proxy. */
export function kubeletNeed(ctx: CheckContext, w: WorkloadInfo): Need | undefined {
  const grants = ownGrants(ctx, w).filter((g) => KUBELET_RESOURCES.some((resource) => ruleAllows(g.rule, 'get', { apiGroup: '', resource })));
  return needOf(grants);
}

/** The workload is an ingress controller: its own ServiceAccount may update the status of Ingresses it serves. */
export function ingressControllerNeed(ctx: CheckContext, w: WorkloadInfo): Need | undefined {
  const grants = ownGrants(ctx, w).filter((g) => ruleAllows(g.rule, 'update', { apiGroup: 'networking.k8s.io', resource: 'ingresses/status' }));
  return needOf(grants);
}

function needOf(grants: readonly Grant[]): Need | undefined {
  if (grants.length === 0) return undefined;
  const evidence = [...new Set(grants.map((g) => g.evidence))];
  return { evidence: evidence.length > 3 ? [...evidence.slice(0, 3), `… and ${evidence.length - 3} more grants`] : evidence };
}

/**
 * Whether anything limits where the workload's pods may open connections: an enforced NetworkPolicy
 * selects them for egress. `unknown` when enforcement cannot be told.
 */
export function egressLimit(ctx: CheckContext, w: WorkloadInfo): 'limited' | 'open' | 'unknown' {
  if (ctx.enforcement.status === 'not-enforced') return 'open';
  if (!ctx.queries.isolated(w.id, 'egress')) return 'open';
  return ctx.enforcement.status === 'enforced' ? 'limited' : 'unknown';
}
