/**
 * The measured processes of the serverless benchmark (service.ts). Each mode prints one
 * `RESULT <json>` line on stdout.
 *
 *   serviceOne.ts discover <latencyMs> bounded|naive
 *     the discover step's plan over 10 accounts × 4 regions × 25 clusters (mocked STS and EKS, each
 *     answer after <latencyMs>): discoverRun into an FsStore, up to the Map's item list. `naive`
 *     makes the same calls one at a time and builds the same items.
 *   serviceOne.ts seed <dir> <clusters> <pods>
 *     writes a run of <clusters> stored snapshots of <pods> pods each into <dir> (not measured).
 *   serviceOne.ts report <dir> streamed|naive|next
 *     the report step over the stored run: reportStoredRun (one snapshot at a time), or `naive`,
 *     every snapshot read first and then assessed; `next` is the same scope's next run (the same
 *     snapshots copied, not timed), whose report reads the one before for its trends.
 *   serviceOne.ts import <module>
 *     the cold import of a handler module (the bundle, or the TypeScript source through tsx).
 */
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeClusterCommand, EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { defaultAwsClients } from '../lib/adapters/aws/clients.js';
import { fleetItems } from '../lib/adapters/aws/fleetItems.js';
import type { FleetDiscovery } from '../lib/adapters/aws/discoverFleet.js';
import { FsStore } from '../lib/adapters/storage/fsStore.js';
import { parseFleetConfig } from '../lib/core/config/fleetConfig.js';
import { snapshotFromObjects } from '../lib/core/evidence/buildSnapshot.js';
import { snapshotSchema, type EvidenceSnapshot } from '../lib/core/evidence/snapshot.js';
import { assessCluster } from '../lib/core/report/assessCluster.js';
import { TECHNIQUES } from '../lib/core/techniques/catalog.js';
import { runKeys } from '../lib/service/runLayout.js';
import { reportedCluster, reportRun, type ReportRunDeps } from '../lib/service/reportRun.js';
import { discoverRun } from '../lib/service/collectStages.js';
import { reportStoredRun } from '../lib/service/reportStages.js';
import { readJson, writeJson } from '../lib/service/storedJson.js';
import { liveClusterObjects } from './liveCluster.js';
import { RESULT_PREFIX } from './protocol.js';

const MIB = 1024 * 1024;
const RUN_ID = '2026-12-04T09-00-00-000Z-benchrun';
const NEXT_RUN_ID = '2026-12-11T09-00-00-000Z-benchnxt';
const REGION = 'eu-west-1';
export const DISCOVER_FLEET = { accounts: 10, regions: ['eu-west-1', 'eu-central-1', 'us-east-1', 'us-west-2'], clustersPerRegion: 25 } as const;

export interface DiscoverResult {
  readonly mode: 'discover';
  readonly method: 'bounded' | 'naive';
  readonly latencyMs: number;
  readonly calls: number;
  readonly items: number;
  readonly planMs: number;
  readonly peakRssMiB: number;
}

export interface SeedResult {
  readonly mode: 'seed';
  readonly clusters: number;
  readonly largestSnapshotMiB: number;
  readonly totalMiB: number;
}

export interface ReportResult {
  readonly mode: 'report';
  readonly method: ReportMethod;
  readonly clusters: number;
  readonly findings: number;
  readonly status: string;
  readonly reportMs: number;
  /** The process's CPU time over the step: steadier than the wall clock on a shared machine. */
  readonly cpuMs: number;
  readonly peakRssMiB: number;
}

export interface ImportResult {
  readonly mode: 'import';
  readonly importMs: number;
  readonly peakRssMiB: number;
}

const peakRssMiB = () => (process.resourceUsage().maxRSS * 1024) / MIB;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const accountId = (i: number) => String(100000000000 + i);

