/**
 * The kubelet API through the API server: `nodes/proxy` lets its holder call any kubelet endpoint,
 * `create` included, and so run commands in every pod on every node (the kubelet's /exec and /run),
 * past admission control and audit of the pods themselves. Anyone but the control plane holding it
 * fails: create or a wildcard verb is critical, get alone (read pods, logs, metrics) high.
 */
import { fail, pass, unknown, type CheckOutcome } from '../../findings/finding.js';
import type { CheckContext } from '../context.js';
import { rbacOf } from '../needs.js';
import { bindingText, subjectText } from '../rbac.js';
import { clusterRef, groupBySubject, groupMembers, isControlPlane, resourceOfSubject, subjectKey, unknownWithoutRbac } from '../rbacSubjects.js';

const NODES_PROXY_CHECK = 'nodes-proxy-granted';

const NODES_PROXY = { apiGroup: '', resource: 'nodes/proxy', namespace: null } as const;

export function nodesProxy(ctx: CheckContext): CheckOutcome[] {
  const missing = unknownWithoutRbac(ctx, NODES_PROXY_CHECK, 'who may use the kubelet API through the API server (nodes/proxy) is unknown');
  if (missing) return [missing];
  const rbac = rbacOf(ctx);
  // Nodes are cluster-scoped, so only ClusterRoleBindings grant them (whoCan with no namespace).
  const grants = ['create', 'get'].flatMap((verb) => rbac.whoCan(verb, NODES_PROXY).map((g) => ({ ...g, verb })))
    .filter((g) => !isControlPlane(g.subject, g.role.name));
  const bySubject = groupBySubject(grants);
  const failures = [...bySubject.values()].map(({ subject, grants: own }) => {
    const create = own.some((g) => g.verb === 'create');
    const bindings = [...new Set(own.map((g) => bindingText(g.binding)))];
    return {
      ...fail(NODES_PROXY_CHECK, resourceOfSubject(subject),
        `${subjectText(subject)} may ${create ? 'run commands in every pod through the kubelet API' : 'read every node\'s kubelet API'} (nodes/proxy)`,
        [...new Set(own.map((g) => g.evidence)), ...groupMembers(ctx, subject)], {
          text: `Remove nodes/proxy from the roles that ${bindings.join(', ')} grant${bindings.length === 1 ? 's' : ''} to ${subjectText(subject)}. `
            + 'A metrics scraper needs nodes/metrics and nodes/stats only (get); nothing but the control plane needs nodes/proxy.',
        }),
      severity: create ? 'critical' as const : 'high' as const,
    };
  });
  const unresolved = [...groupBySubject(rbac.unresolvedIn(null).filter((u) => !isControlPlane(u.subject, u.roleRef.name))).values()]
    .filter(({ subject }) => !bySubject.has(subjectKey(subject)))
    .map(({ subject, grants: bindings }) => unknown(NODES_PROXY_CHECK, resourceOfSubject(subject),
      `whether ${subjectText(subject)} may use nodes/proxy is unknown`, bindings.map((b) => b.evidence)));
  if (failures.length > 0 || unresolved.length > 0) return [...failures, ...unresolved];
  return [pass(NODES_PROXY_CHECK, clusterRef(ctx), 'only the control plane may use the kubelet API through the API server (nodes/proxy)')];
}
