/**
 * The measured process of the live-collection benchmark, spawned by collect.ts while the fake API
 * servers run in their own processes. It only collects and scans, so its peak RSS is its own.
 *
 *   node --import tsx bench/collectOne.ts cli <kubeconfig> <clusterConcurrency>
 *     what `kubeseg scan --all-contexts` does before rendering: collectLive (kubeconfig → targets →
 *     runBounded + collectCluster with the production defaults), then assessCluster per snapshot.
 *   node --import tsx bench/collectOne.ts naive <kubeconfig> <clusters>
 *     the baseline: the first <clusters> contexts one request at a time (one cluster at a time,
 *     one request in flight per cluster), then assessCluster per snapshot.
 *
 * Prints one `RESULT <json>` line (CollectResult) on stdout.
 */
import { collectCluster } from '../lib/adapters/k8s/collectCluster.js';
import { loadKubeconfigTargets } from '../lib/adapters/k8s/kubeconfig.js';
import { runBounded } from '../lib/adapters/k8s/runBounded.js';
import { collectLive } from '../lib/cli/live.js';
import type { Io } from '../lib/cli/io.js';
import { DiagnosticList, formatDiagnostic } from '../lib/core/diagnostics.js';
import type { EvidenceSnapshot } from '../lib/core/evidence/snapshot.js';
import { assessCluster } from '../lib/core/report/assessCluster.js';
import { TECHNIQUES } from '../lib/core/techniques/catalog.js';
import { RESULT_PREFIX } from './protocol.js';

export interface CollectedCluster {
  readonly name: string;
  /** Objects of each kind in the snapshot. */
  readonly kinds: Record<string, number>;
  /** Steps whose status is not `ok`, as `step: status (detail)`. */
  readonly notOk: readonly string[];
}

export interface CollectResult {
  readonly mode: 'cli' | 'naive';
  readonly clusters: number;
  readonly concurrency: number;
  /** Kubeconfig → snapshots. */
  readonly collectMs: number;
  /** assessCluster of every snapshot. */
  readonly assessMs: number;
  readonly totalMs: number;
  /** CPU time (user + system) of this process from the start of collection to the end of the scan. */
  readonly cpuMs: number;
  readonly objects: number;
  readonly findings: number;
  readonly peakRssMiB: number;
  /** RSS and heap once every snapshot is in, before the scan. */
  readonly rssAfterCollectMiB: number;
  readonly heapAfterCollectMiB: number;
  readonly collected: readonly CollectedCluster[];
  /** Whether a planted env value (the fleet's DB_PASSWORD) appears in any snapshot. */
  readonly leakedValue: boolean;
}

/** A value every fleet pod carries under DB_PASSWORD (liveCluster.ts): the sanitiser must drop it. */
const PLANTED_VALUE = 'not-a-real-password';

const MIB = 1024 * 1024;

const quietIo: Io = { stdout: () => {}, stderr: () => {}, exitCode: () => {} };

async function collectCli(kubeconfig: string, concurrency: number): Promise<EvidenceSnapshot[]> {
  const diagnostics = new DiagnosticList();
  const snapshots = await collectLive({ kubeconfig, allContexts: true, timeoutSeconds: 15, concurrency }, diagnostics, quietIo);
  if (diagnostics.hasFatal) throw new Error(diagnostics.all.map(formatDiagnostic).join('\n'));
  return snapshots;
}

async function collectNaive(kubeconfig: string, clusters: number): Promise<EvidenceSnapshot[]> {
  const targets = loadKubeconfigTargets({ kubeconfig, allContexts: true }).slice(0, clusters);
  return runBounded(targets, { concurrency: 1 }, (target) => collectCluster(target, { concurrency: 1 }));
}

function summarise(snapshot: EvidenceSnapshot): CollectedCluster {
  const kinds: Record<string, number> = {};
  for (const o of snapshot.objects) kinds[o.kind] = (kinds[o.kind] ?? 0) + 1;
  const notOk = snapshot.collection.filter((s) => s.status !== 'ok').map((s) => `${s.step}: ${s.status} (${s.detail ?? ''})`);
  return { name: snapshot.cluster.name, kinds, notOk };
}

async function main(): Promise<void> {
  const [mode, kubeconfig, n] = process.argv.slice(2);
  const count = Number(n);
  if ((mode !== 'cli' && mode !== 'naive') || !kubeconfig || !Number.isInteger(count) || count < 1) {
    throw new Error('usage: collectOne.ts cli <kubeconfig> <clusterConcurrency> | naive <kubeconfig> <clusters>');
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const snapshots = mode === 'cli' ? await collectCli(kubeconfig, count) : await collectNaive(kubeconfig, count);
  const t1 = performance.now();
  const rssAfterCollectMiB = process.memoryUsage().rss / MIB;
  const heapAfterCollectMiB = process.memoryUsage().heapUsed / MIB;
  // As `kubeseg scan` does: every snapshot collected, then every cluster assessed.
  const assessments = snapshots.map((s) => assessCluster(s, TECHNIQUES));
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  // Read before the leak check below, whose JSON would count.
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const result: CollectResult = {
    mode, clusters: snapshots.length, concurrency: mode === 'cli' ? count : 1,
    collectMs: t1 - t0, assessMs: t2 - t1, totalMs: t2 - t0, cpuMs: (cpu.user + cpu.system) / 1000,
    objects: snapshots.reduce((k, s) => k + s.objects.length, 0),
    findings: assessments.reduce((k, a) => k + a.findings.length, 0),
    peakRssMiB, rssAfterCollectMiB, heapAfterCollectMiB,
    collected: snapshots.map(summarise),
    leakedValue: snapshots.some((s) => JSON.stringify(s).includes(PLANTED_VALUE)),
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

await main();
