/**
 * Evidence a cluster's report lacks, with the reason in words a reader can act on: what is missing
 * and how to get it (the kubectl command that exports it, or the permission a collector needs).
 */
import { CLOUD_STEPS } from '../evidence/snapshot.js';
import type { JsonReport } from './jsonReport.js';

type CollectionStep = JsonReport['clusters'][number]['collection'][number];

export interface EvidenceGap {
  readonly step: string;
  readonly status: 'forbidden' | 'error' | 'absent';
  /** One sentence; kubectl commands are marked as code with backticks. */
  readonly reason: string;
}

/** What each evidence kind is called in a sentence, and the resources that export it. */
const EXPORTS: Readonly<Record<string, { readonly noun: string; readonly resources: string; readonly namespaced: boolean }>> = {
  namespaces: { noun: 'Namespaces', resources: 'namespaces', namespaced: false },
  workloads: { noun: 'workloads', resources: 'pods,deployments,replicasets,statefulsets,daemonsets,jobs,cronjobs', namespaced: true },
  services: { noun: 'Services', resources: 'services,endpoints,ingresses', namespaced: true },
  networkpolicies: { noun: 'NetworkPolicies', resources: 'networkpolicies', namespaced: true },
  adminnetworkpolicies: { noun: 'AdminNetworkPolicies', resources: 'adminnetworkpolicies,baselineadminnetworkpolicies', namespaced: false },
  serviceaccounts: { noun: 'ServiceAccounts', resources: 'serviceaccounts', namespaced: true },
  rbac: { noun: 'RBAC objects', resources: 'roles,rolebindings,clusterroles,clusterrolebindings', namespaced: true },
  configmaps: { noun: 'ConfigMaps', resources: 'configmaps', namespaced: true },
  nodes: { noun: 'Nodes', resources: 'nodes', namespaced: false },
};

/** Cloud steps by name → the IAM actions the collector's role needs for them. */
const CLOUD_ACTIONS: ReadonlyMap<string, string> = new Map(Object.values(CLOUD_STEPS).map((s) => [s.step, s.actions]));

type Source = JsonReport['clusters'][number]['source'];

/**
 * The steps that are not `ok`, in collection order, each with its reason. From a live API server an
 * `absent` step is no gap: the server does not serve that API, so none of its objects exist; from
 * files, it may be a kind left out of the export.
 */
export function evidenceGaps(collection: readonly CollectionStep[], source: Source): EvidenceGap[] {
  const live = source === 'eks' || source === 'kubeconfig';
  return collection.flatMap((s) => (s.status === 'ok' || (live && s.status === 'absent') ? [] : [{ step: s.step, status: s.status, reason: reason(s) }]));
}

function reason(s: CollectionStep): string {
  const known = EXPORTS[s.step];
  const detail = s.detail ?? '';
  if (s.status === 'absent') {
    if (!known) return detail || `no ${s.step} in the input`;
    return `no ${known.noun} in the input: export them with \`kubectl get ${known.resources}${known.namespaced ? ' -A' : ''} -o yaml\``;
  }
  const actions = CLOUD_ACTIONS.get(s.step);
  if (s.status === 'forbidden' && actions) {
    return `${s.step} could not be read (${detail || 'access denied'}): allow ${actions} to the collector's IAM role`;
  }
  if (s.status === 'forbidden') {
    const what = known ? known.noun : s.step;
    return `${what} could not be read (${detail || 'forbidden'}): give the collector's role list and get on them (\`kubeseg grant-access\`)`;
  }
  return `${known ? known.noun : s.step} could not be collected${detail ? `: ${detail}` : ''}`;
}
