/**
 * The live-collection benchmark (issue 9): 200 clusters of 300 pods behind HTTPS fake Kubernetes
 * API servers that add 50 ms to every answer, collected and scanned as `kubeseg scan --all-contexts`
 * does (rendering aside). Targets: ≤ 20 s wall, ≥ 10× faster than one request at a time, ≤ 1 GiB
 * peak RSS of the collecting process.
 *
 * The servers run in their own processes (collectServers.ts), pinned to the last core when there is
 * more than one; their CPU use is reported, so a saturated server shows. The measured process
 * (collectOne.ts) is not pinned: it runs as the CLI does on the user's machine, where V8 collects
 * garbage and compiles on helper threads beside the main one (its CPU time is reported). It only
 * collects and scans: as the CLI does, each cluster is
 * assessed as soon as its snapshot arrives. A second run only collects (`kubeseg collect`), for
 * the collection's own speed-up. The naive baseline collects a sample of the clusters one request
 * at a time, then scans them, and is extrapolated linearly to the whole fleet. Every snapshot must
 * hold every object its server lists, every step `ok`, and no planted value: otherwise the
 * benchmark fails.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DEFAULT_CLUSTER_CONCURRENCY } from '../lib/cli/liveDefaults.js';
import { writeKubeconfig } from '../test/helpers/fakeKubeApi.js';
import { runChild, type ChildOutcome } from './child.js';
import type { CollectResult } from './collectOne.js';
import type { ServersReady, ServerStats } from './collectServers.js';
import { formatTable, mib, ms } from './table.js';

export const FLEET = { clusters: 200, latencyMs: 50, naiveSample: 10 } as const;

/**
 * The measured runs use every core. Pinned to one, V8's concurrent marking and optimising compiler
 * take turns with the collection and the scan on that core: measured, the same run took about 20 %
 * longer in wall time (bench/README.md).
 */
const UNPINNED: readonly string[] = [];
const TARGETS = { wallMs: 20_000, speedup: 10, peakRssMiB: 1_024 } as const;
/** Server processes; each serves an equal share of the clusters. */
const SERVER_PROCESSES = 2;
const CHILD_TIMEOUT_MS = 300_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const COLLECT_ONE = new URL('./collectOne.ts', import.meta.url);
const SERVERS = fileURLToPath(new URL('./collectServers.ts', import.meta.url));

type Status = 'MET' | 'MISSED' | 'FAILED';

export interface CollectBenchmark {
  readonly table: string;
  readonly targets: [string, string, Status][];
  /** A child crashed, or a snapshot missed objects, a step, or kept a planted value. */
  readonly failed: boolean;
}

export interface CollectSettings {
  readonly seed: number;
  /** Clusters collected at once in the measured run; undefined: the CLI's default. */
  readonly concurrency?: number;
}

/** A server process: its clusters once it listens, and its counters on demand. */
class ServerProcess {
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];

  constructor(private readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    this.lines = createInterface({ input: child.stdout });
    this.lines.on('line', (line) => this.waiting.shift()?.(line));
  }

  static start(pin: readonly string[], from: number, to: number, seed: number): ServerProcess {
    const command = [...pin, process.execPath, '--import', 'tsx', SERVERS, String(from), String(to), String(seed), String(FLEET.latencyMs)];
    return new ServerProcess(spawn(command[0]!, command.slice(1), { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] }));
  }

  async ready(): Promise<ServersReady> {
    return JSON.parse((await this.next('READY ')).slice('READY '.length)) as ServersReady;
  }

  async stats(): Promise<ServerStats> {
    this.child.stdin.write('stats\n');
    return JSON.parse((await this.next('STATS ')).slice('STATS '.length)) as ServerStats;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.stdin.end();
    });
  }

  private next(prefix: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void => reject(new Error(`a fake API server process exited with code ${code}`));
      this.child.once('exit', onExit);
      this.waiting.push((line) => {
        this.child.off('exit', onExit);
        if (line.startsWith(prefix)) resolve(line);
        else reject(new Error(`a fake API server process said: ${line}`));
      });
    });
  }
}

/**
 * Pins the servers to the last core, when taskset works and there is more than one: the measured
 * process's main thread then mostly has the other cores to itself, as it would against remote API servers.
 */
function serverPin(pin: readonly string[]): string[] {
  const n = cpus().length;
  return pin.length > 0 && n > 1 ? ['taskset', '-c', String(n - 1)] : [];
}

interface ServerUse {
  readonly requests: number;
  readonly cpuMs: number;
}

