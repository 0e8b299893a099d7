/**
 * What `kubeseg grant-access` is asked to do, checked before any AWS call: the cluster (an EKS
 * ARN gives its region and name; a bare name needs a region), the IAM role to admit, and the
 * Kubernetes group to put it in. Also the dry-run plan, as text.
 */
import { toYaml } from '../format/yamlText.js';
import { groupNameProblem, readerRoleYaml } from './readerRole.js';

export interface GrantRequest {
  readonly clusterName: string;
  readonly region: string;
  readonly principalArn: string;
  readonly group: string;
}

export interface GrantInput {
  readonly cluster: string;
  /** `--region`, else the environment's AWS_REGION, as the caller resolved it. */
  readonly region: string | undefined;
  readonly principal: string;
  readonly group: string;
}

const CLUSTER_ARN = /^arn:aws(?:-cn|-us-gov)?:eks:([a-z0-9-]+):\d{12}:cluster\/([^/]+)$/;
// EKS cluster names: 1-100 characters, a letter or digit first, then letters, digits, - and _.
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;
const ROLE_ARN = /^arn:aws(?:-cn|-us-gov)?:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;

export function parseGrantRequest(input: GrantInput): { ok: true; request: GrantRequest } | { ok: false; problem: string } {
  const fail = (problem: string) => ({ ok: false as const, problem });
  const arn = CLUSTER_ARN.exec(input.cluster);
  if (!arn && input.cluster.startsWith('arn:')) return fail(`--cluster ${input.cluster}: not an EKS cluster ARN (arn:aws:eks:REGION:ACCOUNT:cluster/NAME)`);
  const clusterName = arn ? arn[2]! : input.cluster;
  if (!CLUSTER_NAME.test(clusterName)) return fail(`--cluster ${input.cluster}: not an EKS cluster name (letters, digits, - and _, at most 100)`);
  if (arn && input.region !== undefined && input.region !== arn[1]) return fail(`--cluster ${input.cluster} is in ${arn[1]}, not in --region ${input.region}`);
  const region = arn ? arn[1]! : input.region;
  if (region === undefined) return fail(`--cluster ${input.cluster}: a cluster name needs --region (or AWS_REGION), or give the cluster ARN`);
  if (!REGION.test(region)) return fail(`--region ${region}: not an AWS region name`);
  const principalProblem = principalArnProblem(input.principal);
  if (principalProblem) return fail(`--principal ${input.principal}: ${principalProblem}`);
  const groupProblem = groupNameProblem(input.group);
  if (groupProblem) return fail(`--group ${input.group}: ${groupProblem}`);
  return { ok: true, request: { clusterName, region, principalArn: input.principal, group: input.group } };
}

function principalArnProblem(arn: string): string | undefined {
  if (/^arn:aws(?:-cn|-us-gov)?:sts::\d{12}:assumed-role\//.test(arn)) return 'an assumed-role session; give the IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)';
  if (!ROLE_ARN.test(arn)) return 'not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)';
  if (/:role\/aws-service-role\//.test(arn)) return 'a service-linked role, which EKS access entries do not accept';
  return undefined;
}

/** The parameters of the EKS CreateAccessEntry call. */
export function accessEntryParams(request: GrantRequest) {
  return { clusterName: request.clusterName, principalArn: request.principalArn, kubernetesGroups: [request.group], type: 'STANDARD' as const };
}

/** What a run would do, in order; printed by `--dry-run`, which changes nothing. */
export function grantPlanText(request: GrantRequest): string {
  return [
    `Dry run: nothing is changed. grant-access would, on cluster ${request.clusterName} in ${request.region}:`,
    '',
    '1. Call EKS CreateAccessEntry (if the principal already has an entry: DescribeAccessEntry, then UpdateAccessEntry adding the group, keeping its other groups):',
    toYaml(accessEntryParams(request)),
    '',
    '2. Create or replace these objects through the cluster\'s Kubernetes API:',
    readerRoleYaml(request.group),
  ].join('\n');
}
