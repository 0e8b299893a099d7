/**
 * The EKS cloud-facts collector against mocked EKS and EC2 APIs: every list paginated, metadata
 * options from launch templates and EKS defaults, the vpc-cni add-on's configuration, Pod Identity
 * and access entries, and failed steps recorded without stopping the others.
 */
import { DescribeLaunchTemplateVersionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  AccessDeniedException, DescribeAccessEntryCommand, DescribeAddonCommand, DescribeNodegroupCommand,
  DescribePodIdentityAssociationCommand, EKSClient, ListAccessEntriesCommand, ListAssociatedAccessPoliciesCommand,
  ListNodegroupsCommand, ListPodIdentityAssociationsCommand, ResourceNotFoundException, type Cluster, type Nodegroup,
} from '@aws-sdk/client-eks';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { collectClusterFacts, networkPolicySetting } from '../../lib/adapters/aws/clusterFacts.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { snapshotFromObjects } from '../../lib/core/evidence/buildSnapshot.js';
import { snapshotSchema, type CloudFacts, type CollectionStep } from '../../lib/core/evidence/snapshot.js';
import { parseManifestText } from '../../lib/core/manifests/parseManifestText.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';
import { runTechniques } from '../../lib/core/techniques/runTechniques.js';

const eksMock = mockClient(EKSClient);
const ec2Mock = mockClient(EC2Client);
const eks = new EKSClient({ region: 'eu-west-1' });
const ec2 = new EC2Client({ region: 'eu-west-1' });

