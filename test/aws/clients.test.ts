import { describe, expect, it } from 'vitest';
import { defaultAwsClients } from '../../lib/adapters/aws/clients.js';
import { organizationsRegion, partitionOf, roleArn } from '../../lib/adapters/aws/partition.js';

describe('defaultAwsClients', () => {
  it('makes one attempt per call, in the asked region, with the profile', async () => {
    // Prepare
    const clients = defaultAwsClients({ profile: 'audit', region: 'eu-west-1', requestTimeoutMs: 7000 });
    // Act
    const eks = clients.eks('ap-south-1');
    // Assess
    expect(clients.hubRegion).toBe('eu-west-1');
    expect(await eks.config.region()).toBe('ap-south-1');
    expect(await eks.config.maxAttempts()).toBe(1);
    expect(eks.config.profile).toBe('audit');
    const handler = eks.config.requestHandler as unknown as { config?: Record<string, unknown>; configProvider?: Promise<Record<string, unknown>> };
    expect(handler.config ?? await handler.configProvider).toMatchObject({ requestTimeout: 7000, throwOnRequestTimeout: true });
  });

  it('reuses a client per service, region and credentials', () => {
    const clients = defaultAwsClients({ region: 'eu-west-1' });
    const member = async () => ({ accessKeyId: 'a', secretAccessKey: 'b' });
    expect(clients.ec2('eu-west-1')).toBe(clients.ec2('eu-west-1'));
    expect(clients.ec2('eu-west-1')).not.toBe(clients.ec2('us-east-1'));
    expect(clients.ec2('eu-west-1', member)).toBe(clients.ec2('eu-west-1', member));
    expect(clients.ec2('eu-west-1', member)).not.toBe(clients.ec2('eu-west-1'));
  });

  it('uses the member credentials instead of the profile when given', async () => {
    const member = async () => ({ accessKeyId: 'member-key', secretAccessKey: 'b' });
    const sts = defaultAwsClients({ profile: 'audit', region: 'eu-west-1' }).sts('eu-west-1', member);
    expect(sts.config.profile).toBeUndefined();
    expect((await sts.config.credentials()).accessKeyId).toBe('member-key');
  });

  it('takes the hub region from the environment, else us-east-1, and puts Organizations in its partition home', async () => {
    expect(defaultAwsClients({ env: { AWS_REGION: 'eu-central-1' } }).hubRegion).toBe('eu-central-1');
    expect(defaultAwsClients({ env: { AWS_DEFAULT_REGION: 'eu-north-1' } }).hubRegion).toBe('eu-north-1');
    expect(defaultAwsClients({ env: {} }).hubRegion).toBe('us-east-1');
    expect(await defaultAwsClients({ region: 'eu-west-1' }).organizations().config.region()).toBe('us-east-1');
    expect(await defaultAwsClients({ region: 'cn-north-1' }).organizations().config.region()).toBe('cn-northwest-1');
  });
});

describe('partitions', () => {
  it.each([
    ['eu-west-1', 'aws'], ['cn-north-1', 'aws-cn'], ['us-gov-west-1', 'aws-us-gov'], ['us-iso-east-1', 'aws-iso'], ['us-isob-east-1', 'aws-iso-b'],
  ])('%s is in %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });

  it('builds role ARNs in the hub partition, paths included', () => {
    expect(roleArn('111122223333', 'KubesegReader', 'eu-west-1')).toBe('arn:aws:iam::111122223333:role/KubesegReader');
    expect(roleArn('111122223333', 'kubeseg/Reader', 'us-gov-east-1')).toBe('arn:aws-us-gov:iam::111122223333:role/kubeseg/Reader');
    expect(organizationsRegion('us-gov-east-1')).toBe('us-gov-west-1');
  });
});
