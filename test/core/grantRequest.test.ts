import { describe, expect, it } from 'vitest';
import { accessEntryParams, grantPlanText, parseGrantRequest } from '../../lib/core/access/grantRequest.js';

const ROLE = 'arn:aws:iam::123456789012:role/kubeseg';
const base = { principal: ROLE, group: 'kubeseg:readers', region: undefined };

describe('parseGrantRequest', () => {
  it('takes region and name from a cluster ARN', () => {
    expect(parseGrantRequest({ ...base, cluster: 'arn:aws:eks:eu-west-1:123456789012:cluster/prod-a' }))
      .toEqual({ ok: true, request: { clusterName: 'prod-a', region: 'eu-west-1', principalArn: ROLE, group: 'kubeseg:readers' } });
  });

  it('takes a name with the region given', () => {
    const parsed = parseGrantRequest({ ...base, cluster: 'prod_b-1', region: 'us-gov-west-1' });
    expect(parsed.ok && parsed.request).toMatchObject({ clusterName: 'prod_b-1', region: 'us-gov-west-1' });
  });

  it('accepts a role ARN with a path, in another partition', () => {
    expect(parseGrantRequest({ ...base, cluster: 'c', region: 'cn-north-1', principal: 'arn:aws-cn:iam::123456789012:role/team/ops/kubeseg' }).ok).toBe(true);
  });

  it.each([
    [{ cluster: 'arn:aws:eks:eu-west-1:123456789012:nodegroup/x' }, 'not an EKS cluster ARN'],
    [{ cluster: 'bad name' }, 'not an EKS cluster name'],
    [{ cluster: 'c', region: 'Europe' }, 'not an AWS region name'],
    [{ cluster: 'c', region: 'eu-west-1', principal: 'arn:aws:sts::123456789012:assumed-role/kubeseg/session' }, 'an assumed-role session'],
    [{ cluster: 'c', region: 'eu-west-1', principal: 'arn:aws:iam::123456789012:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS' }, 'service-linked'],
    [{ cluster: 'c', region: 'eu-west-1', principal: 'kubeseg' }, 'not an IAM role ARN'],
    [{ cluster: 'c', region: 'eu-west-1', group: '' }, '--group : the group name is empty'],
  ])('refuses %j', (input, problem) => {
    const parsed = parseGrantRequest({ ...base, ...input });
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problem).toContain(problem);
  });
});

describe('grantPlanText', () => {
  it('shows the access entry call, then the role, then the binding to the group', () => {
    const request = { clusterName: 'c', region: 'eu-west-1', principalArn: ROLE, group: 'audit' };
    const text = grantPlanText(request);
    const at = (s: string): number => text.indexOf(s);
    expect(accessEntryParams(request)).toEqual({ clusterName: 'c', principalArn: ROLE, kubernetesGroups: ['audit'], type: 'STANDARD' });
    expect(at('CreateAccessEntry')).toBeGreaterThan(-1);
    expect(at('CreateAccessEntry')).toBeLessThan(at('kind: ClusterRole\n'));
    expect(at('kind: ClusterRole\n')).toBeLessThan(at('kind: ClusterRoleBinding'));
    expect(text).toContain('kubernetesGroups:\n  - audit');
    expect(text).toMatch(/kind: Group\n\s+name: audit/);
  });
});
