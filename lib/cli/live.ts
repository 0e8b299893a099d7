/**
 * Live clusters for `collect` and `scan`: kubeconfig contexts → one snapshot each, clusters side by
 * side (each with its own KubeConfig, clients and request limit), with progress on stderr. A kubeconfig problem is an input error; a cluster that fails is reported in its snapshot.
 */
import { outputRootProblem } from '../adapters/files/writeReportFiles.js';
import { collectCluster } from '../adapters/k8s/collectCluster.js';
import { KubeconfigError, kubeconfigPath, loadKubeconfigTargets } from '../adapters/k8s/kubeconfig.js';
import { runBounded } from '../adapters/k8s/runBounded.js';
import { writeSnapshotDir, type SnapshotRequest } from '../adapters/snapshots/snapshotDir.js';
import { DiagnosticList } from '../core/diagnostics.js';
import type { EvidenceSnapshot } from '../core/evidence/snapshot.js';
import { inertLine } from '../core/format/inert.js';
import { EXIT } from './exitCodes.js';
import { reportDiagnostics, type Io } from './io.js';
import { DEFAULT_CLUSTER_CONCURRENCY } from './liveDefaults.js';
import { createProgress } from './progress.js';
import type { SnapshotSource } from './snapshotSource.js';

export interface LiveOptions {
  readonly kubeconfig?: string;
  readonly contexts?: readonly string[];
  readonly allContexts?: boolean;
  /** Client-side timeout of each request. */
  readonly timeoutSeconds: number;
  /** Clusters collected at once (default DEFAULT_CLUSTER_CONCURRENCY); each has its own bound on requests in flight. */
  readonly concurrency?: number;
  /** Draw the live progress display (stderr is a terminal) rather than a line per cluster. */
  readonly terminal?: boolean;
}

/** The contexts' snapshots, each handed to `each` as it arrives (see SnapshotSource); results in the kubeconfig's order. */
export async function collectLive<T>(options: LiveOptions, diagnostics: DiagnosticList, io: Io, each: (snapshot: EvidenceSnapshot) => T): Promise<T[]> {
  let targets;
  try {
    targets = loadKubeconfigTargets(options);
  } catch (err) {
    if (!(err instanceof KubeconfigError)) throw err;
    diagnostics.fatal(err.message);
    return [];
  }
  const progress = createProgress(io, options.terminal ?? false);
  progress.expect(targets.length);
  progress.phase(`collecting ${targets.length} context${targets.length === 1 ? '' : 's'}`);
  try {
    return await runBounded(targets, { concurrency: options.concurrency ?? DEFAULT_CLUSTER_CONCURRENCY }, async (target) => {
      const snapshot = await collectCluster(target, { timeoutMs: options.timeoutSeconds * 1000 });
      progress.collected(snapshot);
      return each(snapshot);
    });
  } finally {
    await progress.end();
  }
}

/** What `kubeseg collect` was asked for, for the index; the snapshots come from `load`. */
export const kubeconfigRequest = (options: LiveOptions): Omit<SnapshotRequest, 'collectedAt'> => ({
  kubeconfig: kubeconfigPath(options), requested: options.allContexts ? 'all-contexts' : [...(options.contexts ?? [])],
});

/** `kubeseg collect`: snapshots and index.json into `dir`; exit 3 when a cluster was not fully collected. */
export async function runCollect(
  load: SnapshotSource, request: Omit<SnapshotRequest, 'collectedAt'>, options: { readonly snapshot: string; readonly now: Date }, io: Io,
): Promise<void> {
  // Checked before any cluster is contacted, so that a typo does not cost a whole collection.
  const problem = await outputRootProblem(options.snapshot);
  if (problem) {
    io.stderr(`error: ${inertLine(`--snapshot ${options.snapshot}: ${problem}`)}\n`);
    io.exitCode(EXIT.inputError);
    return;
  }
  const diagnostics = new DiagnosticList();
  const snapshots = await load(diagnostics, (snapshot) => snapshot);
  reportDiagnostics(diagnostics, io);
  if (diagnostics.hasFatal) {
    io.exitCode(EXIT.inputError);
    return;
  }
  const index = await writeSnapshotDir(options.snapshot, { ...request, collectedAt: options.now }, snapshots);
  io.stdout(`Snapshots written to ${inertLine(options.snapshot)}:\n${index.clusters.map((c) => `  ${inertLine(c.file)}  ${c.status}\n`).join('')}`);
  io.exitCode(index.clusters.every((c) => c.status === 'collected') ? EXIT.ok : EXIT.partial);
}