async function serverUse(servers: readonly ServerProcess[]): Promise<ServerUse> {
  const stats = await Promise.all(servers.map((s) => s.stats()));
  return { requests: stats.reduce((n, s) => n + s.requests, 0), cpuMs: stats.reduce((n, s) => n + s.cpuMs, 0) };
}

const delta = (a: ServerUse, b: ServerUse): ServerUse => ({ requests: b.requests - a.requests, cpuMs: b.cpuMs - a.cpuMs });

interface Run {
  readonly outcome: ChildOutcome<CollectResult>;
  readonly served: ServerUse;
}

export async function runCollectBenchmark(pin: readonly string[], settings: CollectSettings, log: (m: string) => void): Promise<CollectBenchmark> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeseg-bench-collect-'));
  log(`collect: starting ${FLEET.clusters} fake API servers (${FLEET.latencyMs} ms latency) in ${SERVER_PROCESSES} processes ...`);
  const share = Math.ceil(FLEET.clusters / SERVER_PROCESSES);
  const servers = Array.from({ length: SERVER_PROCESSES }, (_, p) =>
    ServerProcess.start(serverPin(pin), p * share, Math.min(FLEET.clusters, (p + 1) * share), settings.seed));
  try {
    const ready = await Promise.all(servers.map((s) => s.ready()));
    // Each server process made its own CA.
    const clusters = ready.flatMap((r) => r.clusters.map((c) => ({ ...c, caPem: r.caPem }))).sort((a, b) => a.index - b.index);
    const contextOf = (index: number): string => `bench-${String(index).padStart(3, '0')}`;
    const kubeconfig = writeKubeconfig(join(dir, 'kubeconfig'), clusters.map((c) => ({
      context: contextOf(c.index), server: c.url, caPem: c.caPem, token: c.token,
    })));
    const expected = new Map(clusters.map((c) => [contextOf(c.index), c.kinds]));
    const measure = async (args: string[]): Promise<Run> => {
      const before = await serverUse(servers);
      const outcome = await runChild<CollectResult>(UNPINNED, COLLECT_ONE, args, CHILD_TIMEOUT_MS);
      return { outcome, served: delta(before, await serverUse(servers)) };
    };
    const concurrency = settings.concurrency ?? DEFAULT_CLUSTER_CONCURRENCY;
    log(`collect: ${FLEET.clusters} clusters, ${concurrency} at once, each assessed as it arrives (the CLI's path) ...`);
    const cli = await measure(['cli', kubeconfig, String(concurrency)]);
    log(`  ${describe(cli)}`);
    log(`collect: the same clusters, collection only ...`);
    const collectOnly = await measure(['collect', kubeconfig, String(concurrency)]);
    log(`  ${describe(collectOnly)}`);
    log(`collect: naive baseline, ${FLEET.naiveSample} clusters one request at a time ...`);
    const naive = await measure(['naive', kubeconfig, String(FLEET.naiveSample)]);
    log(`  ${describe(naive)}`);
    const problems = [
      ...checkRun('measured run', cli, expected, FLEET.clusters), ...checkRun('collection-only run', collectOnly, expected, FLEET.clusters),
      ...checkRun('naive run', naive, expected, FLEET.naiveSample),
    ];
    for (const p of problems) console.error(`!! collect: ${p}`);
    return summarise({ cli, collectOnly, naive }, problems);
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  }
}

function describe({ outcome, served }: Run): string {
  if (outcome.kind === 'timeout') return `timed out after ${ms(outcome.afterMs)}`;
  if (outcome.kind === 'crash') return `CRASHED: ${outcome.detail}`;
  const r = outcome.result;
  return `${r.clusters} clusters: collect ${ms(r.collectMs)}, assess ${ms(r.assessMs)}, total ${ms(r.totalMs)}, ` +
    `${served.requests} requests, peak RSS ${mib(r.peakRssMiB)}`;
}

