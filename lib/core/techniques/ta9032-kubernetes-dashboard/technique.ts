/**
 * MS-TA9032 Access Kubernetes dashboard (retired; the matrix folded it into MS-TA9005 Exposed
 * sensitive interfaces). An attacker inside any pod opens the dashboard and acts with its service
 * account. kubeseg asks which other workloads can reach the dashboard's ports.
 */
import { fail, type CheckOutcome } from '../../findings/finding.js';
import type { CheckContext } from '../context.js';
import { findInterfaces, whoReachesInterfaces } from '../sensitiveInterfaces.js';
import { dashboardRbac } from './dashboardRbac.js';
import { DASHBOARD } from './signature.js';
import type { Technique } from '../types.js';

const CHECK = 'dashboard-reachable';
const SHARED_ACCOUNT_CHECK = 'dashboard-service-account-shared';
const ADVICE = 'Reach the dashboard through kubectl port-forward, or through an ingress controller with sign-in whose namespace alone the policy admits.';

export const technique: Technique = {
  meta: {
    id: 'MS-TA9032',
    name: 'Access Kubernetes dashboard',
    tactics: ['Discovery'],
    mitreAttack: [],
    mitigations: ['MS-M9008', 'MS-M9009', 'MS-M9014'],
    severity: 'high',
    weight: 6,
    segmentationMitigates: true,
    formerNames: [],
    retired: { replacedBy: 'MS-TA9005' },
    evidence: ['workloads', 'networkpolicies'],
    description: 'The Kubernetes dashboard acts with its own service account; from inside any pod an attacker can open it and '
      + 'explore, or change, the cluster. kubeseg recognises dashboard workloads by image (kubernetesui/dashboard, kubernetes-dashboard) '
      + 'or labels (k8s-app or app.kubernetes.io/name = kubernetes-dashboard) and asks, for every other workload, whether it can reach '
      + 'a dashboard port (its declared TCP ports, else 8443 and 9090). Any other workload that runs as a dashboard\'s ServiceAccount '
      + 'fails too (unless that is its namespace\'s default account): whoever takes it over holds the dashboard\'s permissions without going through the dashboard. '
      + 'So does every identity bound to the dashboard\'s own Roles or ClusterRoles (those bound by name to its ServiceAccount, built-in '
      + 'roles left out), or allowed to impersonate its ServiceAccount or create tokens for it (RBAC evidence; unknown without it). A cluster without a '
      + 'dashboard has nothing to assess: the technique is not applicable there rather than passed.',
  },
  checks: [(ctx: CheckContext): CheckOutcome[] => whoReachesInterfaces(ctx, CHECK, DASHBOARD, ADVICE), sharedDashboardAccount, dashboardRbac],
};

/**
 * Workloads other than a dashboard that run as a dashboard's own ServiceAccount (the official
 * manifests' metrics scraper does). A dashboard on its namespace's `default` account shares it with
 * every workload there by accident, not design: MS-TA9016 judges what that account may do.
 */
function sharedDashboardAccount(ctx: CheckContext): CheckOutcome[] {
  const dashboards = findInterfaces(ctx, [DASHBOARD]).map((m) => m.workload).filter((d) => d.serviceAccountName !== 'default');
  const isDashboard = new Set(dashboards.map((d) => d.id));
  return dashboards.flatMap((d) => ctx.workloadsIn(d.ref.namespace)
    .filter((w) => !isDashboard.has(w.id) && w.serviceAccountName === d.serviceAccountName)
    .map((w) => fail(SHARED_ACCOUNT_CHECK, w.ref, `${w.id} runs as the dashboard's ServiceAccount ${d.ref.namespace}/${d.serviceAccountName}`,
      [`${d.id} (Kubernetes dashboard) runs as ServiceAccount ${d.ref.namespace}/${d.serviceAccountName}`,
        `${w.id} sets serviceAccountName: ${w.serviceAccountName}`], {
        text: `Give ${w.id} a ServiceAccount of its own with only the permissions it needs (the dashboard's metrics scraper needs `
          + 'to read metrics only), so that whoever takes it over does not act as the dashboard.',
      })));
}
