/**
 * MS-TA9016 Container service account. Whoever takes over a container reads the service-account
 * token Kubernetes mounts into it and acts with that account's RBAC permissions, from inside the
 * cluster or from anywhere the API server answers. Mitigated by not mounting tokens that the
 * workload does not need and by least-privilege RBAC.
 */
import type { KubeObject } from '../../evidence/snapshot.js';
import { fail, pass, unknown, type CheckOutcome, type Remediation } from '../../findings/finding.js';
import type { CheckContext } from '../context.js';
import { rbacOf } from '../needs.js';
import type { RbacSubject } from '../rbac.js';
import { rankedGrants, widerThanOwnRole, type RankedGrant } from './grants.js';
import { riskyServiceAccounts } from './serviceAccounts.js';
import { manifestRemediation, patchRemediation, podSpecPatch } from '../remediation.js';
import { tokenMount } from '../ta9029-api-server/technique.js';
import type { Technique } from '../types.js';
import type { WorkloadInfo } from '../workloads.js';
import { at, mapsIn } from '../json.js';

const CHECK = 'service-account-token-permissions';

/** Grants listed in a finding's evidence before the rest is summed up. */
const MAX_LISTED_GRANTS = 8;

export const technique: Technique = {
  meta: {
    id: 'MS-TA9016',
    name: 'Container service account',
    tactics: ['Credential access', 'Lateral movement', 'Persistence'],
    mitreAttack: ['T1528'],
    mitigations: ['MS-M9025', 'MS-M9003'],
    severity: 'high',
    weight: 7,
    segmentationMitigates: true,
    formerNames: [],
    evidence: ['workloads', 'serviceaccounts', 'rbac'],
    description: 'An attacker in a container reads the mounted service-account token and uses its RBAC permissions. '
      + 'For every workload kubeseg asks whether a token is mounted (a projected token volume, else the pod spec\'s '
      + 'automountServiceAccountToken, else the ServiceAccount\'s, default true) and what RBAC grants that ServiceAccount, '
      + 'directly or through its groups (built-in admin/edit/view/cluster-admin approximated when absent). It fails a workload '
      + 'that mounts a token with any permission beyond self-reviews and non-resource URLs, listing reading Secrets, exec, '
      + 'creating workloads, changing RBAC and wildcards first. Permissions bound to the workload\'s own ServiceAccount by name are the '
      + 'role it needs and pass, unless they use wildcards or change RBAC; a binding to a role not in the evidence makes it unknown. '
      + 'Segmentation helps only partly (keeping pods from the API server, see MS-TA9029): a stolen token also works from '
      + 'outside the cluster. Node agents (host-network DaemonSets in kube-system) are the node and are not assessed. '
      + 'Every ServiceAccount that mounts its token by default and holds one of those dangerous permissions fails too, whether or not '
      + 'a workload uses it yet (the workloads that do are named); the control plane\'s own accounts are left out.',
  },
  checks: [serviceAccountTokens, riskyServiceAccounts],
};

function serviceAccountTokens(ctx: CheckContext): CheckOutcome[] {
  const rbac = rbacOf(ctx);
  return ctx.subjects().map((w) => {
    const token = tokenMount(ctx, w);
    if (!token.mounted) return pass(CHECK, w.ref, `${w.id} mounts no service-account token`, [token.evidence]);
    const subject: RbacSubject = { kind: 'ServiceAccount', namespace: w.ref.namespace, name: w.serviceAccountName };
    const sa = `ServiceAccount ${w.ref.namespace}/${w.serviceAccountName}`;
    const grants = rankedGrants(rbac.rulesFor(subject), subject);
    const unresolved = rbac.unresolvedFor(subject).map((u) => u.evidence);
    if (grants.length === 0) {
      return unresolved.length > 0
        ? unknown(CHECK, w.ref, `what the token of ${w.id} (${sa}) allows is unknown: it is bound to roles the evidence does not hold`, [token.evidence, ...unresolved])
        : pass(CHECK, w.ref, `${w.id} mounts the token of ${sa}, which RBAC grants nothing beyond self-reviews and discovery`,
          [token.evidence, `no RoleBinding or ClusterRoleBinding grants ${sa} or its groups more than self-reviews and non-resource URLs`]);
    }
    const wider = grants.filter(widerThanOwnRole);
    if (wider.length === 0) {
      return pass(CHECK, w.ref, `${w.id} mounts the token of ${sa} for the RBAC role bound to it, which it needs`,
        [token.evidence, ...grants.slice(0, MAX_LISTED_GRANTS).map((g) => g.evidence), ...unresolved]);
    }
    if (grants.some((g) => g.own)) {
      return fail(CHECK, w.ref, `${w.id} mounts the token of ${sa}, which holds more than a role of its own should: ${summaryOf(wider)}`,
        [token.evidence, ...listed(wider), ...unresolved], narrowGrants(w, sa, wider));
    }
    const dangers = [...new Set(grants.flatMap((g) => g.dangers))];
    const summary = dangers.length > 0 ? `may ${dangers.join(', ')}` : `holds ${grants.length} RBAC grant${grants.length === 1 ? '' : 's'}`;
    return fail(CHECK, w.ref, `${w.id} mounts the token of ${sa}, which ${summary}`,
      [token.evidence, ...listed(grants), ...unresolved], remediation(ctx, w, sa, grants, token.advice));
  });
}