const CLUSTER: Cluster = {
  name: 'shop',
  endpoint: 'https://ABC123.gr7.eu-west-1.eks.amazonaws.com',
  version: '1.33',
  platformVersion: 'eks.9',
  accessConfig: { authenticationMode: 'API_AND_CONFIG_MAP' },
  resourcesVpcConfig: { endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
};

const NODE_GROUPS: Record<string, Nodegroup> = {
  // IMDSv1 allowed and two hops, by the group's own launch template at its default version.
  legacy: { nodegroupName: 'legacy', amiType: 'AL2_x86_64', launchTemplate: { id: 'lt-0legacy', version: '$Default' } },
  // No custom launch template: EKS's defaults for the AMI type.
  general: { nodegroupName: 'general', amiType: 'AL2023_x86_64_STANDARD' },
  // A launch template by name at a numbered version.
  gpu: { nodegroupName: 'gpu', amiType: 'AL2023_x86_64_NVIDIA', launchTemplate: { name: 'gpu-nodes', version: '4' } },
  // A launch template that sets no metadata options, and an AMI type EKS documents no default for.
  bare: { nodegroupName: 'bare', amiType: 'BOTTLEROCKET_x86_64', launchTemplate: { id: 'lt-0bare', version: '2' } },
  rocket: { nodegroupName: 'rocket', amiType: 'BOTTLEROCKET_ARM_64' },
};

function mockHealthyCluster(): void {
  eksMock.on(ListNodegroupsCommand, { clusterName: 'shop', nextToken: undefined }).resolves({ nodegroups: ['legacy', 'general'], nextToken: 'ng-2' });
  eksMock.on(ListNodegroupsCommand, { clusterName: 'shop', nextToken: 'ng-2' }).resolves({ nodegroups: ['gpu', 'bare', 'rocket'] });
  eksMock.on(DescribeNodegroupCommand).callsFake((input: { nodegroupName: string }) => ({ nodegroup: NODE_GROUPS[input.nodegroupName] }));
  ec2Mock.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-0legacy', Versions: ['$Default'] })
    .resolves({ LaunchTemplateVersions: [{ VersionNumber: 5, LaunchTemplateData: { MetadataOptions: { HttpTokens: 'optional', HttpPutResponseHopLimit: 2 } } }] });
  ec2Mock.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateName: 'gpu-nodes', Versions: ['4'] })
    .resolves({ LaunchTemplateVersions: [{ VersionNumber: 4, LaunchTemplateData: { MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 } } }] });
  ec2Mock.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-0bare', Versions: ['2'] })
    .resolves({ LaunchTemplateVersions: [{ VersionNumber: 2, LaunchTemplateData: { InstanceType: 'm7i.large' } }] });
  eksMock.on(DescribeAddonCommand, { clusterName: 'shop', addonName: 'vpc-cni' })
    .resolves({ addon: { addonName: 'vpc-cni', addonVersion: 'v1.19.2-eksbuild.1', configurationValues: '{"enableNetworkPolicy":"true"}' } });
  eksMock.on(ListPodIdentityAssociationsCommand, { clusterName: 'shop', nextToken: undefined })
    .resolves({ associations: [{ namespace: 'shop', serviceAccount: 'reports', associationId: 'a-1' }], nextToken: 'pi-2' });
  eksMock.on(ListPodIdentityAssociationsCommand, { clusterName: 'shop', nextToken: 'pi-2' })
    .resolves({ associations: [{ namespace: 'billing', serviceAccount: 'exporter', associationId: 'a-2' }] });
  eksMock.on(DescribePodIdentityAssociationCommand, { associationId: 'a-1' })
    .resolves({ association: { namespace: 'shop', serviceAccount: 'reports', roleArn: 'arn:aws:iam::123456789012:role/shop-reports' } });
  eksMock.on(DescribePodIdentityAssociationCommand, { associationId: 'a-2' }).resolves({ association: {
    namespace: 'billing', serviceAccount: 'exporter', roleArn: 'arn:aws:iam::123456789012:role/billing-hop',
    targetRoleArn: 'arn:aws:iam::210987654321:role/billing-exporter',
  } });
  eksMock.on(ListAccessEntriesCommand, { clusterName: 'shop', nextToken: undefined })
    .resolves({ accessEntries: ['arn:aws:iam::123456789012:role/PlatformAdmin'], nextToken: 'ae-2' });
  eksMock.on(ListAccessEntriesCommand, { clusterName: 'shop', nextToken: 'ae-2' })
    .resolves({ accessEntries: ['arn:aws:iam::123456789012:role/CiDeployer'] });
  eksMock.on(DescribeAccessEntryCommand, { principalArn: 'arn:aws:iam::123456789012:role/PlatformAdmin' })
    .resolves({ accessEntry: { principalArn: 'arn:aws:iam::123456789012:role/PlatformAdmin', type: 'STANDARD', kubernetesGroups: [] } });
  eksMock.on(DescribeAccessEntryCommand, { principalArn: 'arn:aws:iam::123456789012:role/CiDeployer' })
    .resolves({ accessEntry: { principalArn: 'arn:aws:iam::123456789012:role/CiDeployer', type: 'STANDARD', kubernetesGroups: ['platform-editors'], username: 'ci' } });
  eksMock.on(ListAssociatedAccessPoliciesCommand, { principalArn: 'arn:aws:iam::123456789012:role/PlatformAdmin', nextToken: undefined })
    .resolves({ associatedAccessPolicies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', accessScope: { type: 'cluster' } }], nextToken: 'ap-2' });
  eksMock.on(ListAssociatedAccessPoliciesCommand, { principalArn: 'arn:aws:iam::123456789012:role/PlatformAdmin', nextToken: 'ap-2' })
    .resolves({ associatedAccessPolicies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', accessScope: { type: 'cluster' } }] });
  eksMock.on(ListAssociatedAccessPoliciesCommand, { principalArn: 'arn:aws:iam::123456789012:role/CiDeployer' })
    .resolves({ associatedAccessPolicies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy', accessScope: { type: 'namespace', namespaces: ['shop'] } }] });
}

const stepStatuses = (steps: readonly CollectionStep[]): Record<string, string> => Object.fromEntries(steps.map((s) => [s.step, s.status]));

describe('collectClusterFacts', () => {
  beforeEach(() => {
    eksMock.reset();
    ec2Mock.reset();
  });

  it('reads the cluster, every node group, the add-on, Pod Identity and access entries across all pages', async () => {
    // Prepare
    mockHealthyCluster();

    // Act
    const { cloud, steps } = await collectClusterFacts({ eks, ec2, cluster: CLUSTER });

    // Assess
    expect(stepStatuses(steps)).toEqual({
      'describe cluster': 'ok', 'node groups': 'ok', 'launch templates': 'ok', 'vpc-cni add-on': 'ok',
      'pod identity associations': 'ok', 'access entries': 'ok',
    });
    expect(cloud.apiServer).toEqual({
      endpoint: 'https://ABC123.gr7.eu-west-1.eks.amazonaws.com', endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ['203.0.113.0/24'],
    });
    expect(cloud.eks).toEqual({ kubernetesVersion: '1.33', platformVersion: 'eks.9', authenticationMode: 'API_AND_CONFIG_MAP' });
    expect(cloud.nodeGroups).toEqual([
      { name: 'legacy', amiType: 'AL2_x86_64', launchTemplate: { id: 'lt-0legacy', version: '$Default' }, httpTokens: 'optional', httpPutResponseHopLimit: 2, metadataSource: 'launch-template' },
      { name: 'general', amiType: 'AL2023_x86_64_STANDARD', httpTokens: 'required', httpPutResponseHopLimit: 1, metadataSource: 'eks-default' },
      { name: 'gpu', amiType: 'AL2023_x86_64_NVIDIA', launchTemplate: { name: 'gpu-nodes', version: '4' }, httpTokens: 'required', httpPutResponseHopLimit: 1, metadataSource: 'launch-template' },
      { name: 'bare', amiType: 'BOTTLEROCKET_x86_64', launchTemplate: { id: 'lt-0bare', version: '2' }, metadataSource: 'ec2-default' },
      { name: 'rocket', amiType: 'BOTTLEROCKET_ARM_64', metadataSource: 'eks-default' },
    ]);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-0legacy', Versions: ['$Default'] });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateName: 'gpu-nodes', Versions: ['4'] });
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeLaunchTemplateVersionsCommand, 3);
    expect(cloud.vpcCni).toEqual({ addOn: 'installed', version: 'v1.19.2-eksbuild.1', enableNetworkPolicy: true });
    expect(cloud.podIdentityAssociations).toEqual([
      { namespace: 'shop', serviceAccount: 'reports', roleArn: 'arn:aws:iam::123456789012:role/shop-reports' },
      { namespace: 'billing', serviceAccount: 'exporter', roleArn: 'arn:aws:iam::210987654321:role/billing-exporter' },
    ]);
    expect(cloud.accessEntries).toEqual([
      {
        principalArn: 'arn:aws:iam::123456789012:role/PlatformAdmin', type: 'STANDARD', accessPolicies: [
          { policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', scope: 'cluster' },
          { policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', scope: 'cluster' },
        ],
      },
      {
        principalArn: 'arn:aws:iam::123456789012:role/CiDeployer', type: 'STANDARD', username: 'ci', kubernetesGroups: ['platform-editors'],
        accessPolicies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy', scope: 'namespace', namespaces: ['shop'] }],
      },
    ]);
    expect(eksMock).toHaveReceivedCommandTimes(ListNodegroupsCommand, 2);
    expect(eksMock).toHaveReceivedCommandTimes(ListPodIdentityAssociationsCommand, 2);
    expect(eksMock).toHaveReceivedCommandTimes(ListAccessEntriesCommand, 2);
    expect(eksMock).toHaveReceivedCommandTimes(ListAssociatedAccessPoliciesCommand, 3);
    // What it collected is a valid snapshot's cloud facts.
    expect(snapshotSchema.shape.cloud.safeParse(cloud).success).toBe(true);
  });

  it('records a vpc-cni add-on that is not installed as absent, not as an error', async () => {
    // Prepare
    mockHealthyCluster();
    eksMock.on(DescribeAddonCommand).rejects(new ResourceNotFoundException({ message: 'No addon: vpc-cni found in cluster: shop', $metadata: { httpStatusCode: 404 } }));

    // Act
    const { cloud, steps } = await collectClusterFacts({ eks, ec2, cluster: CLUSTER });

    // Assess
    expect(cloud.vpcCni).toEqual({ addOn: 'absent' });
    expect(steps.find((s) => s.step === 'vpc-cni add-on')).toMatchObject({ status: 'absent', detail: expect.stringContaining('eks:DescribeAddon vpc-cni on cluster shop') });
  });

  it('reads enableNetworkPolicy from YAML configuration values', async () => {
    // Prepare
    mockHealthyCluster();
    eksMock.on(DescribeAddonCommand).resolves({ addon: { addonName: 'vpc-cni', addonVersion: 'v1.18.3-eksbuild.2', configurationValues: 'enableNetworkPolicy: "false"\nenv:\n  WARM_IP_TARGET: "5"\n' } });

    // Act
    const { cloud } = await collectClusterFacts({ eks, ec2, cluster: CLUSTER });

    // Assess
    expect(cloud.vpcCni).toEqual({ addOn: 'installed', version: 'v1.18.3-eksbuild.2', enableNetworkPolicy: false });
  });

  it('records AccessDenied on access entries as a forbidden step and keeps the other steps', async () => {
    // Prepare
    mockHealthyCluster();
    eksMock.on(ListAccessEntriesCommand).rejects(new AccessDeniedException({
      message: 'User: arn:aws:sts::123456789012:assumed-role/kubeseg-reader/s is not authorized to perform: eks:ListAccessEntries', $metadata: { httpStatusCode: 403 },
    }));

    // Act
    const { cloud, steps } = await collectClusterFacts({ eks, ec2, cluster: CLUSTER });

    // Assess
    expect(stepStatuses(steps)).toMatchObject({ 'access entries': 'forbidden', 'node groups': 'ok', 'vpc-cni add-on': 'ok', 'pod identity associations': 'ok' });
    expect(steps.find((s) => s.step === 'access entries')!.detail).toBe('eks:ListAccessEntries on cluster shop: AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/kubeseg-reader/s is not authorized to perform: eks:ListAccessEntries');
    expect(cloud.accessEntries).toBeUndefined();
    expect(cloud.nodeGroups).toHaveLength(5);
  });

  it('leaves a node group\'s options unknown when its launch template cannot be read', async () => {
    // Prepare
    mockHealthyCluster();
    ec2Mock.on(DescribeLaunchTemplateVersionsCommand, { LaunchTemplateId: 'lt-0legacy', Versions: ['$Default'] })
      .rejects(Object.assign(new Error('not authorized'), { name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } }));

    // Act
    const { cloud, steps } = await collectClusterFacts({ eks, ec2, cluster: CLUSTER });

    // Assess
    expect(steps.find((s) => s.step === 'launch templates')).toEqual({
      step: 'launch templates', status: 'forbidden',
      detail: 'ec2:DescribeLaunchTemplateVersions lt-0legacy version $Default (node group legacy): UnauthorizedOperation: not authorized',
    });
    expect(cloud.nodeGroups?.[0]).toEqual({ name: 'legacy', amiType: 'AL2_x86_64', launchTemplate: { id: 'lt-0legacy', version: '$Default' } });
    expect(cloud.nodeGroups?.[2]).toMatchObject({ name: 'gpu', httpTokens: 'required', metadataSource: 'launch-template' });
  });

  it('runs every call through the injected wrapper', async () => {
    // Prepare
    mockHealthyCluster();
    let calls = 0;
    const call = <T>(fn: () => Promise<T>): Promise<T> => {
      calls += 1;
      return fn();
    };

    // Act
    await collectClusterFacts({ eks, ec2, cluster: CLUSTER, call });

    // Assess: 2 + 5 node-group pages and descriptions, 3 templates, 1 add-on, 2 + 2 Pod Identity, 2 + 2 + 3 access entries.
    expect(calls).toBe(eksMock.calls().length + ec2Mock.calls().length);
    expect(calls).toBe(22);
  });
});

describe('networkPolicySetting', () => {
  it.each([
    ['{"enableNetworkPolicy":"true"}', true],
    ['{"enableNetworkPolicy":"false"}', false],
    ['enableNetworkPolicy: "true"\nenv:\n  ENABLE_PREFIX_DELEGATION: "true"\n', true],
    ['enableNetworkPolicy: true', true],
    ['env: { WARM_IP_TARGET: "5" }', false],
    ['', false],
    [undefined, false],
    ['{ not: valid: yaml', undefined],
    ['enableNetworkPolicy: maybe', undefined],
  ])('reads %j as %s', (values, expected) => {
    expect(networkPolicySetting(values)).toBe(expected);
  });
});

describe('collected facts in the checks', () => {
  const manifests = `
apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reports, namespace: shop }
spec:
  template:
    metadata: { labels: { app: reports } }
    spec: { serviceAccountName: reports, containers: [{ name: reports, image: reports:1 }] }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: reports, namespace: shop }
---
apiVersion: apps/v1
kind: DaemonSet
metadata: { name: aws-node, namespace: kube-system }
spec:
  template:
    metadata: { labels: { k8s-app: aws-node } }
    spec:
      hostNetwork: true
      containers:
      - { name: aws-node, image: amazon-k8s-cni }
      - { name: aws-network-policy-agent, image: aws-network-policy-agent, args: [--enable-network-policy=true] }
`;

  function snapshotWith(cloud: CloudFacts, steps: CollectionStep[]): ReturnType<typeof snapshotFromObjects> {
    const objects = parseManifestText('cluster.yaml', manifests, new DiagnosticList());
    const snapshot = snapshotFromObjects({ objects, identity: { name: 'shop', source: 'eks' } });
    return { ...snapshot, cloud, collection: [...snapshot.collection, ...steps] };
  }

  it('names the Pod Identity role in MS-TA9020 and the launch template in its evidence', async () => {
    // Prepare
    mockHealthyCluster();
    const { cloud, steps } = await collectClusterFacts({ eks, ec2, cluster: CLUSTER });
    const ta9020 = TECHNIQUES.find((t) => t.meta.id === 'MS-TA9020')!;

    // Act
    const result = runTechniques(snapshotWith(cloud, steps), [ta9020]);

    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [finding] = result.run.findings;
    expect(finding).toMatchObject({ status: 'fail', resource: { kind: 'Deployment', namespace: 'shop', name: 'reports' } });
    expect(finding!.message).toBe("shop/reports[Deployment] reaches IMDS and can take the node role's credentials (besides its own EKS Pod Identity role arn:aws:iam::123456789012:role/shop-reports)");
    expect(finding!.evidence).toContain('node group legacy: HttpTokens=optional, HttpPutResponseHopLimit=2 (launch template lt-0legacy version $Default)');
    expect(finding!.evidence).toContain('node group general: HttpTokens=required, HttpPutResponseHopLimit=1 (EKS default for AL2023_x86_64_STANDARD, no custom launch template)');
    expect(finding!.evidence).toContain('node group rocket: HttpTokens=unknown, HttpPutResponseHopLimit=unknown (EKS default for BOTTLEROCKET_ARM_64, no custom launch template; the EKS User Guide documents these defaults for AL2023 only)');
  });

  it('says Pod Identity is unknown, never absent, when its step was forbidden', async () => {
    // Prepare
    mockHealthyCluster();
    eksMock.on(ListPodIdentityAssociationsCommand).rejects(new AccessDeniedException({ message: 'denied', $metadata: { httpStatusCode: 403 } }));
    const { cloud, steps } = await collectClusterFacts({ eks, ec2, cluster: CLUSTER });
    const ta9020 = TECHNIQUES.find((t) => t.meta.id === 'MS-TA9020')!;

    // Act
    const result = runTechniques(snapshotWith(cloud, steps), [ta9020]);

    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.run.findings[0]!.evidence).toContain('EKS Pod Identity associations could not be read (pod identity associations: forbidden '
      + '(eks:ListPodIdentityAssociations on cluster shop: AccessDeniedException: denied)), so a Pod Identity role of ServiceAccount shop/reports is unknown');
  });
});
