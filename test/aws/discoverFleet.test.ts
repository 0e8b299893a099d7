import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import {
  ListAccountsCommand, ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand, OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { mockClient } from 'aws-sdk-client-mock';
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it } from 'vitest';
import { defaultAwsClients } from '../../lib/adapters/aws/clients.js';
import { discoverFleet, type DiscoveryDeps, type DiscoveryEvent } from '../../lib/adapters/aws/discoverFleet.js';
import { parseFleetConfig, type FleetConfig } from '../../lib/core/config/fleetConfig.js';
import { accessDenied, serverError, throttling } from './awsErrors.js';

const org = mockClient(OrganizationsClient);
const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const eks = mockClient(EKSClient);

const PROD = '111111111111';
const GONE = '222222222222';
const DEV = '333333333333';
const LOCKED = '444444444444';

/** Clusters per `account/region`, as the EKS mock serves them. */
let fleet: Record<string, string[]>;

interface MockedClient { config: { credentials: AwsCredentialIdentityProvider; region: () => Promise<string> } }

/**
 * Which account and region a mocked call runs in: the member credentials carry the account in their
 * key id. `getClient` names the client of the latest call, so it is read before anything is awaited.
 */
async function callerOf(getClient: () => MockedClient): Promise<{ account: string; region: string }> {
  const client = getClient();
  return { account: (await client.config.credentials()).accessKeyId.replace(/^ASIA/, ''), region: await client.config.region() };
}

function config(extra = ''): FleetConfig {
  return parseFleetConfig(`accounts:\n  source: organizations\nrole:\n  name: KubesegReader\n  externalId: ext-123\n${extra}`, 'fleet.yaml');
}

function deps(extra: Partial<DiscoveryDeps> = {}): DiscoveryDeps & { delays: number[] } {
  const delays: number[] = [];
  return {
    clients: defaultAwsClients({ region: 'eu-west-1' }),
    now: () => new Date('2026-12-01T10:00:00Z'),
    sleep: async (ms) => { delays.push(ms); },
    delays,
    ...extra,
  };
}

beforeEach(() => {
  for (const mock of [org, sts, ec2, eks]) mock.reset();
  fleet = {
    [`${PROD}/eu-west-1`]: ['payments', 'checkout'],
    [`${PROD}/us-east-1`]: ['edge'],
    [`${DEV}/eu-west-1`]: ['dev-sandbox', 'dev-main'],
    [`${DEV}/us-east-1`]: [],
  };
  org.on(ListAccountsCommand)
    .resolvesOnce({ Accounts: [{ Id: PROD, Name: 'prod', State: 'ACTIVE' }, { Id: GONE, Name: 'old', State: 'SUSPENDED', Status: 'ACTIVE' }], NextToken: 'p2' })
    .resolvesOnce({ Accounts: [{ Id: DEV, Name: 'dev', State: 'ACTIVE' }, { Id: LOCKED, Name: 'locked', State: 'ACTIVE' }] });
  sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
    const account = input.RoleArn.split(':')[4]!;
    if (account === LOCKED) throw accessDenied(`User: arn:aws:iam::999999999999:user/hub is not authorized to perform: sts:AssumeRole on resource: ${input.RoleArn}`);
    return { Credentials: { AccessKeyId: `ASIA${account}`, SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date('2026-12-01T11:00:00Z') } };
  });
  ec2.on(DescribeRegionsCommand).resolves({ Regions: [{ RegionName: 'us-east-1' }, { RegionName: 'eu-west-1' }] });
  eks.on(ListClustersCommand).callsFake(async (input: { nextToken?: string }, getClient) => {
    const { account, region } = await callerOf(getClient);
    const names = fleet[`${account}/${region}`] ?? [];
    // Two pages whenever there are two clusters or more.
    return input.nextToken ? { clusters: names.slice(1) } : { clusters: names.slice(0, 1), ...(names.length > 1 ? { nextToken: 'n2' } : {}) };
  });
  eks.on(DescribeClusterCommand).callsFake(async (input: { name: string }, getClient) => {
    const { account, region } = await callerOf(getClient);
    return { cluster: { name: input.name, arn: `arn:aws:eks:${region}:${account}:cluster/${input.name}`, endpoint: `https://${input.name}.example` } };
  });
});

