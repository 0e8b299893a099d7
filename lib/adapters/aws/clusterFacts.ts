/**
 * The cloud facts of one EKS cluster (DESIGN §1 collect): API endpoint access, node-group metadata
 * options, the VPC CNI add-on's network-policy setting, Pod Identity associations and access
 * entries. Each cloud step is recorded; a step that fails leaves its facts undefined, so the checks
 * that need them say why, and the other steps go on.
 */
import { DescribeLaunchTemplateVersionsCommand, type EC2Client, type LaunchTemplateInstanceMetadataOptions } from '@aws-sdk/client-ec2';
import {
  DescribeAccessEntryCommand, DescribeAddonCommand, DescribeNodegroupCommand, DescribePodIdentityAssociationCommand,
  ListAccessEntriesCommand, ListAssociatedAccessPoliciesCommand, ListNodegroupsCommand, ListPodIdentityAssociationsCommand,
  type Cluster, type EKSClient, type Nodegroup,
} from '@aws-sdk/client-eks';
import pLimit from 'p-limit';
import { parse } from 'yaml';
import {
  CLOUD_STEPS, type AccessEntry, type CloudFacts, type CollectionStep, type NodeGroupFacts, type PodIdentityAssociation,
} from '../../core/evidence/snapshot.js';
import { allPages, type Call } from './pages.js';
import { describeAwsError, isAccessDenied } from './retry.js';

export interface ClusterFactsInput {
  readonly eks: EKSClient;
  readonly ec2: EC2Client;
  /** DescribeCluster's `cluster`, already fetched by discovery. */
  readonly cluster: Cluster;
  /** Wraps every AWS call (retries with backoff); by default each call runs once. */
  readonly call?: Call;
}

export interface ClusterFacts {
  readonly cloud: CloudFacts;
  readonly steps: CollectionStep[];
}

const once: Call = (fn) => fn();

export async function collectClusterFacts({ eks, ec2, cluster, call = once }: ClusterFactsInput): Promise<ClusterFacts> {
  const name = cluster.name ?? '';
  // The steps are independent: they run at once, and their results are assembled in a fixed order.
  const [groups, vpcCni, associations, entries] = await Promise.all([
    attempt(CLOUD_STEPS.nodeGroups.step, `eks:ListNodegroups/DescribeNodegroup on cluster ${name}`, () => describeNodegroups(eks, name, call)),
    vpcCniAddOn(eks, name, call),
    attempt(CLOUD_STEPS.podIdentity.step, `eks:ListPodIdentityAssociations on cluster ${name}`, () => podIdentityAssociations(eks, name, call)),
    attempt(CLOUD_STEPS.accessEntries.step, `eks:ListAccessEntries on cluster ${name}`, () => accessEntries(eks, name, call)),
  ]);
  const templates = groups.facts && await launchTemplateOptions(ec2, groups.facts, call);

  const cloud: CloudFacts = { ...clusterFacts(cluster) };
  if (groups.facts) cloud.nodeGroups = groups.facts.map((g) => nodeGroupFacts(g, templates?.options.get(g.nodegroupName ?? '')));
  if (vpcCni.facts) cloud.vpcCni = vpcCni.facts;
  if (associations.facts) cloud.podIdentityAssociations = associations.facts;
  if (entries.facts) cloud.accessEntries = entries.facts;
  const steps: CollectionStep[] = [
    { step: CLOUD_STEPS.cluster.step, status: 'ok', detail: `eks:DescribeCluster ${name}` },
    groups.step, ...(templates ? [templates.step] : []), vpcCni.step, associations.step, entries.step,
  ];
  return { cloud, steps };
}

function clusterFacts(cluster: Cluster): CloudFacts {
  const vpc = cluster.resourcesVpcConfig;
  return {
    apiServer: {
      ...(cluster.endpoint && { endpoint: cluster.endpoint }),
      ...(vpc?.endpointPublicAccess !== undefined && { endpointPublicAccess: vpc.endpointPublicAccess }),
      ...(vpc?.endpointPrivateAccess !== undefined && { endpointPrivateAccess: vpc.endpointPrivateAccess }),
      ...(vpc?.publicAccessCidrs && { publicAccessCidrs: vpc.publicAccessCidrs }),
    },
    eks: {
      ...(cluster.version && { kubernetesVersion: cluster.version }),
      ...(cluster.platformVersion && { platformVersion: cluster.platformVersion }),
      ...(cluster.accessConfig?.authenticationMode && { authenticationMode: cluster.accessConfig.authenticationMode }),
    },
  };
}

/** Runs one step: its facts and an `ok` step, or no facts and the step recorded as forbidden or error. */
async function attempt<T>(step: string, what: string, fn: () => Promise<T>): Promise<{ step: CollectionStep; facts?: T }> {
  try {
    return { step: { step, status: 'ok', detail: what }, facts: await fn() };
  } catch (err) {
    return { step: failedStep(step, what, err) };
  }
}

