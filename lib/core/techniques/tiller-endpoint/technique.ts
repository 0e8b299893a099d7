/**
 * Access tiller endpoint (retired from the matrix without an id). Helm v2's tiller serves an
 * unauthenticated gRPC API on TCP 44134 and installs charts with (usually) cluster-admin rights, so
 * any pod that reaches it can take over the cluster. kubeseg asks which other workloads can reach it.
 */
import type { CheckOutcome } from '../../findings/finding.js';
import type { CheckContext } from '../context.js';
import { whoReachesInterfaces, type InterfaceSignature } from '../sensitiveInterfaces.js';
import type { Technique } from '../types.js';

/** Helm v2's tiller; its gRPC API is TCP 44134 whatever else the pod declares. */
export const TILLER: InterfaceSignature = {
  name: 'Helm tiller',
  images: ['kubernetes-helm/tiller', 'helm/tiller'],
  labels: [{ app: 'helm', name: 'tiller' }],
  ports: [44134],
  declaredPorts: false,
};

const CHECK = 'tiller-reachable';
/** Blocking the port closes the path; removing Helm v2 removes the interface. */
const ADVICE = 'Remove Helm v2 (tiller) and move releases to Helm 3, which has no in-cluster server. Until then:';

export const technique: Technique = {
  meta: {
    id: 'KUBESEG-TILLER',
    name: 'Access tiller endpoint',
    tactics: ['Lateral movement'],
    mitreAttack: [],
    mitigations: ['MS-M9008', 'MS-M9014', 'MS-M9021'],
    severity: 'critical',
    weight: 7,
    segmentationMitigates: true,
    formerNames: [],
    retired: {},
    evidence: ['workloads', 'networkpolicies'],
    description: 'Helm v2 runs tiller in the cluster: an unauthenticated gRPC API on TCP 44134 that installs anything with its '
      + '(usually cluster-admin) service account. kubeseg recognises tiller by image (kubernetes-helm/tiller, helm/tiller) or labels '
      + '(app=helm, name=tiller) and asks, for every other workload, whether it can reach TCP 44134. A cluster without tiller has '
      + 'nothing to assess: the technique is not applicable there. The lasting fix is to remove Helm v2.',
  },
  checks: [(ctx: CheckContext): CheckOutcome[] => whoReachesInterfaces(ctx, CHECK, TILLER, ADVICE)],
};