async function discover(latencyMs: number, method: 'bounded' | 'naive'): Promise<DiscoverResult> {
  let calls = 0;
  const answer = async <T>(value: T): Promise<T> => {
    calls++;
    await delay(latencyMs);
    return value;
  };
  const sts = mockClient(STSClient);
  const eks = mockClient(EKSClient);
  sts.on(AssumeRoleCommand).callsFake(() => answer({
    Credentials: { AccessKeyId: 'ASIABENCH', SecretAccessKey: 'bench', SessionToken: 'bench', Expiration: new Date(Date.now() + 3_600_000) },
  }));
  const names = Array.from({ length: DISCOVER_FLEET.clustersPerRegion }, (_, i) => `cluster-${String(i).padStart(2, '0')}`);
  eks.on(ListClustersCommand).callsFake(() => answer({ clusters: names }));
  eks.on(DescribeClusterCommand).callsFake((input: { name: string }) => answer({ cluster: {
    name: input.name, arn: `arn:aws:eks:${REGION}:${accountId(0)}:cluster/${input.name}`, endpoint: 'https://example.invalid',
    certificateAuthority: { data: 'Q0E=' }, resourcesVpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true },
  } }));
  const ids = Array.from({ length: DISCOVER_FLEET.accounts }, (_, i) => `"${accountId(i)}"`);
  const config = parseFleetConfig([
    `accounts: { source: static, ids: [${ids.join(', ')}] }`,
    'role: { name: KubesegReader, externalId: bench }',
    `regions: [${DISCOVER_FLEET.regions.join(', ')}]`,
  ].join('\n'), 'bench fleet');
  const dir = `${process.env.TMPDIR ?? '/tmp'}/kubeseg-bench-discover-${process.pid}`;
  const store = new FsStore(dir);
  await writeJson(store, runKeys.request(RUN_ID), { runId: RUN_ID, trigger: 'api', scope: {}, startedAt: '2026-12-04T09:00:00.000Z' });
  const clients = defaultAwsClients({ region: REGION, env: {} });
  const t0 = performance.now();
  const items = method === 'bounded'
    ? (await discoverRun(RUN_ID, config, { store, clients, now: () => new Date() })).clusters
    : (await naiveDiscovery(config.regions ?? [], clients)).length;
  const planMs = performance.now() - t0;
  return { mode: 'discover', method, latencyMs, calls, items, planMs, peakRssMiB: peakRssMiB() };

  /** One call at a time: each account's role, then each region's list, then each cluster. */
  async function naiveDiscovery(regions: readonly string[], factory: typeof clients) {
    const discovery: { clusters: FleetDiscovery['clusters'][number][] } = { clusters: [] };
    for (let a = 0; a < DISCOVER_FLEET.accounts; a++) {
      const assumed = await factory.sts(REGION).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId(a)}:role/KubesegReader`, RoleSessionName: 'kubeseg' }));
      const keys = { accessKeyId: assumed.Credentials!.AccessKeyId!, secretAccessKey: assumed.Credentials!.SecretAccessKey!, sessionToken: assumed.Credentials!.SessionToken! };
      const credentials = () => Promise.resolve(keys);
      for (const region of regions) {
        const eksClient = factory.eks(region, credentials);
        const listed = await eksClient.send(new ListClustersCommand({}));
        for (const name of listed.clusters ?? []) {
          const out = await eksClient.send(new DescribeClusterCommand({ name }));
          discovery.clusters.push({ account: accountId(a), region, name, arn: out.cluster!.arn!, credentials, cluster: out.cluster! });
        }
      }
    }
    const items = fleetItems({ accounts: [], clusters: discovery.clusters, gaps: [] });
    await writeJson(store, runKeys.items(RUN_ID), items);
    return items;
  }
}

/** A run of stored snapshots, as the collect steps leave it: the request, the items and one snapshot per cluster. */
async function seed(dir: string, clusters: number, pods: number): Promise<SeedResult> {
  mkdirSync(dir, { recursive: true });
  const store = new FsStore(dir);
  await writeJson(store, runKeys.request(RUN_ID), { runId: RUN_ID, trigger: 'api', scope: {}, startedAt: '2026-12-04T09:00:00.000Z' });
  const items = Array.from({ length: clusters }, (_, index) => ({
    index, account: accountId(index % 10), region: REGION, name: `cluster-${index}`, displayName: `cluster-${index}`,
  }));
  await writeJson(store, runKeys.items(RUN_ID), items);
  const shape = { pods, policies: Math.round(pods / 5), namespaces: Math.max(4, Math.round(pods / 25)) };
  let largest = 0;
  let total = 0;
  for (const item of items) {
    const snapshot = snapshotFromObjects({
      objects: liveClusterObjects(shape, item.index + 1).map((object, i) => ({ source: `${item.name}#${i}`, object })),
      identity: { name: item.displayName, account: item.account, region: item.region, source: 'eks' },
      cloudFile: {
        apiServer: { endpoint: 'https://10.0.0.1', endpointPublicAccess: false, endpointPrivateAccess: true },
        vpcCni: { version: 'v1.19.0', enableNetworkPolicy: true },
        nodeGroups: [{ name: 'general', httpTokens: 'required', httpPutResponseHopLimit: 1 }],
      },
    });
    const bytes = Buffer.byteLength(JSON.stringify(snapshot));
    largest = Math.max(largest, bytes);
    total += bytes;
    await writeJson(store, runKeys.snapshot(RUN_ID, item.index), snapshot);
  }
  return { mode: 'seed', clusters, largestSnapshotMiB: largest / MIB, totalMiB: total / MIB };
}