function listed(grants: readonly RankedGrant[]): string[] {
  const more = grants.length > MAX_LISTED_GRANTS ? [`… and ${grants.length - MAX_LISTED_GRANTS} more grants`] : [];
  return [...grants.slice(0, MAX_LISTED_GRANTS).map((g) => g.evidence), ...more];
}

function summaryOf(grants: readonly RankedGrant[]): string {
  const dangers = [...new Set(grants.flatMap((g) => g.dangers))];
  return dangers.length > 0 ? `it may ${dangers.join(', ')}` : `${grants.length} grant${grants.length === 1 ? '' : 's'} through groups every account is in`;
}

/** A workload that needs its token keeps it: the grants wider than its role are what to narrow. */
function narrowGrants(w: WorkloadInfo, sa: string, wider: readonly RankedGrant[]): Remediation {
  const bindings = [...new Set(wider.map((g) => g.binding))].join(', ');
  return { text: `${w.id} calls the API server with its token, so keep it mounted; narrow what ${sa} gets from ${bindings} `
    + 'to the verbs, resources and resourceNames the workload uses, without wildcards or the right to change RBAC, '
    + 'and remove bindings that grant it permissions through groups every account is in.' };
}

/**
 * Stop mounting the token: on the ServiceAccount (a corrected copy the what-if analysis applies),
 * or in the pod spec when the pod spec asks for it.
 */
function remediation(ctx: CheckContext, w: WorkloadInfo, sa: string, grants: readonly RankedGrant[], advice: string): Remediation {
  const bindings = [...new Set(grants.map((g) => g.binding))].join(', ');
  const text = `${advice} If ${w.id} does call the API server, give it a ServiceAccount of its own and only the verbs, resources `
    + `and resourceNames it needs, in a Role of its namespace, instead of what ${sa} gets from ${bindings}.`;
  // A projected token volume is mounted whatever automountServiceAccountToken says: the text covers it.
  if (projectsToken(w)) return { text };
  if (w.podSpec.automountServiceAccountToken === true) return patchRemediation(text, podSpecPatch(w, { automountServiceAccountToken: false }));
  const existing = ctx.object('ServiceAccount', `${w.ref.namespace}/${w.serviceAccountName}`);
  return manifestRemediation(text, serviceAccountWithoutToken(w, existing));
}

function projectsToken(w: WorkloadInfo): boolean {
  return mapsIn(w.podSpec.volumes).some((v) => mapsIn(at(v, 'projected', 'sources')).some((s) => s.serviceAccountToken !== undefined));
}

/** The ServiceAccount as it is (labels, annotations, pull secrets kept) with automountServiceAccountToken: false. */
function serviceAccountWithoutToken(w: WorkloadInfo, existing: KubeObject | undefined): object {
  const labels = existing?.metadata.labels;
  const annotations = existing?.metadata.annotations;
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: w.serviceAccountName, namespace: w.ref.namespace, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) },
    ...(existing?.imagePullSecrets ? { imagePullSecrets: existing.imagePullSecrets } : {}),
    automountServiceAccountToken: false,
  };
}
