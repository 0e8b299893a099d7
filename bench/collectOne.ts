/**
 * The measured process of the live-collection benchmark, spawned by collect.ts while the fake API
 * servers run in their own processes. It only collects and scans, so its peak RSS is its own.
 *
 *   node --import tsx bench/collectOne.ts cli <kubeconfig> <clusterConcurrency>
 *     what `kubeseg scan --all-contexts` does before rendering: collectLive (kubeconfig → targets →
 *     runBounded + collectCluster with the production defaults), each snapshot assessed as it arrives.
 *   node --import tsx bench/collectOne.ts collect <kubeconfig> <clusterConcurrency>
 *     what `kubeseg collect --all-contexts` does before writing: the same collection, snapshots kept.
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

export type CollectMode = 'cli' | 'collect' | 'naive';

export interface CollectResult {
  readonly mode: CollectMode;
  readonly clusters: number;
  readonly concurrency: number;
  /** Kubeconfig → the last snapshot (in `cli` mode the assessments run meanwhile). */
  readonly collectMs: number;
  /** Time spent in assessCluster, summed over the clusters (0 in `collect` mode). */
  readonly assessMs: number;
  readonly totalMs: number;
  /** CPU time (user + system) of this process from the start of collection to the end of the scan. */
  readonly cpuMs: number;
  readonly objects: number;
  readonly findings: number;
  readonly peakRssMiB: number;
  /** RSS once every snapshot is in (and, in `cli` mode, assessed). */
  readonly rssAtEndMiB: number;
  readonly collected: readonly CollectedCluster[];
  /** Whether a planted env value (the fleet's DB_PASSWORD) appears in any snapshot; checked where snapshots are kept. */
  readonly leakedValue: boolean | undefined;
}

/** A value every fleet pod carries under DB_PASSWORD (liveCluster.ts): the sanitiser must drop it. */
const PLANTED_VALUE = 'not-a-real-password';

const MIB = 1024 * 1024;

const quietIo: Io = { stdout: () => {}, stderr: () => {}, exitCode: () => {} };

async function collectCli<T>(kubeconfig: string, concurrency: number, each: (snapshot: EvidenceSnapshot) => T): Promise<T[]> {
  const diagnostics = new DiagnosticList();
  const results = await collectLive({ kubeconfig, allContexts: true, timeoutSeconds: 15, concurrency }, diagnostics, quietIo, each);
  if (diagnostics.hasFatal) throw new Error(diagnostics.all.map(formatDiagnostic).join('\n'));
  return results;
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

interface Measured {
  readonly collectMs: number;
  readonly assessMs: number;
  readonly findings: number;
  readonly objects: number;
  readonly collected: CollectedCluster[];
  /** Kept only where the run keeps them anyway. */
  readonly snapshots?: EvidenceSnapshot[];
}

/** Each snapshot summarised and assessed as it arrives, as `kubeseg scan` does; only the summaries and findings counts stay. */
async function runCli(kubeconfig: string, concurrency: number, t0: number): Promise<Measured> {
  let assessMs = 0;
  let last = t0;
  const results = await collectCli(kubeconfig, concurrency, (snapshot) => {
    last = performance.now();
    const assessment = assessCluster(snapshot, TECHNIQUES);
    assessMs += performance.now() - last;
    return { summary: summarise(snapshot), findings: assessment.findings.length, objects: snapshot.objects.length };
  });
  return {
    collectMs: last - t0, assessMs, collected: results.map((r) => r.summary),
    findings: results.reduce((n, r) => n + r.findings, 0), objects: results.reduce((n, r) => n + r.objects, 0),
  };
}

/** Snapshots kept, as `kubeseg collect` does; `assess` then assesses them one after another (the naive baseline's scan). */
async function runKept(collect: () => Promise<EvidenceSnapshot[]>, t0: number, assess: boolean): Promise<Measured> {
  const snapshots = await collect();
  const t1 = performance.now();
  const findings = assess ? snapshots.reduce((n, s) => n + assessCluster(s, TECHNIQUES).findings.length, 0) : 0;
  return {
    collectMs: t1 - t0, assessMs: performance.now() - t1, findings, snapshots, collected: snapshots.map(summarise),
    objects: snapshots.reduce((n, s) => n + s.objects.length, 0),
  };
}

async function main(): Promise<void> {
  const [mode, kubeconfig, n] = process.argv.slice(2);
  const count = Number(n);
  if ((mode !== 'cli' && mode !== 'collect' && mode !== 'naive') || !kubeconfig || !Number.isInteger(count) || count < 1) {
    throw new Error('usage: collectOne.ts cli|collect <kubeconfig> <clusterConcurrency> | naive <kubeconfig> <clusters>');
  }
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const run = mode === 'cli' ? await runCli(kubeconfig, count, t0)
    : mode === 'collect' ? await runKept(() => collectCli(kubeconfig, count, (s) => s), t0, false)
    : await runKept(() => collectNaive(kubeconfig, count), t0, true);
  const totalMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const rssAtEndMiB = process.memoryUsage().rss / MIB;
  // Read before the leak check below, whose JSON would count.
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  const result: CollectResult = {
    mode, clusters: run.collected.length, concurrency: mode === 'naive' ? 1 : count,
    collectMs: run.collectMs, assessMs: run.assessMs, totalMs, cpuMs: (cpu.user + cpu.system) / 1000,
    objects: run.objects, findings: run.findings, peakRssMiB, rssAtEndMiB, collected: run.collected,
    leakedValue: run.snapshots?.some((s) => JSON.stringify(s).includes(PLANTED_VALUE)),
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

await main();
