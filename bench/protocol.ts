/** What `run.ts` asks of `runOne.ts` (argv) and what the child answers (one `RESULT` line on stdout). */

export const RESULT_PREFIX = 'RESULT ';

/**
 * The brute-force oracle, loaded at run time by `compare` children: it is maintained separately
 * under test/ and run.ts skips the comparison when it is absent.
 */
export const ORACLE_MODULE = new URL('../test/oracle/bruteForce.ts', import.meta.url);

/**
 * `engine`: time the engine and measure memory. `compare`: engine and oracle on one cluster.
 * `scan`: time the whole pure pipeline of `kubeseg scan` (snapshot, every technique, scores, what-if).
 */
export type Mode = 'engine' | 'compare' | 'scan';

export interface ClusterSize {
  readonly pods: number;
  readonly policies: number;
  readonly namespaces: number;
  readonly seed: number;
}

export interface EngineResult {
  readonly mode: 'engine';
  readonly size: ClusterSize;
  readonly objects: number;
  readonly workloads: number;
  readonly podTypes: number;
  /** Diagnostics recorded by the analysis (all warnings; a fatal one makes the child fail). */
  readonly diagnostics: number;
  readonly analyzeMs: number;
  readonly reachCountsMs: number;
  readonly totalMs: number;
  /** Mean of the reach counts: the average blast radius, in workloads. */
  readonly meanReach: number;
  /** RSS once the cluster is generated and garbage-collected, just before the timed part. */
  readonly rssBeforeMiB: number;
  /** Peak RSS of the whole child process (`maxRSS`), generation included. */
  readonly peakRssMiB: number;
}

export interface Mismatch {
  readonly workload: string;
  readonly engine: number | undefined;
  readonly oracle: number | undefined;
}

export interface CompareResult {
  readonly mode: 'compare';
  readonly size: ClusterSize;
  readonly workloads: number;
  readonly engineMs: number;
  readonly oracleMs: number;
  readonly agree: boolean;
  readonly mismatchCount: number;
  /** The first few disagreeing workloads. */
  readonly mismatches: readonly Mismatch[];
}

export interface ScanResult {
  readonly mode: 'scan';
  readonly size: ClusterSize;
  readonly objects: number;
  readonly workloads: number;
  readonly techniques: number;
  readonly findings: number;
  readonly score: number | null;
  readonly whatIfScore: number | null;
  /** `snapshotFromObjects` (sanitising every object). */
  readonly snapshotMs: number;
  /** `assessCluster(snapshot, TECHNIQUES)`: analysis, checks, scores, blast radius and the what-if re-run. */
  readonly assessMs: number;
  readonly totalMs: number;
  readonly rssBeforeMiB: number;
  readonly peakRssMiB: number;
  /**
   * The naive what-if, timed after the rest: every technique run from scratch on the remediated
   * snapshot (a second full analysis and every check), as assessCluster did before it reused the run.
   */
  readonly naiveWhatIfMs: number;
  /** Whether the naive what-if gives the same score as assessCluster's. */
  readonly whatIfAgrees: boolean;
}

export type ChildResult = EngineResult | CompareResult | ScanResult;

export function sizeArgs(mode: Mode, size: ClusterSize): string[] {
  return [mode, String(size.pods), String(size.policies), String(size.namespaces), String(size.seed)];
}

export function parseSizeArgs(argv: readonly string[]): { mode: Mode; size: ClusterSize } {
  const [mode, ...numbers] = argv;
  const [pods, policies, namespaces, seed] = numbers.map(Number);
  if ((mode !== 'engine' && mode !== 'compare' && mode !== 'scan') || [pods, policies, namespaces, seed].some((n) => n === undefined || !Number.isInteger(n))) {
    throw new Error(`usage: runOne.ts engine|compare|scan <pods> <policies> <namespaces> <seed> (got: ${argv.join(' ')})`);
  }
  return { mode, size: { pods: pods!, policies: policies!, namespaces: namespaces!, seed: seed! } };
}
