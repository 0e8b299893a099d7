/**
 * What the API server grants a request with no credentials: RBAC bindings to the user
 * `system:anonymous` or the group `system:unauthenticated`. One finding per such binding, its
 * severity following what it grants: the cluster's own discovery bindings (health, version and
 * API discovery paths) are low; reading objects is high; reading Secrets, changing anything, or a
 * wildcard is critical. Whether the API server accepts anonymous requests at all is its
 * `--anonymous-auth` flag (controlPlaneFlags.ts); on EKS it does.
 */
import { fail, pass, unknown, type CheckOutcome, type ResourceRef, type Severity } from '../../findings/finding.js';
import { shellQuote } from '../../format/shell.js';
import type { CheckContext } from '../context.js';
import { rbacOf } from '../needs.js';
import { bindingText, type Grant, type PolicyRule, type RbacSubject } from '../rbac.js';
import { clusterRef, unknownWithoutRbac } from '../rbacSubjects.js';

const ANONYMOUS_CHECK = 'anonymous-access-granted';

const isAnonymous = (s: RbacSubject): boolean =>
  (s.kind === 'User' && s.name === 'system:anonymous') || (s.kind === 'Group' && s.name === 'system:unauthenticated');

const READ_VERBS = new Set(['get', 'list', 'watch']);

/** What one rule lets an anonymous request do, from harmless discovery up to taking the cluster. */
function ruleSeverity(rule: PolicyRule): Severity {
  const verbs = new Set(rule.verbs);
  const writes = verbs.has('*') || [...verbs].some((v) => !READ_VERBS.has(v));
  if (rule.resources.length === 0) return writes || rule.nonResourceURLs.includes('*') ? 'high' : 'low';
  if (writes || rule.resources.includes('*') || rule.resources.includes('secrets')) return 'critical';
  return 'high';
}

const RANK: readonly Severity[] = ['low', 'medium', 'high', 'critical'];
const worst = (severities: readonly Severity[]): Severity => RANK[Math.max(...severities.map((s) => RANK.indexOf(s)))]!;

export function anonymousAccess(ctx: CheckContext): CheckOutcome[] {
  const missing = unknownWithoutRbac(ctx, ANONYMOUS_CHECK, 'whether RBAC grants anonymous requests anything is unknown');
  if (missing) return [missing];
  const rbac = rbacOf(ctx);
  const byBinding = new Map<string, Grant[]>();
  for (const g of rbac.grantsNaming(isAnonymous)) {
    const key = bindingText(g.binding);
    const listed = byBinding.get(key);
    if (listed) listed.push(g);
    else byBinding.set(key, [g]);
  }
  const failures = [...byBinding.values()].map((grants) => {
    const { binding } = grants[0]!;
    const severity = worst(grants.map((g) => ruleSeverity(g.rule)));
    const ref: ResourceRef = { kind: binding.kind, namespace: binding.namespace, name: binding.name };
    const what = severity === 'low' ? 'discovery paths only' : severity === 'critical' ? 'Secrets, changes or everything' : 'cluster objects';
    return {
      ...fail(ANONYMOUS_CHECK, ref, `${bindingText(binding)} grants requests without credentials ${what}`,
        [...new Set(grants.map((g) => g.evidence))], {
          text: severity === 'low'
            ? 'The API server\'s default discovery binding: it shows health, version and API discovery to anyone who reaches the endpoint. '
              + 'Keep the endpoint private (EKS: private endpoint access, or public access limited to known CIDRs) rather than removing it.'
            : `Delete ${bindingText(binding)} or remove system:anonymous and system:unauthenticated from its subjects `
              + `(\`kubectl edit ${binding.kind.toLowerCase()} ${shellQuote(binding.name)}${binding.namespace === null ? '' : ` -n ${shellQuote(binding.namespace)}`}\`), `
              + 'and bind the role to the identities that need it.',
        }),
      severity,
    };
  });
  const unknowns = rbac.unresolvedNaming(isAnonymous).map((u) => unknown(ANONYMOUS_CHECK,
    { kind: u.binding.kind, namespace: u.binding.namespace, name: u.binding.name },
    `what ${bindingText(u.binding)} grants requests without credentials is unknown`, [u.evidence]));
  if (failures.length > 0 || unknowns.length > 0) return [...failures, ...unknowns];
  return [pass(ANONYMOUS_CHECK, clusterRef(ctx), 'no RBAC binding grants anything to system:anonymous or system:unauthenticated')];
}