/** A few describe calls of one step at a time, results in the order of the items. */
function eachLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const limit = pLimit(DESCRIBE_CONCURRENCY);
  return Promise.all(items.map((item) => limit(() => fn(item))));
}
const DESCRIBE_CONCURRENCY = 4;

function failedStep(step: string, what: string, err: unknown): CollectionStep {
  return { step, status: isAccessDenied(err) ? 'forbidden' : 'error', detail: `${what}: ${describeAwsError(err)}` };
}

const isNotFound = (err: unknown): boolean => (err as { name?: unknown })?.name === 'ResourceNotFoundException';

async function describeNodegroups(eks: EKSClient, clusterName: string, call: Call): Promise<Nodegroup[]> {
  const names = await allPages(call, (nextToken) => eks.send(new ListNodegroupsCommand({ clusterName, nextToken })), (p) => p.nodegroups, (p) => p.nextToken);
  return eachLimited(names, async (nodegroupName) =>
    (await call(() => eks.send(new DescribeNodegroupCommand({ clusterName, nodegroupName })))).nodegroup ?? { nodegroupName });
}

type TemplateOptions = { readonly metadata?: LaunchTemplateInstanceMetadataOptions } | 'unreadable';

/**
 * The metadata options of each node group's own launch template, at the version the node group
 * uses (`$Default`, `$Latest` or a number). One step for all of them; a template that cannot be
 * read leaves its node group's options unknown.
 */
async function launchTemplateOptions(ec2: EC2Client, groups: readonly Nodegroup[], call: Call): Promise<{ step: CollectionStep; options: Map<string, TemplateOptions> }> {
  const withTemplate = groups.filter((g) => g.launchTemplate?.id || g.launchTemplate?.name);
  const results = await eachLimited(withTemplate, async (g) => {
    const lt = g.launchTemplate!;
    const version = lt.version ?? '$Default';
    const ref = `${lt.id ?? lt.name} version ${version}`;
    try {
      const out = await call(() => ec2.send(new DescribeLaunchTemplateVersionsCommand({
        ...(lt.id ? { LaunchTemplateId: lt.id } : { LaunchTemplateName: lt.name }),
        Versions: [version],
      })));
      const found = out.LaunchTemplateVersions?.[0];
      if (!found) throw Object.assign(new Error('no such version'), { name: 'LaunchTemplateVersionNotFound' });
      const metadata = found.LaunchTemplateData?.MetadataOptions;
      return { group: g.nodegroupName ?? '', ref, options: (metadata ? { metadata } : {}) as TemplateOptions };
    } catch (err) {
      const failure = failedStep(CLOUD_STEPS.launchTemplates.step, `ec2:DescribeLaunchTemplateVersions ${ref} (node group ${g.nodegroupName})`, err);
      return { group: g.nodegroupName ?? '', ref, options: 'unreadable' as const, failure };
    }
  });
  const options = new Map(results.map((r) => [r.group, r.options]));
  const failures = results.flatMap((r) => ('failure' in r && r.failure ? [r.failure] : []));
  const step: CollectionStep = failures.length === 0
    ? { step: CLOUD_STEPS.launchTemplates.step, status: 'ok',
      detail: results.length > 0 ? `ec2:DescribeLaunchTemplateVersions ${results.map((r) => r.ref).join(', ')}` : 'no node group has a custom launch template' }
    : { step: CLOUD_STEPS.launchTemplates.step, status: failures.some((f) => f.status === 'error') ? 'error' : 'forbidden',
      detail: failures.map((f) => f.detail).join('; ') };
  return { step, options };
}

/**
 * What EKS sets on a managed node group without a custom launch template. The EKS User Guide
 * (Upgrade from AL2 to AL2023) states it for AL2023: IMDSv2 required and a hop limit of 1. For
 * other AMI types it documents no value, so kubeseg records none rather than guess.
 */
function eksDefaultMetadata(amiType: string | undefined): Pick<NodeGroupFacts, 'httpTokens' | 'httpPutResponseHopLimit'> {
  return amiType?.startsWith('AL2023_') ? { httpTokens: 'required', httpPutResponseHopLimit: 1 } : {};
}

