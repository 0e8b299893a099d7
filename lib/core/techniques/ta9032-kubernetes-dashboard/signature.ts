/** How kubeseg recognises the Kubernetes dashboard: MS-TA9032's subject, and one of MS-TA9005's interfaces. */
import type { InterfaceSignature } from '../sensitiveInterfaces.js';

/** The Kubernetes dashboard (v2 and the v7 chart's components); ports 8443 (HTTPS) and 9090 (HTTP) unless declared. */
export const DASHBOARD: InterfaceSignature = {
  name: 'Kubernetes dashboard',
  images: ['kubernetesui/dashboard', 'kubernetes-dashboard'],
  labels: [{ 'k8s-app': 'kubernetes-dashboard' }, { 'app.kubernetes.io/name': 'kubernetes-dashboard' }],
  ports: [8443, 9090],
  declaredPorts: true,
};