type ReportMethod = 'streamed' | 'naive' | 'next';
const REPORT_METHODS: readonly string[] = ['streamed', 'naive', 'next'] satisfies ReportMethod[];

async function report(dir: string, method: ReportMethod): Promise<ReportResult> {
  const store = new FsStore(dir);
  const runId = method === 'next' ? NEXT_RUN_ID : RUN_ID;
  if (method === 'next') {
    cpSync(join(dir, 'runs', RUN_ID, 'snapshots'), join(dir, 'runs', NEXT_RUN_ID, 'snapshots'), { recursive: true });
    cpSync(join(dir, 'runs', RUN_ID, 'items.json'), join(dir, 'runs', NEXT_RUN_ID, 'items.json'));
    await writeJson(store, runKeys.request(NEXT_RUN_ID), { runId: NEXT_RUN_ID, trigger: 'schedule', scope: {}, startedAt: '2026-12-11T09:00:00.000Z' });
  }
  const deps = { store, now: () => new Date('2026-12-04T09:30:00Z'), linkTo: () => undefined, maxSnapshotBytes: 150 * MIB };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const result = method === 'naive' ? await naiveReport(store, deps) : await reportStoredRun(runId, deps);
  const reportMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    mode: 'report', method, clusters: result.status.clusters?.length ?? 0, findings: result.outputs.report.clusters.reduce((n, c) => n + c.findings.length, 0),
    status: result.status.status, reportMs, cpuMs: (cpu.user + cpu.system) / 1000, peakRssMiB: peakRssMiB(),
  };
}

/** Every snapshot read into memory first, then each assessed: what holding the fleet costs. */
async function naiveReport(store: FsStore, deps: ReportRunDeps) {
  const listed = await store.list(runKeys.snapshots(RUN_ID));
  const snapshots: EvidenceSnapshot[] = [];
  for (const { key } of listed) snapshots.push((await readJson(store, key, snapshotSchema))!.value as EvidenceSnapshot);
  const request = { runId: RUN_ID, trigger: 'api' as const, scope: {}, startedAt: '2026-12-04T09:00:00.000Z' };
  return reportRun(request, snapshots.map((s) => reportedCluster(assessCluster(s, TECHNIQUES))), deps);
}

async function coldImport(module: string): Promise<ImportResult> {
  const t0 = performance.now();
  const imported = (await import(module)) as { handler?: unknown };
  const importMs = performance.now() - t0;
  if (typeof imported.handler !== 'function') throw new Error(`${module} exports no handler`);
  return { mode: 'import', importMs, peakRssMiB: peakRssMiB() };
}

async function main(): Promise<void> {
  const [mode, a, b, c] = process.argv.slice(2);
  const result = mode === 'discover' && (b === 'bounded' || b === 'naive') ? await discover(Number(a), b)
    : mode === 'seed' && a ? await seed(a, Number(b), Number(c))
    : mode === 'report' && a && b && REPORT_METHODS.includes(b) ? await report(a, b as ReportMethod)
    : mode === 'import' && a ? await coldImport(a)
    : undefined;
  if (!result) throw new Error('usage: serviceOne.ts discover <latencyMs> bounded|naive | seed <dir> <clusters> <pods> | report <dir> streamed|naive|next | import <module>');
  console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
}

await main();