function nodeGroupFacts(g: Nodegroup, template: TemplateOptions | undefined): NodeGroupFacts {
  const lt = g.launchTemplate;
  const base: NodeGroupFacts = {
    name: g.nodegroupName ?? '(unnamed)',
    ...(g.amiType && { amiType: g.amiType }),
    ...(lt && { launchTemplate: { ...(lt.id && { id: lt.id }), ...(lt.name && { name: lt.name }), ...(lt.version && { version: lt.version }) } }),
  };
  if (!lt || (!lt.id && !lt.name)) return { ...base, ...eksDefaultMetadata(g.amiType), metadataSource: 'eks-default' };
  if (template === undefined || template === 'unreadable') return base;
  const m = template.metadata;
  if (!m) return { ...base, metadataSource: 'ec2-default' };
  const tokens = m.HttpTokens === 'required' || m.HttpTokens === 'optional' ? m.HttpTokens : undefined;
  const hops = m.HttpPutResponseHopLimit;
  return {
    ...base,
    ...(tokens && { httpTokens: tokens }),
    ...(typeof hops === 'number' && hops >= 1 && hops <= 64 && { httpPutResponseHopLimit: hops }),
    metadataSource: 'launch-template',
  };
}

/** The vpc-cni add-on's version and `enableNetworkPolicy`; not installed is `absent`, not an error. */
async function vpcCniAddOn(eks: EKSClient, clusterName: string, call: Call): Promise<{ step: CollectionStep; facts?: CloudFacts['vpcCni'] }> {
  const step = CLOUD_STEPS.vpcCni.step;
  const what = `eks:DescribeAddon vpc-cni on cluster ${clusterName}`;
  try {
    const out = await call(() => eks.send(new DescribeAddonCommand({ clusterName, addonName: 'vpc-cni' })));
    const enable = networkPolicySetting(out.addon?.configurationValues);
    return {
      step: { step, status: 'ok', detail: what },
      facts: { addOn: 'installed', ...(out.addon?.addonVersion && { version: out.addon.addonVersion }), ...(enable !== undefined && { enableNetworkPolicy: enable }) },
    };
  } catch (err) {
    if (isNotFound(err)) {
      return {
        step: { step, status: 'absent', detail: `${what}: not installed as an EKS add-on (a self-managed VPC CNI, if any, is judged from aws-node)` },
        facts: { addOn: 'absent' },
      };
    }
    return { step: failedStep(step, what, err) };
  }
}

/**
 * `enableNetworkPolicy` from the add-on's configuration values (JSON or YAML, a string "true"/"false"
 * or a boolean). Unset means the add-on's default, which does not enable the agent.
 */
export function networkPolicySetting(configurationValues: string | undefined): boolean | undefined {
  if (!configurationValues?.trim()) return false;
  let values: unknown;
  try {
    values = parse(configurationValues);
  } catch {
    return undefined;
  }
  const raw = (values as Record<string, unknown> | null)?.enableNetworkPolicy;
  if (raw === undefined) return false;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  return undefined;
}

async function podIdentityAssociations(eks: EKSClient, clusterName: string, call: Call): Promise<PodIdentityAssociation[]> {
  const summaries = await allPages(call, (nextToken) => eks.send(new ListPodIdentityAssociationsCommand({ clusterName, nextToken })), (p) => p.associations, (p) => p.nextToken);
  return eachLimited(summaries.filter((s) => s.namespace && s.serviceAccount), async (s): Promise<PodIdentityAssociation> => {
    const described = s.associationId
      ? (await call(() => eks.send(new DescribePodIdentityAssociationCommand({ clusterName, associationId: s.associationId })))).association
      : undefined;
    // With a target role, EKS chains into it: the pods end up with the target role's credentials.
    const roleArn = described?.targetRoleArn ?? described?.roleArn;
    return { namespace: s.namespace!, serviceAccount: s.serviceAccount!, ...(roleArn && { roleArn }) };
  });
}

async function accessEntries(eks: EKSClient, clusterName: string, call: Call): Promise<AccessEntry[]> {
  const principals = await allPages(call, (nextToken) => eks.send(new ListAccessEntriesCommand({ clusterName, nextToken })), (p) => p.accessEntries, (p) => p.nextToken);
  return eachLimited(principals, async (principalArn): Promise<AccessEntry> => {
    const entry = (await call(() => eks.send(new DescribeAccessEntryCommand({ clusterName, principalArn })))).accessEntry;
    const policies = await allPages(call,
      (nextToken) => eks.send(new ListAssociatedAccessPoliciesCommand({ clusterName, principalArn, nextToken })), (p) => p.associatedAccessPolicies, (p) => p.nextToken);
    return {
      principalArn,
      ...(entry?.type && { type: entry.type }),
      ...(entry?.username && { username: entry.username }),
      ...(entry?.kubernetesGroups && entry.kubernetesGroups.length > 0 && { kubernetesGroups: entry.kubernetesGroups }),
      accessPolicies: policies.flatMap((p) => (p.policyArn ? [{
        policyArn: p.policyArn,
        scope: p.accessScope?.type === 'namespace' ? 'namespace' as const : 'cluster' as const,
        ...(p.accessScope?.type === 'namespace' && { namespaces: p.accessScope.namespaces ?? [] }),
      }] : [])),
    };
  });
}
