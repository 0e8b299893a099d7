/**
 * Mocked AWS APIs of a fleet's member accounts, in front of an HTTPS fake Kubernetes API: STS
 * hands out the member role's keys (and refuses one locked account), EKS lists and describes the
 * clusters, their node groups have IMDSv2 launch templates, and the VPC CNI enforces
 * NetworkPolicies. For tests of discovery and collection end to end (`report --config`, the
 * serverless pipeline).
 */
import { DescribeLaunchTemplateVersionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeAddonCommand, DescribeClusterCommand, DescribeNodegroupCommand, EKSClient, ListAccessEntriesCommand, ListClustersCommand,
  ListNodegroupsCommand, ListPodIdentityAssociationsCommand,
} from '@aws-sdk/client-eks';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { accessDenied } from '../aws/awsErrors.js';
import type { FakeKubeApi } from './fakeKubeApi.js';

export const MEMBER_KEYS = { accessKeyId: 'ASIAMEMBERKEY0000001', secretAccessKey: 'member-secret-key', sessionToken: 'member-session-token' };
/** Nothing listens there, as from outside a private endpoint's VPC. */
export const UNREACHABLE_ENDPOINT = 'https://127.0.0.1:9';

export const awsMocks = { sts: mockClient(STSClient), eks: mockClient(EKSClient), ec2: mockClient(EC2Client) };

export interface MemberAccountOptions {
  readonly region: string;
  readonly member: string;
  /** An account whose role cannot be assumed. */
  readonly locked: string;
  /** The fake API server whose CA every cluster presents. */
  readonly kube: FakeKubeApi;
  /** Each cluster's name and API endpoint. */
  readonly clusters: Readonly<Record<string, string>>;
  /** The node groups of the clusters reachable at the fake API server. */
  readonly nodeGroups: readonly string[];
}

/** Resets the mocks and answers as the member accounts would. */
export function mockMemberAccounts(options: MemberAccountOptions): void {
  const { sts, eks, ec2 } = awsMocks;
  for (const mock of Object.values(awsMocks)) mock.reset();
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
    if (input.RoleArn.includes(options.locked)) throw accessDenied(`not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`);
    const keys = MEMBER_KEYS;
    return { Credentials: { AccessKeyId: keys.accessKeyId, SecretAccessKey: keys.secretAccessKey, SessionToken: keys.sessionToken, Expiration: new Date(Date.now() + 3_600_000) } };
  });
  eks.on(ListClustersCommand).resolves({ clusters: Object.keys(options.clusters) });
  for (const [name, endpoint] of Object.entries(options.clusters)) {
    eks.on(DescribeClusterCommand, { name }).resolves({ cluster: {
      name, arn: `arn:aws:eks:${options.region}:${options.member}:cluster/${name}`, endpoint,
      certificateAuthority: { data: Buffer.from(options.kube.caPem).toString('base64') },
      resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true, publicAccessCidrs: [] },
      version: '1.31', accessConfig: { authenticationMode: 'API' },
    } });
    eks.on(ListNodegroupsCommand, { clusterName: name }).resolves({ nodegroups: endpoint === options.kube.url ? [...options.nodeGroups] : [] });
  }
  eks.on(DescribeNodegroupCommand).callsFake((input: { nodegroupName: string }) => ({
    nodegroup: { nodegroupName: input.nodegroupName, amiType: 'AL2023_x86_64_STANDARD', launchTemplate: { id: `lt-${input.nodegroupName}`, version: '1' } },
  }));
  ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake((input: { LaunchTemplateId: string }) => ({
    LaunchTemplateVersions: [{ LaunchTemplateId: input.LaunchTemplateId, VersionNumber: 1, LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 } } }],
  }));
  eks.on(DescribeAddonCommand).resolves({ addon: { addonName: 'vpc-cni', addonVersion: 'v1.19.2-eksbuild.1', configurationValues: '{"enableNetworkPolicy":"true"}' } });
  eks.on(ListPodIdentityAssociationsCommand).resolves({ associations: [] });
  eks.on(ListAccessEntriesCommand).resolves({ accessEntries: [] });
}
