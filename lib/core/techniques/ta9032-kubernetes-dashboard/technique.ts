/**
 * MS-TA9032 Access Kubernetes dashboard (retired; the matrix folded it into MS-TA9005 Exposed
 * sensitive interfaces). An attacker inside any pod opens the dashboard and acts with its service
 * account. kubeseg asks which other workloads can reach the dashboard's ports.
 */
import type { CheckOutcome } from '../../findings/finding.js';
import type { CheckContext } from '../context.js';
import { whoReachesInterfaces, type InterfaceSignature } from '../sensitiveInterfaces.js';
import type { Technique } from '../types.js';

/** The Kubernetes dashboard (v2 and the v7 chart's components); ports 8443 (HTTPS) and 9090 (HTTP) unless declared. */
export const DASHBOARD: InterfaceSignature = {
  name: 'Kubernetes dashboard',
  images: ['kubernetesui/dashboard', 'kubernetes-dashboard'],
  labels: [{ 'k8s-app': 'kubernetes-dashboard' }, { 'app.kubernetes.io/name': 'kubernetes-dashboard' }],
  ports: [8443, 9090],
  declaredPorts: true,
};

const CHECK = 'dashboard-reachable';
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
      + 'a dashboard port (its declared TCP ports, else 8443 and 9090). A cluster without a dashboard has nothing to assess: the '
      + 'technique is not applicable there rather than passed.',
  },
  checks: [(ctx: CheckContext): CheckOutcome[] => whoReachesInterfaces(ctx, CHECK, DASHBOARD, ADVICE)],
};
