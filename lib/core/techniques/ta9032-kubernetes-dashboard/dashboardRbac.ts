/**
 * Who holds the Kubernetes dashboard's permissions without going through the dashboard:
 * identities bound to the dashboard's own Roles and ClusterRoles (those bound by name to its
 * ServiceAccount, built-in roles left out), and those who may impersonate its ServiceAccount or
 * create tokens for it. Each such identity fails: whoever takes it over acts as the dashboard.
 * Identities that hold every permission (`*` on `*`) are left to MS-TA9016, which judges them
 * whatever the dashboard; the control plane is left out as everywhere.
 */
import { fail, pass, unknown, type CheckOutcome } from '../../findings/finding.js';
import type { CheckContext } from '../context.js';
import { rbacOf } from '../needs.js';
import { BUILT_IN_CLUSTER_ROLES, bindingText, subjectText, type Grant, type RbacSubject, type RoleRef } from '../rbac.js';
import { groupBySubject, groupMembers, isControlPlane, resourceOfSubject, subjectKey, unknownWithoutRbac } from '../rbacSubjects.js';
import { findInterfaces } from '../sensitiveInterfaces.js';
import { DASHBOARD } from './signature.js';

export const DASHBOARD_RBAC_CHECK = 'dashboard-permissions-held';

/** One way an identity gets the dashboard's permissions, as its finding words it. */
interface Path extends Grant {
  readonly way: string;
  /** Bound to one of the dashboard's roles, or allowed to act as its account. */
  readonly through: 'role' | 'account';
}

export function dashboardRbac(ctx: CheckContext): CheckOutcome[] {
  const accounts = dashboardAccounts(ctx);
  if (accounts.length === 0) return [];
  const missing = unknownWithoutRbac(ctx, DASHBOARD_RBAC_CHECK, 'who else holds the Kubernetes dashboard\'s permissions is unknown');
  if (missing) return [missing];
  const rbac = rbacOf(ctx);
  const isDashboard = (s: RbacSubject): boolean => accounts.some((a) => subjectKey(a) === subjectKey(s));
  const roles = new Map<string, RoleRef>();
  for (const g of rbac.grantsNaming(isDashboard)) if (!isSharedRole(g.role)) roles.set(roleKey(g.role), g.role);
  const paths: Path[] = [
    ...rbac.grantsNaming((s) => !isDashboard(s)).filter((g) => roles.has(roleKey(g.role))).map((g) => ({ ...g, way: `is bound to its ${roleWord(g.role)}`, through: 'role' as const })),
    ...accounts.flatMap((a) => [
      ...rbac.whoCan('impersonate', { apiGroup: '', resource: 'serviceaccounts', namespace: a.namespace!, resourceName: a.name })
        .map((g) => ({ ...g, way: `may impersonate ServiceAccount ${a.namespace}/${a.name}`, through: 'account' as const })),
      ...rbac.whoCan('create', { apiGroup: '', resource: 'serviceaccounts/token', namespace: a.namespace!, resourceName: a.name })
        .map((g) => ({ ...g, way: `may create tokens for ServiceAccount ${a.namespace}/${a.name}`, through: 'account' as const })),
    ]),
  ].filter((p) => !isDashboard(p.subject) && !isControlPlane(p.subject, p.role.name) && !holdsEverything(p));
  const bySubject = groupBySubject(paths);
  const failures = [...bySubject.values()].map(({ subject, grants }) => {
    const ways = [...new Set(grants.map((g) => g.way))];
    return fail(DASHBOARD_RBAC_CHECK, resourceOfSubject(subject),
      `${subjectText(subject)} holds the Kubernetes dashboard's permissions without the dashboard: it ${ways.join('; it ')}`,
      [...new Set(grants.map((g) => g.evidence)), ...groupMembers(ctx, subject)], { text: fixText(subject, grants) });
  });
  const namespaces = new Set(accounts.map((a) => a.namespace!));
  const unresolved = [...groupBySubject(rbac.unresolvedNaming((s) => !isDashboard(s)).filter((u) => u.namespace === null || namespaces.has(u.namespace))).values()]
    .filter(({ subject, grants }) => !bySubject.has(subjectKey(subject)) && !grants.every((u) => isControlPlane(subject, u.roleRef.name)))
    .map(({ subject, grants }) => unknown(DASHBOARD_RBAC_CHECK, resourceOfSubject(subject),
      `whether ${subjectText(subject)} may act as the Kubernetes dashboard's ServiceAccount is unknown`, grants.map((u) => u.evidence)));
  if (failures.length > 0 || unresolved.length > 0) return [...failures, ...unresolved];
  return accounts.map((a) => pass(DASHBOARD_RBAC_CHECK, resourceOfSubject(a),
    `only the Kubernetes dashboard acts as ServiceAccount ${a.namespace}/${a.name}: no other identity is bound to its roles, impersonates it or gets its tokens`));
}

/** Out of the dashboard's role bindings; the permissions to act as its account taken out of the other roles. */
function fixText(subject: RbacSubject, paths: readonly Path[]): string {
  const bindings = (through: Path['through']): string => [...new Set(paths.filter((p) => p.through === through).map((p) => bindingText(p.binding)))].join(', ');
  const [roles, account] = [bindings('role'), bindings('account')];
  return [
    ...(roles ? [`Take ${subjectText(subject)} out of ${roles}.`] : []),
    ...(account ? [`Give ${subjectText(subject)} a role without impersonate on serviceaccounts and create on serviceaccounts/token for the `
      + `dashboard's ServiceAccount instead of what ${account} grant${account.includes(',') ? '' : 's'}.`] : []),
    'Only the dashboard should act as its ServiceAccount.',
  ].join(' ');
}

/** The dashboards' ServiceAccounts, each once. */
function dashboardAccounts(ctx: CheckContext): RbacSubject[] {
  const accounts = new Map<string, RbacSubject>();
  for (const { workload } of findInterfaces(ctx, [DASHBOARD])) {
    const account: RbacSubject = { kind: 'ServiceAccount', name: workload.serviceAccountName, namespace: workload.ref.namespace };
    accounts.set(subjectKey(account), account);
  }
  return [...accounts.values()];
}

/** A role every cluster has (cluster-admin, admin, edit, view, system:…): binding it too does not share the dashboard's permissions. */
function isSharedRole(role: RoleRef): boolean {
  return role.builtIn || (role.namespace === null && (role.name in BUILT_IN_CLUSTER_ROLES || role.name.startsWith('system:')));
}

function holdsEverything(g: Grant): boolean {
  return g.rule.verbs.includes('*') && g.rule.resources.includes('*');
}

const roleKey = (r: RoleRef): string => `${r.kind}|${r.namespace ?? ''}|${r.name}`;
const roleWord = (r: RoleRef): string => (r.namespace === null ? `ClusterRole ${r.name}` : `Role ${r.namespace}/${r.name}`);
