/**
 * The ServiceAccounts themselves: one whose token Kubernetes mounts by default (the account does
 * not set automountServiceAccountToken: false) and that RBAC grants something dangerous (reading
 * Secrets, exec, creating workloads, changing RBAC, wildcards) hands those permissions to every pod
 * that runs as it, including the next one someone deploys. Reported whether or not a workload uses
 * it yet; the workloads that do are named. While workloads run as it, a role bound to the account by
 * name is what they need and is left out, as are the control plane's own accounts.
 */
import { fail, type CheckOutcome } from '../../findings/finding.js';
import { shellQuote } from '../../format/shell.js';
import type { CheckContext } from '../context.js';
import { rbacOf } from '../needs.js';
import type { RbacSubject } from '../rbac.js';
import { isControlPlane } from '../rbacSubjects.js';
import { rankedGrants, widerThanOwnRole } from './grants.js';

const SERVICE_ACCOUNT_CHECK = 'risky-service-account-token';

/** Grants listed in a finding's evidence before the rest is counted. */
const LISTED = 6;

export function riskyServiceAccounts(ctx: CheckContext): CheckOutcome[] {
  const rbac = rbacOf(ctx);
  return ctx.objects('ServiceAccount').flatMap((account) => {
    if (account.automountServiceAccountToken === false) return [];
    const namespace = account.metadata.namespace ?? 'default';
    const subject: RbacSubject = { kind: 'ServiceAccount', namespace, name: account.metadata.name };
    const users = ctx.workloadsIn(namespace).filter((w) => w.serviceAccountName === account.metadata.name).map((w) => w.id);
    // While workloads run as it, a role bound to it by name is what they need (as the workload check
    // judges it); an account nothing runs as yet needs nothing.
    const grants = rankedGrants(rbac.rulesFor(subject).filter((g) => !isControlPlane(g.subject, g.role.name)), subject)
      .filter((g) => g.dangers.length > 0 && (users.length === 0 || widerThanOwnRole(g)));
    if (grants.length === 0) return [];
    const dangers = [...new Set(grants.flatMap((g) => g.dangers))];
    const bindings = [...new Set(grants.map((g) => g.binding))];
    const more = grants.length > LISTED ? [`and ${grants.length - LISTED} more grants`] : [];
    const patch = `kubectl patch serviceaccount ${shellQuote(account.metadata.name)} -n ${shellQuote(namespace)} -p '{"automountServiceAccountToken":false}'`;
    return [fail(SERVICE_ACCOUNT_CHECK, { kind: 'ServiceAccount', namespace, name: account.metadata.name },
      `ServiceAccount ${namespace}/${account.metadata.name} mounts its token into every pod by default and may ${dangers.join(', ')}`,
      [
        'automountServiceAccountToken is not false on the ServiceAccount',
        ...grants.slice(0, LISTED).map((g) => g.evidence), ...more,
        users.length > 0 ? `used by ${users.join(', ')}` : 'no workload in the evidence runs as it yet',
      ], {
        text: `Narrow what ${bindings.join(', ')} grant${bindings.length === 1 ? 's' : ''} to the verbs, resources and resourceNames its workloads use, `
          + `and stop mounting the token by default (\`${patch}\`); a workload that calls the API server then sets `
          + 'automountServiceAccountToken: true in its own pod spec.',
      })];
  });
}
