/**
 * What kubeseg may read inside a cluster, as data: the ClusterRole `kubeseg-reader` (get and list
 * on exactly the resources the live collector lists, and nothing on Secrets) and the
 * ClusterRoleBinding that grants it to one Kubernetes group. `kubeseg grant-access` applies these
 * objects, and `infra/kubeseg-reader.yaml` is their YAML (a test keeps the two identical, and
 * another keeps the rules equal to what the collector lists).
 */
import { commentLines, toYaml } from '../format/yamlText.js';

export const READER_ROLE_NAME = 'kubeseg-reader';
export const DEFAULT_READER_GROUP = 'kubeseg:readers';

export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
  readonly verbs: readonly string[];
}

const READ = ['get', 'list'] as const;

/**
 * By API group, the resources the collector lists cluster-wide. Secrets are not among them: the
 * checks need no Secret, and a list would carry their values. The policy-engine groups (Cilium,
 * Calico) are only looked for in API discovery, so they get no rule.
 */
const READ_RESOURCES: readonly (readonly [group: string, resources: readonly string[]])[] = [
  ['', ['namespaces', 'pods', 'replicationcontrollers', 'services', 'endpoints', 'serviceaccounts', 'configmaps', 'nodes']],
  ['apps', ['deployments', 'replicasets', 'statefulsets', 'daemonsets']],
  ['batch', ['jobs', 'cronjobs']],
  ['discovery.k8s.io', ['endpointslices']],
  ['networking.k8s.io', ['ingresses', 'networkpolicies']],
  ['route.openshift.io', ['routes']],
  ['policy.networking.k8s.io', ['adminnetworkpolicies', 'baselineadminnetworkpolicies']],
  ['rbac.authorization.k8s.io', ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings']],
];

/**
 * The two discovery documents the collector reads first. Every authenticated user may read them
 * through the built-in `system:discovery` role; the rule keeps the role whole where that binding
 * was narrowed.
 */
const DISCOVERY_URLS = ['/api', '/apis'];

const LABELS = { 'app.kubernetes.io/name': 'kubeseg', 'app.kubernetes.io/component': 'reader' };

export function readerClusterRole(): Record<string, unknown> {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: READER_ROLE_NAME, labels: { ...LABELS } },
    rules: [
      ...READ_RESOURCES.map(([group, resources]) => ({ apiGroups: [group], resources: [...resources], verbs: [...READ] })),
      { nonResourceURLs: [...DISCOVERY_URLS], verbs: ['get'] },
    ],
  };
}

export function readerClusterRoleBinding(group: string = DEFAULT_READER_GROUP): Record<string, unknown> {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: READER_ROLE_NAME, labels: { ...LABELS } },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: READER_ROLE_NAME },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: group }],
  };
}

/** `group/resource` (`apps/deployments`, `/pods` for the core group) of every resource the role reads. */
export function readerRoleResources(): string[] {
  return READ_RESOURCES.flatMap(([group, resources]) => resources.map((r) => `${group}/${r}`));
}

/** Why a name cannot be the group of the binding and the access entry; undefined when it can. */
export function groupNameProblem(group: string): string | undefined {
  if (group === '') return 'the group name is empty';
  if (group.length > 255) return 'the group name is longer than 255 characters';
  // The API server would take almost any string; these keep it a name that reads the same in kubectl, YAML and the EKS console.
  if (!/^[A-Za-z0-9][A-Za-z0-9:._@-]*$/.test(group)) return 'a group name holds only letters, digits and : . _ @ - and starts with a letter or digit';
  // Kubernetes gives `system:` groups (system:masters, system:authenticated...) their own meaning.
  if (group.startsWith('system:')) return "the prefix 'system:' is reserved by Kubernetes";
  return undefined;
}

const HEADER = [
  'kubeseg-reader: the read-only access kubeseg needs inside a cluster.',
  'Generated from lib/core/access/readerRole.ts by `npm run reader-role` (a test keeps the two equal): do not edit by hand.',
  'get/list on exactly the kinds kubeseg collects, and nothing on Secrets.',
  `The binding grants it to the Kubernetes group '${DEFAULT_READER_GROUP}': map your identity to that group`,
  '(on EKS: `kubeseg grant-access`, which creates the access entry and applies these objects),',
  'or change the subject. Apply with: kubectl apply -f infra/kubeseg-reader.yaml',
];

/** The two objects as YAML, for `--dry-run` and for `kubectl apply`. */
export function readerRoleYaml(group: string = DEFAULT_READER_GROUP): string {
  return `${toYaml(readerClusterRole(), readerClusterRoleBinding(group))}\n`;
}

/** The content of infra/kubeseg-reader.yaml. */
export function readerRoleManifest(): string {
  return `${commentLines(HEADER)}\n${readerRoleYaml()}`;
}

/**
 * The `aws-auth` ConfigMap `mapRoles` entry that maps a role to the group, for a cluster that only
 * authenticates through that ConfigMap. aws-auth matches role ARNs without their path.
 */
export function awsAuthMapRolesYaml(roleArn: string, group: string): string {
  const withoutPath = roleArn.replace(/:role\/(?:.*\/)?([^/]+)$/, ':role/$1');
  return `${toYaml([{ rolearn: withoutPath, username: 'kubeseg:{{SessionName}}', groups: [group] }])}\n`;
}
