/**
 * MS-TA9020 Access cloud resources. A compromised pod reaches AWS with whatever cloud identity it can
 * get: its own IAM role (IRSA) or, through the instance metadata API, the node's role, which every
 * pod on the node shares. kubeseg fails every workload that can obtain the node role from IMDS,
 * reusing the MS-TA9033 judgement, and names the workload's own IRSA role where it has one.
 */
import { fail, pass, unknown, type CheckOutcome } from '../../findings/finding.js';
import type { CheckContext } from '../context.js';
import { IMDS_ADDRESS, imdsHopLimited, judgeImdsAccess } from '../ta9033-instance-metadata-api/technique.js';
import { retext } from '../remediation.js';
import type { Technique } from '../types.js';

const IRSA_ANNOTATION = 'eks.amazonaws.com/role-arn';
const CHECK = 'node-role-via-imds';

export const technique: Technique = {
  meta: {
    id: 'MS-TA9020',
    name: 'Access cloud resources',
    tactics: ['Privilege escalation', 'Lateral movement'],
    mitreAttack: ['T1078.004'],
    mitigations: ['MS-M9003', 'MS-M9018', 'MS-M9019', 'MS-M9013'],
    severity: 'high',
    weight: 7,
    segmentationMitigates: true,
    formerNames: [],
    evidence: ['workloads', 'networkpolicies', 'serviceaccounts'],
    description: 'From a compromised container an attacker uses the cloud identities within reach. A workload whose ServiceAccount '
      + `carries the ${IRSA_ANNOTATION} annotation (IRSA) gets that IAM role; any workload that reaches the instance metadata API `
      + `(${IMDS_ADDRESS}) gets the node's role, shared by every pod on the node. The rule: a workload that can obtain the node role `
      + 'from IMDS (judged as in MS-TA9033: egress policies where enforced, host network, IMDSv2 hop limit) fails, with its IRSA '
      + 'role named if it has one, since it could use the node role instead; every other workload passes. EKS Pod Identity '
      + 'associations live in the EKS API, not in manifests, so kubeseg cannot see them; the permissions of the roles are not '
      + 'assessed. Node agents (host-network DaemonSets in kube-system) act as the node and are left out.',
  },
  checks: [nodeRoleViaImds],
};

function nodeRoleViaImds(ctx: CheckContext): CheckOutcome[] {
  const hopLimited = imdsHopLimited(ctx);
  const roles = irsaRoles(ctx);
  return ctx.reachAddress(IMDS_ADDRESS, 80).flatMap((answer): CheckOutcome[] => {
    const w = answer.workload;
    if (!ctx.isSubject(w)) return [];
    const imds = judgeImdsAccess(ctx, answer, hopLimited);
    const sa = `${w.ref.namespace}/${w.serviceAccountName}`;
    const role = roles.get(sa);
    const identity = role
      ? `ServiceAccount ${sa} has ${IRSA_ANNOTATION}: ${role}, so its pods also get that IAM role (IRSA)`
      : `ServiceAccount ${sa} has no ${IRSA_ANNOTATION} annotation (no IRSA role)`;
    switch (imds.status) {
      case 'fail': {
        const own = role
          ? 'It has its own IAM role through IRSA and needs no instance metadata: block it.'
          : 'If it needs AWS access, give it its own least-privilege role (IRSA or EKS Pod Identity) rather than the node role.';
        const remediation = imds.remediation && retext(imds.remediation, `${own} ${imds.remediation.text} Also require IMDSv2 with a hop limit of 1 on every node group.`);
        return [fail(CHECK, w.ref, `${w.id} reaches IMDS → node role credentials${role ? ` (besides its own IRSA role ${role})` : ''}`,
          [`reaches IMDS (${IMDS_ADDRESS}:80) → node role credentials`, identity, ...imds.evidence], remediation)];
      }
      case 'unknown':
        return [unknown(CHECK, w.ref, `whether ${w.id} can obtain the node role's credentials from IMDS is unknown`, [identity, ...imds.evidence])];
      case 'pass':
        return [pass(CHECK, w.ref, role ? `${w.id} cannot obtain the node role from IMDS; a compromise yields its IRSA role ${role}`
          : `${w.id} cannot obtain the node role from IMDS and has no IRSA role`, [identity, ...imds.evidence])];
    }
  });
}

/** `namespace/name` of every ServiceAccount with an IRSA role → the role's ARN. */
function irsaRoles(ctx: CheckContext): Map<string, string> {
  return new Map(ctx.objects('ServiceAccount').flatMap((sa) => {
    const arn = (sa.metadata.annotations as Record<string, unknown> | undefined)?.[IRSA_ANNOTATION];
    return typeof arn === 'string' && arn ? [[`${sa.metadata.namespace ?? 'default'}/${sa.metadata.name}`, arn] as const] : [];
  }));
}