const where = (c: { account: string; region: string; name: string }) => `${c.account}/${c.region}/${c.name}`;

describe('discoverFleet', () => {
  it('finds the clusters of every ACTIVE account over every page, in a stable order', async () => {
    // Act
    const result = await discoverFleet(config(), deps());
    // Assess
    expect(result.clusters.map(where)).toEqual([
      `${PROD}/eu-west-1/checkout`, `${PROD}/eu-west-1/payments`, `${PROD}/us-east-1/edge`,
      `${DEV}/eu-west-1/dev-main`, `${DEV}/eu-west-1/dev-sandbox`,
    ]);
    expect(result.accounts.map((a) => a.id)).toEqual([PROD, DEV, LOCKED]);
    expect(org).toHaveReceivedCommandTimes(ListAccountsCommand, 2);
    expect(org).toHaveReceivedNthCommandWith(ListAccountsCommand, 2, { NextToken: 'p2' });
    expect(eks).toHaveReceivedCommandWith(ListClustersCommand, { nextToken: 'n2' });
    expect(sts).not.toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${GONE}:role/KubesegReader` });
    const payments = result.clusters.find((c) => c.name === 'payments')!;
    expect(payments).toMatchObject({ accountName: 'prod', arn: `arn:aws:eks:eu-west-1:${PROD}:cluster/payments`, cluster: { endpoint: 'https://payments.example' } });
    expect((await payments.credentials!()).accessKeyId).toBe(`ASIA${PROD}`);
  });

  it('assumes the role with the ExternalId and session name, and looks up enabled regions only', async () => {
    await discoverFleet(config(), deps());
    expect(sts).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${PROD}:role/KubesegReader`, ExternalId: 'ext-123', RoleSessionName: 'kubeseg' });
    expect(ec2).toHaveReceivedCommandWith(DescribeRegionsCommand, {
      AllRegions: false, Filters: [{ Name: 'opt-in-status', Values: ['opt-in-not-required', 'opted-in'] }] });
  });

  it('lists an account whose role cannot be assumed as forbidden, with the reason', async () => {
    const result = await discoverFleet(config(), deps());
    expect(result.gaps).toEqual([{
      account: LOCKED, accountName: 'locked', step: 'assume role', status: 'forbidden',
      detail: `AccessDeniedException: User: arn:aws:iam::999999999999:user/hub is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${LOCKED}:role/KubesegReader`,
    }]);
  });

  it('lists a region where ListClusters is denied, and goes on with the others', async () => {
    // Prepare
    eks.on(ListClustersCommand).callsFake(async (_input, getClient) => {
      const { account, region } = await callerOf(getClient);
      if (region === 'us-east-1') throw accessDenied('explicit deny in a service control policy');
      return { clusters: fleet[`${account}/${region}`] };
    });
    // Act
    const result = await discoverFleet(config(), deps());
    // Assess
    expect(result.gaps.filter((g) => g.step === 'list clusters')).toEqual([
      { account: PROD, accountName: 'prod', region: 'us-east-1', step: 'list clusters', status: 'forbidden', detail: 'AccessDeniedException: explicit deny in a service control policy' },
      { account: DEV, accountName: 'dev', region: 'us-east-1', step: 'list clusters', status: 'forbidden', detail: 'AccessDeniedException: explicit deny in a service control policy' },
    ]);
    expect(result.clusters.map(where)).toContain(`${PROD}/eu-west-1/payments`);
  });

  it('lists an account whose regions cannot be read', async () => {
    ec2.on(DescribeRegionsCommand).rejects(Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } }));
    const result = await discoverFleet(config(), deps());
    expect(result.gaps.filter((g) => g.step === 'describe regions').map((g) => [g.account, g.status])).toEqual([[PROD, 'forbidden'], [DEV, 'forbidden']]);
    expect(result.clusters).toEqual([]);
  });

  it('retries throttling with jittered delays within the back-off bounds, then succeeds', async () => {
    // Prepare
    ec2.on(DescribeRegionsCommand).rejectsOnce(throttling()).rejectsOnce(throttling())
      .resolves({ Regions: [{ RegionName: 'eu-west-1' }] });
    const draws = [0.5, 0.999];
    const run = deps({ random: () => draws.shift() ?? 0 });
    // Act
    const result = await discoverFleet(config('concurrency: { perAccount: 1, clusters: 1 }\n'), run);
    // Assess
    expect(ec2).toHaveReceivedCommandTimes(DescribeRegionsCommand, 4); // 2 throttled + one per account
    expect(run.delays).toEqual([125, 499]); // full jitter of 250 ms, then of 500 ms
    expect(result.gaps.map((g) => g.step)).toEqual(['assume role']);
    expect(result.clusters.map(where)).toContain(`${DEV}/eu-west-1/dev-main`);
  });

  it('records a cluster whose DescribeCluster keeps failing with 5xx as an error gap naming it', async () => {
    // Prepare
    eks.on(DescribeClusterCommand, { name: 'checkout' }).rejects(serverError());
    const run = deps({ random: () => 0.5 });
    // Act
    const result = await discoverFleet(config('regions: [eu-west-1]\n'), run);
    // Assess
    expect(result.gaps).toContainEqual({
      account: PROD, accountName: 'prod', region: 'eu-west-1', cluster: 'checkout', step: 'describe cluster', status: 'error',
      detail: 'InternalFailure: We encountered an internal error' });
    expect(eks).toHaveReceivedCommandWith(DescribeClusterCommand, { name: 'checkout' });
    expect(eks.commandCalls(DescribeClusterCommand, { name: 'checkout' })).toHaveLength(6);
    expect(run.delays).toEqual([125, 250, 500, 1000, 2000]);
    expect(result.clusters.map(where)).toEqual([`${PROD}/eu-west-1/payments`, `${DEV}/eu-west-1/dev-main`, `${DEV}/eu-west-1/dev-sandbox`]);
  });

  it('uses configured regions without DescribeRegions', async () => {
    const result = await discoverFleet(config('regions: [us-east-1]\n'), deps());
    expect(ec2).toHaveReceivedCommandTimes(DescribeRegionsCommand, 0);
    expect(result.clusters.map(where)).toEqual([`${PROD}/us-east-1/edge`]);
  });

  it('scans a static account list without calling Organizations', async () => {
    const static_ = parseFleetConfig(`accounts:\n  source: static\n  ids: ["${DEV}", "${PROD}"]\nrole: { name: KubesegReader }\nregions: [eu-west-1]\n`, 'f');
    const result = await discoverFleet(static_, deps());
    expect(org).toHaveReceivedCommandTimes(ListAccountsCommand, 0);
    expect(result.accounts).toEqual([{ id: PROD }, { id: DEV }]);
    expect(result.clusters.map(where)).toEqual([`${PROD}/eu-west-1/checkout`, `${PROD}/eu-west-1/payments`, `${DEV}/eu-west-1/dev-main`, `${DEV}/eu-west-1/dev-sandbox`]);
    expect(sts).not.toHaveReceivedCommandWith(AssumeRoleCommand, { ExternalId: 'ext-123' });
  });

  it('uses the caller’s own credentials with source: current', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: PROD });
    eks.on(ListClustersCommand).resolves({ clusters: ['solo'] });
    eks.on(DescribeClusterCommand).resolves({ cluster: { name: 'solo', arn: `arn:aws:eks:eu-west-1:${PROD}:cluster/solo` } });
    const result = await discoverFleet(parseFleetConfig('accounts: { source: current }\nregions: [eu-west-1]\n', 'f'), deps());
    expect(sts).toHaveReceivedCommandTimes(AssumeRoleCommand, 0);
    expect(result.clusters).toHaveLength(1);
    expect(result.clusters[0]).toMatchObject({ account: PROD, name: 'solo', credentials: undefined });
  });

  it('resolves included and excluded OUs recursively over every page', async () => {
    // Prepare: ou-root1-aaaaaaaa holds PROD directly and DEV and LOCKED in a child OU, which is excluded for LOCKED.
    org.on(ListAccountsForParentCommand, { ParentId: 'ou-root1-aaaaaaaa' }).resolves({ Accounts: [{ Id: PROD }] });
    org.on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-root1-aaaaaaaa' })
      .resolvesOnce({ OrganizationalUnits: [{ Id: 'ou-root1-bbbbbbbb' }], NextToken: 'o2' })
      .resolvesOnce({ OrganizationalUnits: [{ Id: 'ou-root1-cccccccc' }] });
    org.on(ListAccountsForParentCommand, { ParentId: 'ou-root1-bbbbbbbb' })
      .resolvesOnce({ Accounts: [{ Id: DEV }], NextToken: 'a2' })
      .resolvesOnce({ Accounts: [{ Id: GONE }] });
    org.on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-root1-bbbbbbbb' }).resolves({ OrganizationalUnits: [] });
    org.on(ListAccountsForParentCommand, { ParentId: 'ou-root1-cccccccc' }).resolves({ Accounts: [{ Id: LOCKED }] });
    org.on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-root1-cccccccc' }).resolves({ OrganizationalUnits: [] });
    // Act
    const result = await discoverFleet(parseFleetConfig(
      'accounts:\n  source: organizations\n  include: { ous: [ou-root1-aaaaaaaa] }\n  exclude: { ous: [ou-root1-cccccccc] }\nrole: { name: KubesegReader }\nregions: [eu-west-1]\n', 'f'), deps());
    // Assess: GONE is under the OU but SUSPENDED; LOCKED is excluded
    expect(result.accounts.map((a) => a.id)).toEqual([PROD, DEV]);
    expect(result.gaps).toEqual([]);
    expect(org).toHaveReceivedCommandWith(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-root1-aaaaaaaa', NextToken: 'o2' });
    expect(org).toHaveReceivedCommandWith(ListAccountsForParentCommand, { ParentId: 'ou-root1-bbbbbbbb', NextToken: 'a2' });
  });

  it('filters accounts by id and lists an included account that is not in the fleet', async () => {
    const result = await discoverFleet(parseFleetConfig(
      `accounts:\n  source: organizations\n  include: { accounts: ["${PROD}", "${DEV}", "${GONE}"] }\n  exclude: { accounts: ["${DEV}"] }\nrole: { name: R }\nregions: [eu-west-1]\n`, 'f'), deps());
    expect(result.accounts.map((a) => a.id)).toEqual([PROD]);
    expect(result.gaps).toEqual([{ account: GONE, step: 'list accounts', status: 'error',
      detail: 'accounts.include names it, but it is not an ACTIVE account of the fleet' }]);
  });

  it('applies the cluster include and exclude patterns', async () => {
    const result = await discoverFleet(config('clusters:\n  include: ["dev-*", payments]\n  exclude: ["*-sandbox"]\n'), deps());
    expect(result.clusters.map((c) => c.name)).toEqual(['payments', 'dev-main']);
    expect(eks).not.toHaveReceivedCommandWith(DescribeClusterCommand, { name: 'dev-sandbox' });
  });

  it('lists a cluster named exactly in clusters.include that no account and region has, and no pattern', async () => {
    const result = await discoverFleet(config('clusters:\n  include: ["dev-*", payments, payments-old, dev-sandbox]\n  exclude: ["*-sandbox"]\n'), deps());
    expect(result.clusters.map((c) => c.name)).toEqual(['payments', 'dev-main']);
    // The locked account could not be listed, so the name may be there: the gap says so.
    expect(result.gaps.map((g) => [g.account, g.step])).toEqual([['*', 'list clusters'], ['444444444444', 'assume role']]);
    expect(result.gaps[0]).toEqual({ account: '*', cluster: 'payments-old', step: 'list clusters', status: 'error',
      detail: 'clusters.include names it, but no account and region that could be listed (see the other gaps) has an EKS cluster of that name' });
  });

  it('returns one gap for the whole fleet when the accounts cannot be listed', async () => {
    org.on(ListAccountsCommand).rejects(Object.assign(new Error('Your account is not a member of an organization.'), { name: 'AWSOrganizationsNotInUseException', $metadata: { httpStatusCode: 400 } }));
    const events: DiscoveryEvent[] = [];
    const result = await discoverFleet(config(), deps({ onProgress: (e) => events.push(e) }));
    expect(result).toEqual({ accounts: [], clusters: [], gaps: [{ account: '*', step: 'list accounts', status: 'error',
      detail: 'AWSOrganizationsNotInUseException: Your account is not a member of an organization.' }] });
    expect(events).toEqual([{ type: 'gap', gap: result.gaps[0] }, { type: 'accounts', count: 0 }]);
  });

  it('reports progress as it goes', async () => {
    const events: DiscoveryEvent[] = [];
    await discoverFleet(config('regions: [eu-west-1]\n'), deps({ onProgress: (e) => events.push(e) }));
    expect(events[0]).toEqual({ type: 'accounts', count: 3 });
    expect(events.filter((e) => e.type === 'cluster')).toHaveLength(4);
    expect(events.filter((e) => e.type === 'gap')).toHaveLength(1);
  });

  it('hands out member credentials that renew before they expire', async () => {
    // Prepare: the clock moves; AssumeRole hands out keys valid for one hour from "now"
    let now = Date.parse('2026-12-01T10:00:00Z');
    const issued = new Map<string, number>();
    sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => {
      const account = input.RoleArn.split(':')[4]!;
      issued.set(account, (issued.get(account) ?? 0) + 1);
      return { Credentials: { AccessKeyId: `ASIA${account}`, SecretAccessKey: `secret-${issued.get(account)}`, SessionToken: 't', Expiration: new Date(now + 3_600_000) } };
    });
    const result = await discoverFleet(config('regions: [us-east-1]\n'), deps({ now: () => new Date(now) }));
    const credentials = result.clusters[0]!.credentials!;
    expect(result.clusters[0]!.account).toBe(PROD);
    // Act + Assess: 50 minutes on, the cached keys still serve; at 56 minutes they are renewed
    now += 50 * 60_000;
    expect((await credentials()).secretAccessKey).toBe('secret-1');
    now += 6 * 60_000;
    expect((await credentials()).secretAccessKey).toBe('secret-2');
    expect(issued.get(PROD)).toBe(2);
  });

  it('keeps AWS calls in flight within the overall and per-account bounds', async () => {
    // Prepare: 3 accounts × 8 clusters; each DescribeCluster waits until the test lets it go.
    org.on(ListAccountsCommand).resolves({ Accounts: [PROD, DEV, LOCKED].map((Id) => ({ Id, State: 'ACTIVE' })) });
    sts.on(AssumeRoleCommand).callsFake((input: { RoleArn: string }) => ({
      Credentials: { AccessKeyId: `ASIA${input.RoleArn.split(':')[4]}`, SecretAccessKey: 's', Expiration: new Date('2026-12-01T11:00:00Z') } }));
    const names = (account: string) => Array.from({ length: 8 }, (_, i) => `c${account.slice(0, 1)}-${i}`);
    eks.on(ListClustersCommand).callsFake(async (_input, getClient) => ({ clusters: names((await callerOf(getClient)).account) }));
    let inFlight = 0;
    let peak = 0;
    const perAccount = new Map<string, number>();
    let peakPerAccount = 0;
    eks.on(DescribeClusterCommand).callsFake(async (input: { name: string }) => {
      const account = input.name.slice(1, 2);
      inFlight++;
      perAccount.set(account, (perAccount.get(account) ?? 0) + 1);
      peak = Math.max(peak, inFlight);
      peakPerAccount = Math.max(peakPerAccount, perAccount.get(account)!);
      await new Promise((resolve) => setTimeout(resolve, 2));
      inFlight--;
      perAccount.set(account, perAccount.get(account)! - 1);
      return { cluster: { name: input.name, arn: `arn:${input.name}` } };
    });
    // Act
    const result = await discoverFleet(config('regions: [eu-west-1]\nconcurrency: { clusters: 5, perAccount: 2 }\n'), deps());
    // Assess
    expect(result.clusters).toHaveLength(24);
    expect(peakPerAccount).toBe(2);
    expect(peak).toBe(5);
  });
});
