/**
 * Child process of the live-collection benchmark: serves clusters `from`..`to - 1` of the fleet,
 * each from its own HTTPS fake Kubernetes API server (`test/helpers/fakeKubeApi.ts`) with the given
 * latency added to every answer. Runs apart from the measured process, so that serving costs that
 * process neither CPU nor memory.
 *
 *   node --import tsx bench/collectServers.ts <from> <to> <seed> <latencyMs>
 *
 * Prints `READY <json>` (the servers) on stdout once listening. Then every `stats` line on stdin is
 * answered with `STATS <json>` (requests served and CPU time so far); closing stdin stops it.
 */
import { createInterface } from 'node:readline';
import { startFakeKubeApi, type FakeKubeApi } from '../test/helpers/fakeKubeApi.js';
import { countByKind, LIVE_CLUSTER, liveClusterObjects } from './liveCluster.js';

export interface ServedCluster {
  readonly index: number;
  readonly url: string;
  readonly token: string;
  /** Objects of each kind the server lists: what the collected snapshot must hold. */
  readonly kinds: Record<string, number>;
}

export interface ServersReady {
  readonly caPem: string;
  readonly clusters: readonly ServedCluster[];
}

export interface ServerStats {
  readonly requests: number;
  /** User + system CPU time of this process so far. */
  readonly cpuMs: number;
}

/** The seed of cluster `index` of a fleet seeded with `seed`: every cluster differs. */
export const clusterSeed = (seed: number, index: number): number => seed * 1_000 + index;

async function main(): Promise<void> {
  const [from, to, seed, latencyMs] = process.argv.slice(2).map(Number);
  if ([from, to, seed, latencyMs].some((n) => n === undefined || !Number.isInteger(n))) {
    throw new Error('usage: collectServers.ts <from> <to> <seed> <latencyMs>');
  }
  const servers: { index: number; api: FakeKubeApi; kinds: Record<string, number> }[] = [];
  for (let index = from!; index < to!; index++) {
    const objects = liveClusterObjects(LIVE_CLUSTER, clusterSeed(seed!, index));
    const api = await startFakeKubeApi({
      objects,
      extraGroupVersions: ['policy.networking.k8s.io/v1alpha1'],
      latencyMs: latencyMs!,
    });
    servers.push({ index, api, kinds: Object.fromEntries(countByKind(objects)) });
  }
  const ready: ServersReady = { caPem: servers[0]?.api.caPem ?? '', clusters: servers.map(({ index, api, kinds }) => ({ index, url: api.url, token: api.token, kinds })) };
  process.stdout.write(`READY ${JSON.stringify(ready)}\n`);
  const lines = createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    if (line.trim() !== 'stats') return;
    const usage = process.cpuUsage();
    const stats: ServerStats = { requests: servers.reduce((n, s) => n + s.api.requests.length, 0), cpuMs: (usage.user + usage.system) / 1000 };
    process.stdout.write(`STATS ${JSON.stringify(stats)}\n`);
  });
  lines.on('close', () => {
    void Promise.all(servers.map((s) => s.api.close())).then(() => process.exit(0));
  });
}

await main();