/** Every cluster asked for came back with every object its server lists and every step ok. */
function checkRun(what: string, run: Run, expected: ReadonlyMap<string, Record<string, number>>, clusters: number): string[] {
  if (run.outcome.kind !== 'ok') return [`${what}: ${run.outcome.kind}`];
  const r = run.outcome.result;
  const problems: string[] = [];
  if (r.collected.length !== clusters) problems.push(`${what}: ${r.collected.length} snapshots, expected ${clusters}`);
  if (r.leakedValue) problems.push(`${what}: a planted env value reached a snapshot`);
  for (const c of r.collected) {
    const want = expected.get(c.name);
    if (!want) {
      problems.push(`${what}: unexpected cluster ${c.name}`);
      continue;
    }
    for (const step of c.notOk) problems.push(`${what}: ${c.name}: ${step}`);
    const kinds = new Set([...Object.keys(want), ...Object.keys(c.kinds)]);
    for (const kind of kinds) {
      if ((c.kinds[kind] ?? 0) !== (want[kind] ?? 0)) problems.push(`${what}: ${c.name}: ${c.kinds[kind] ?? 0} ${kind} objects, the server has ${want[kind] ?? 0}`);
    }
  }
  return problems.slice(0, 20);
}

interface Runs {
  /** Collected and assessed cluster by cluster, as `kubeseg scan` does. */
  readonly cli: Run;
  readonly collectOnly: Run;
  readonly naive: Run;
}

function summarise({ cli, collectOnly, naive }: Runs, problems: readonly string[]): CollectBenchmark {
  const failed = problems.length > 0;
  const row = (label: string, { outcome, served }: Run, extrapolateTo?: number): string[] => {
    if (outcome.kind !== 'ok') return [label, outcome.kind === 'timeout' ? `TIMEOUT after ${ms(outcome.afterMs)}` : `CRASH: ${outcome.detail}`];
    const r = outcome.result;
    const scale = (t: number): string => (extrapolateTo ? ms((t * extrapolateTo) / r.clusters) : '–');
    return [label, String(r.clusters), String(r.concurrency), String(r.objects), String(r.findings), ms(r.collectMs), ms(r.assessMs), ms(r.totalMs),
      ms(r.cpuMs), scale(r.collectMs), scale(r.totalMs), String(served.requests),
      `${((served.cpuMs / 1000 / (r.totalMs / 1000) / SERVER_PROCESSES) * 100).toFixed(0)}%`, mib(r.rssAtEndMiB), mib(r.peakRssMiB)];
  };
  const table = formatTable(
    ['run', 'clusters', 'at once', 'objects', 'findings', 'collect', 'assess', 'total', 'CPU', `collect × ${FLEET.clusters}/n`, `total × ${FLEET.clusters}/n`,
      'requests', 'server CPU', 'RSS at end', 'peak RSS'],
    [row('measured (assessed as collected)', cli), row('collection only', collectOnly), row('naive (1 request at a time)', naive, FLEET.clusters)],
  );
  const fleet = `${FLEET.clusters} clusters × 300 pods, ${FLEET.latencyMs} ms latency`;
  const ok = (run: Run): CollectResult | undefined => (run.outcome.kind === 'ok' ? run.outcome.result : undefined);
  const [c, k, n] = [ok(cli), ok(collectOnly), ok(naive)];
  const status = (met: boolean): Status => (failed ? 'FAILED' : met ? 'MET' : 'MISSED');
  // The target compares the collections alone; the whole job (the naive run scans after collecting) is shown beside it.
  const naiveCollectMs = n ? (n.collectMs * FLEET.clusters) / n.clusters : undefined;
  const naiveTotalMs = n ? (n.totalMs * FLEET.clusters) / n.clusters : undefined;
  const ratio = k && naiveCollectMs !== undefined ? naiveCollectMs / k.collectMs : undefined;
  const totalRatio = c && naiveTotalMs !== undefined ? naiveTotalMs / c.totalMs : undefined;
  return {
    table,
    failed: failed || [cli, collectOnly, naive].some((r) => r.outcome.kind === 'crash'),
    targets: [
      [`${fleet}: collect + scan ≤ ${ms(TARGETS.wallMs)}`, c ? ms(c.totalMs) : cli.outcome.kind.toUpperCase(), status(!!c && c.totalMs <= TARGETS.wallMs)],
      [`${fleet}: collection ≥ ${TARGETS.speedup}× faster than one request at a time (naive: ${FLEET.naiveSample} clusters, extrapolated)`,
        ratio !== undefined ? `${ratio.toFixed(1)}× (naive ${ms(naiveCollectMs!)}; with the scan ${totalRatio?.toFixed(1) ?? '–'}×)` : 'NOT RUN',
        status(ratio !== undefined && ratio >= TARGETS.speedup)],
      [`${fleet}: collect + scan peak RSS ≤ ${TARGETS.peakRssMiB} MiB`, c ? mib(c.peakRssMiB) : cli.outcome.kind.toUpperCase(), status(!!c && c.peakRssMiB <= TARGETS.peakRssMiB)],
    ],
  };
}
