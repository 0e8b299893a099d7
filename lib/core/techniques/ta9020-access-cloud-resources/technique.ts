/**
 * MS-TA9020 Access cloud resources. A compromised pod reaches AWS with whatever cloud identity it can
 * get: its own IAM role (IRSA or EKS Pod Identity) or, through the instance metadata API, the node's
 * role, which every pod on the node shares. kubeseg fails every workload that can obtain the node
 * role from IMDS, reusing the MS-TA9033 judgement, and names the workload's own role where it has one.
 */
import { fail, pass, unknown, type CheckOutcome } from '../../findings/finding.js';
import type { CheckContext } from '../context.js';
import { IMDS_ADDRESS, imdsHopLimited, judgeImdsAccess } from '../ta9033-instance-metadata-api/technique.js';
import { podIdentityRoles, type PodIdentityRoles } from '../cloudFacts.js';
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
      + `carries the ${IRSA_ANNOTATION} annotation (IRSA), or has an EKS Pod Identity association, gets that IAM role; any workload that reaches the instance metadata API `
      + `(${IMDS_ADDRESS}) gets the node's role, shared by every pod on the node. The rule: a workload that can obtain the node role `
      + 'from IMDS (judged as in MS-TA9033: egress policies where enforced, host network, IMDSv2 hop limit) fails, with its own '
      + 'IRSA or Pod Identity role named if it has one, since it could use the node role instead; every other workload passes. '
      + 'Pod Identity associations live in the EKS API, not in manifests: a live collection reads them (ListPodIdentityAssociations), '
      + 'offline input lists them in kubeseg-cloud.yaml (podIdentityAssociations), and without either the evidence says they are unknown. '
      + 'The permissions of the roles are not assessed. Node agents (host-network DaemonSets in kube-system) act as the node and are left out.',
  },
  checks: [nodeRoleViaImds],
};

function nodeRoleViaImds(ctx: CheckContext): CheckOutcome[] {
  const hopLimited = imdsHopLimited(ctx);
  const irsa = irsaRoles(ctx);
  const podIdentity = podIdentityRoles(ctx.snapshot);
  return ctx.reachAddress(IMDS_ADDRESS, 80).flatMap((answer): CheckOutcome[] => {
    const w = answer.workload;
    if (!ctx.isSubject(w)) return [];
    const imds = judgeImdsAccess(ctx, answer, hopLimited);
    const sa = `${w.ref.namespace}/${w.serviceAccountName}`;
    const own = ownRoles(sa, irsa, podIdentity);
    const role = own.roles[0];
    const roleText = role && `${role.via} role ${role.arn}`;
    switch (imds.status) {
      case 'fail': {
        const advice = role
          ? `It has its own IAM role through ${role.via} and needs no instance metadata: block it.`
          : 'If it needs AWS access, give it its own least-privilege role (IRSA or EKS Pod Identity) rather than the node role.';
        const remediation = imds.remediation && retext(imds.remediation, `${advice} ${imds.remediation.text} Also require IMDSv2 with a hop limit of 1 on every node group.`);
        return [fail(CHECK, w.ref, `${w.id} reaches IMDS and can take the node role's credentials${role ? ` (besides its own ${roleText})` : ''}`,
          [`reaches IMDS (${IMDS_ADDRESS}:80), which hands out the node role's credentials`, ...own.evidence, ...imds.evidence], remediation)];
      }
      case 'unknown':
        return [unknown(CHECK, w.ref, `whether ${w.id} can obtain the node role's credentials from IMDS is unknown`, [...own.evidence, ...imds.evidence])];
      case 'pass': {
        const none = podIdentity.known ? 'has no IRSA or Pod Identity role' : 'has no IRSA role';
        return [pass(CHECK, w.ref, role ? `${w.id} cannot obtain the node role from IMDS; a compromise yields its ${roleText}`
          : `${w.id} cannot obtain the node role from IMDS and ${none}`, [...own.evidence, ...imds.evidence])];
      }
    }
  });
}

interface OwnRoles {
  /** IRSA first: the AWS SDKs' default credential chain reads the web identity token before Pod Identity's. */
  readonly roles: { readonly arn: string; readonly via: 'IRSA' | 'EKS Pod Identity' }[];
  readonly evidence: string[];
}

/** The IAM roles a ServiceAccount's pods get of their own (IRSA, EKS Pod Identity), as evidence sentences. */
function ownRoles(sa: string, irsa: Map<string, string>, podIdentity: PodIdentityRoles): OwnRoles {
  const roles: OwnRoles['roles'] = [];
  const evidence: string[] = [];
  const irsaRole = irsa.get(sa);
  if (irsaRole) {
    roles.push({ arn: irsaRole, via: 'IRSA' });
    evidence.push(`ServiceAccount ${sa} has ${IRSA_ANNOTATION}: ${irsaRole}, so its pods also get that IAM role (IRSA)`);
  } else {
    evidence.push(`ServiceAccount ${sa} has no ${IRSA_ANNOTATION} annotation (no IRSA role)`);
  }
  if (!podIdentity.known) {
    evidence.push(`${podIdentity.reason}, so a Pod Identity role of ServiceAccount ${sa} is unknown`);
  } else {
    const piRole = podIdentity.roles.get(sa);
    if (piRole) {
      roles.push({ arn: piRole, via: 'EKS Pod Identity' });
      evidence.push(`ServiceAccount ${sa} has an EKS Pod Identity association with ${piRole}, so its pods also get that IAM role (Pod Identity)`);
    } else {
      evidence.push(`ServiceAccount ${sa} has no EKS Pod Identity association`);
    }
  }
  return { roles, evidence };
}

/** `namespace/name` of every ServiceAccount with an IRSA role → the role's ARN. */
function irsaRoles(ctx: CheckContext): Map<string, string> {
  return new Map(ctx.objects('ServiceAccount').flatMap((sa) => {
    const arn = (sa.metadata.annotations as Record<string, unknown> | undefined)?.[IRSA_ANNOTATION];
    return typeof arn === 'string' && arn ? [[`${sa.metadata.namespace ?? 'default'}/${sa.metadata.name}`, arn] as const] : [];
  }));
}
