/**
 * MS-TA9035 CoreDNS poisoning. CoreDNS reads its configuration (the Corefile) from the ConfigMap
 * kube-system/coredns: whoever may change it can rewrite or forward the cluster's names and take
 * the network identity of any service. Mitigated by least-privilege RBAC on that ConfigMap.
 */
import { fail, pass, unknown, type CheckOutcome } from '../../findings/finding.js';
import { CLOUD_STEPS } from '../../evidence/snapshot.js';
import { cloudStep, clusterAdminEntries, stepProblem } from '../cloudFacts.js';
import type { CheckContext } from '../context.js';
import { bindingText, RbacIndex, subjectText } from '../rbac.js';
import { groupBySubject, groupMembers, isControlPlane, resourceOfSubject, subjectKey } from '../rbacSubjects.js';
import type { Technique } from '../types.js';

const CHECK = 'coredns-configmap-writers';

const COREDNS = { apiGroup: '', resource: 'configmaps', namespace: 'kube-system', resourceName: 'coredns' } as const;
const COREDNS_TEXT = 'ConfigMap kube-system/coredns';
/** `*` is matched by the rule matcher; these are the verbs that change an existing object. */
const WRITE_VERBS = ['update', 'patch'];

export const technique: Technique = {
  meta: {
    id: 'MS-TA9035',
    name: 'CoreDNS poisoning',
    tactics: ['Lateral movement'],
    mitreAttack: ['T1557'],
    mitigations: ['MS-M9003'],
    severity: 'high',
    weight: 6,
    segmentationMitigates: false,
    formerNames: [],
    evidence: ['rbac'],
    description: 'An attacker who may change the ConfigMap kube-system/coredns rewrites the Corefile and so the cluster\'s DNS. '
      + 'kubeseg asks RBAC who may update or patch that ConfigMap (verbs and resources with *, resourceNames, RoleBindings in '
      + 'kube-system and ClusterRoleBindings; built-in cluster-admin/admin/edit approximated when absent) and fails every '
      + 'ServiceAccount, User and Group that may, except the control plane and the managed platform (groups system:masters and '
      + 'system:nodes, the control plane\'s own users, users eks:*, kube-system controllers bound to system:controller:* roles). '
      + 'IAM principals with a cluster-admin EKS access policy (AmazonEKSClusterAdminPolicy, AmazonEKSAdminPolicy at cluster scope) '
      + 'are the cluster administrators, like system:masters: named in the pass evidence, not failed; an access entry that puts a '
      + 'principal in a group that may change the ConfigMap is named in that group\'s finding. '
      + 'When nobody else may, one pass finding names the ConfigMap. A binding to a role the evidence lacks makes its subject '
      + 'unknown. Only RBAC is read: the permission matters whether or not the ConfigMap is in the evidence.',
  },
  checks: [coreDnsWriters],
};

function coreDnsWriters(ctx: CheckContext): CheckOutcome[] {
  const rbac = RbacIndex.fromObjects(ctx.snapshot.objects);
  const grants = WRITE_VERBS.flatMap((verb) => rbac.whoCan(verb, COREDNS));
  const system = grants.filter((g) => isControlPlane(g.subject, g.role.name));
  const bySubject = groupBySubject(grants.filter((g) => !system.includes(g)));
  const failures = [...bySubject.values()].map(({ subject, grants: own }) => {
    const bindings = [...new Set(own.map((g) => bindingText(g.binding)))];
    return fail(CHECK, resourceOfSubject(subject), `${subjectText(subject)} may change ${COREDNS_TEXT} and so poison the cluster's DNS`,
      [...new Set(own.map((g) => g.evidence)), ...groupMembers(ctx, subject)], {
        text: `Remove update and patch on ${COREDNS_TEXT} from ${subjectText(subject)}: delete or narrow ${bindings.join(', ')}. `
          + 'Grant ConfigMap writes in kube-system only to the components that own them, in Roles with resourceNames that do not '
          + 'include coredns, and bind broad roles (cluster-admin, admin, edit) to people through short-lived access, not to workloads.',
      });
  });
  const unresolved = rbac.unresolvedIn('kube-system').filter((u) => !isControlPlane(u.subject, u.roleRef.name));
  const unknowns = [...groupBySubject(unresolved).values()]
    .filter(({ subject }) => !bySubject.has(subjectKey(subject)))
    .map(({ subject, grants: bindings }) => unknown(CHECK, resourceOfSubject(subject),
      `whether ${subjectText(subject)} may change ${COREDNS_TEXT} is unknown`, bindings.map((b) => b.evidence)));
  if (failures.length > 0 || unknowns.length > 0) return [...failures, ...unknowns];
  const evidence = system.length > 0
    ? [...new Set(system.map((g) => `system component: ${g.evidence}`))]
    : [`no RoleBinding in kube-system or ClusterRoleBinding grants update or patch on ${COREDNS_TEXT}`];
  const admins = accessPolicyWriters(ctx);
  return [pass(CHECK, { kind: 'ConfigMap', namespace: 'kube-system', name: 'coredns' },
    `only the control plane${admins.some((a) => a.startsWith('cluster administrator')) ? ' and cluster administrators' : ''} may change ${COREDNS_TEXT}`, [...evidence, ...admins])];
}

/**
 * People's cluster access through EKS access policies (outside RBAC): like group system:masters,
 * the cluster administrators by design, named in the evidence rather than failed. With the aws-auth
 * ConfigMap in the authentication mode, IAM principals it maps (not read: values stay out) may be too.
 */
function accessPolicyWriters(ctx: CheckContext): string[] {
  const admins = clusterAdminEntries(ctx.snapshot).map(({ entry, policy }) =>
    `cluster administrator through an EKS access entry (outside RBAC): ${entry.principalArn} holds ${policy} at cluster scope`);
  const mode = ctx.snapshot.cloud.eks?.authenticationMode;
  const awsAuth = mode && mode !== 'API'
    ? [`authentication mode ${mode}: IAM principals that the ConfigMap kube-system/aws-auth maps to system:masters are cluster administrators too (its values are not read)`]
    : [];
  const problem = stepProblem(cloudStep(ctx.snapshot, CLOUD_STEPS.accessEntries.step));
  const unread = problem ? [`EKS access entries could not be read (${problem}): cluster administrators outside RBAC are unknown`] : [];
  return [...admins, ...awsAuth, ...unread];
}
