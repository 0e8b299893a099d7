/**
 * One benchmark measurement, in a fresh process spawned by run.ts, so that peak RSS and JIT state
 * belong to this size alone. Generation is not timed. Prints one `RESULT <json>` line on stdout.
 *
 *   node --import tsx --expose-gc bench/runOne.ts engine|compare|scan <pods> <policies> <namespaces> <seed>
 */
import { DiagnosticList, formatDiagnostic } from '../lib/core/diagnostics.js';
import { snapshotFromObjects } from '../lib/core/evidence/buildSnapshot.js';
import type { SourcedObject } from '../lib/core/manifests/parseManifestText.js';
import { analyzeObjects, type Analysis } from '../lib/core/netpol/analyze.js';
import type { ClusterModel } from '../lib/core/netpol/model.js';
import { ReachabilityQueries } from '../lib/core/netpol/queries.js';
import type { EvidenceSnapshot } from '../lib/core/evidence/snapshot.js';
import type { Finding } from '../lib/core/findings/finding.js';
import { assessCluster, remediatedSnapshot } from '../lib/core/report/assessCluster.js';
import { scoreCluster } from '../lib/core/scoring/score.js';
import { runTechniques } from '../lib/core/techniques/runTechniques.js';
import { TECHNIQUES } from '../lib/core/techniques/catalog.js';
import { buildRemediationBundle } from '../lib/core/techniques/bundle.js';
import {
  ORACLE_MODULE, parseSizeArgs, RESULT_PREFIX, type ChildResult, type ClusterSize, type CompareResult, type EngineResult, type Mismatch,
  type ScanResult,
} from './protocol.js';
import { API_SERVER_ADDRESSES, generateCluster } from './syntheticCluster.js';

type OracleFn = (model: ClusterModel) => number[];

const MIB = 1024 * 1024;

interface EngineRun {
  readonly analysis: Analysis;
  readonly counts: number[];
  readonly diagnostics: number;
  readonly analyzeMs: number;
  readonly reachCountsMs: number;
}

/** The timed part: raw objects → model → reachability, then every workload's blast radius. */
function runEngine(objects: readonly SourcedObject[]): EngineRun {
  const diagnostics = new DiagnosticList();
  const t0 = performance.now();
  const analysis = analyzeObjects(objects, diagnostics);
  const t1 = performance.now();
  if (!analysis) {
    const fatal = diagnostics.all.filter((d) => d.severity === 'fatal').slice(0, 5).map(formatDiagnostic);
    throw new Error(`the synthetic cluster was rejected:\n${fatal.join('\n')}`);
  }
  const counts = new ReachabilityQueries(analysis.reachability).reachCounts().map((c) => c.reachable);
  const t2 = performance.now();
  return { analysis, counts, diagnostics: diagnostics.all.length, analyzeMs: t1 - t0, reachCountsMs: t2 - t1 };
}

/** Collects the generator's garbage so that it neither pauses the timed part nor counts in rssBefore. */
function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function measureEngine(size: ClusterSize): EngineResult {
  const objects = generateCluster(size);
  collectGarbage();
  const rssBeforeMiB = process.memoryUsage().rss / MIB;
  const run = runEngine(objects);
  const peakRssMiB = (process.resourceUsage().maxRSS * 1024) / MIB; // maxRSS is in KiB
  return {
    mode: 'engine',
    size,
    objects: objects.length,
    workloads: run.analysis.model.workloads.length,
    podTypes: run.analysis.reachability.universe.typeCount,
    diagnostics: run.diagnostics,
    analyzeMs: run.analyzeMs,
    reachCountsMs: run.reachCountsMs,
    totalMs: run.analyzeMs + run.reachCountsMs,
    meanReach: run.counts.reduce((a, b) => a + b, 0) / Math.max(1, run.counts.length),
    rssBeforeMiB,
    peakRssMiB,
  };
}

/**
 * The pure part of `kubeseg scan` on one cluster: raw objects → evidence snapshot → every technique
 * of the catalog, scores, blast radius and the what-if re-run. The cluster carries what the checks
 * read (nodes, RBAC, service accounts...) and cloud facts of an EKS cluster whose VPC CNI enforces
 * NetworkPolicies, so that no check is skipped for missing evidence.
 */
function measureScan(size: ClusterSize): ScanResult {
  const objects = generateCluster({ ...size, clusterObjects: true });
  collectGarbage();
  const rssBeforeMiB = process.memoryUsage().rss / MIB;
  const t0 = performance.now();
  const snapshot = snapshotFromObjects({
    objects,
    identity: { name: 'synthetic', account: '123456789012', region: 'eu-west-1', source: 'manifests' },
    cloudFile: {
      apiServer: { endpoint: `https://${API_SERVER_ADDRESSES[0]}`, endpointPublicAccess: false, endpointPrivateAccess: true },
      vpcCni: { version: 'v1.19.0', enableNetworkPolicy: true },
      nodeGroups: [{ name: 'general', httpTokens: 'optional', httpPutResponseHopLimit: 2 }],
    },
  });
  const t1 = performance.now();
  const assessment = assessCluster(snapshot, TECHNIQUES);
  const t2 = performance.now();
  const peakRssMiB = (process.resourceUsage().maxRSS * 1024) / MIB;
  const analysisError = assessment.collection.find((s) => s.step === 'analysis');
  if (analysisError) throw new Error(`the synthetic cluster was rejected: ${analysisError.detail}`);
  const naive = naiveWhatIf(snapshot, assessment.findings);
  return {
    mode: 'scan',
    size,
    objects: objects.length,
    workloads: assessment.workloads,
    techniques: TECHNIQUES.length,
    findings: assessment.findings.length,
    score: assessment.score.score,
    whatIfScore: assessment.whatIf?.score ?? null,
    snapshotMs: t1 - t0,
    assessMs: t2 - t1,
    totalMs: t2 - t0,
    rssBeforeMiB,
    peakRssMiB,
    naiveWhatIfMs: naive.ms,
    whatIfAgrees: naive.score === (assessment.whatIf?.score ?? null),
  };
}

/** Every technique from scratch on the remediated snapshot: the what-if without reusing the run. */
function naiveWhatIf(snapshot: EvidenceSnapshot, findings: readonly Finding[]): { ms: number; score: number | null } {
  const t0 = performance.now();
  const rerun = runTechniques(remediatedSnapshot(snapshot, buildRemediationBundle(findings)).snapshot, TECHNIQUES);
  const score = rerun.ok ? scoreCluster(TECHNIQUES.map((t) => t.meta), rerun.run.findings).score : null;
  return { ms: performance.now() - t0, score };
}

/** Engine and oracle on the same generated cluster (the oracle reads the engine's model). */
async function compareWithOracle(size: ClusterSize): Promise<CompareResult> {
  const { bruteForceReachCounts } = (await import(ORACLE_MODULE.href)) as { bruteForceReachCounts: OracleFn };
  const objects = generateCluster(size);
  collectGarbage();
  const run = runEngine(objects);
  const t0 = performance.now();
  const expected = bruteForceReachCounts(run.analysis.model);
  const oracleMs = performance.now() - t0;
  const mismatches = diff(run.analysis.model, run.counts, expected);
  return {
    mode: 'compare',
    size,
    workloads: run.analysis.model.workloads.length,
    engineMs: run.analyzeMs + run.reachCountsMs,
    oracleMs,
    agree: mismatches.length === 0,
    mismatchCount: mismatches.length,
    mismatches: mismatches.slice(0, 10),
  };
}

function diff(model: ClusterModel, engine: readonly number[], oracle: readonly number[]): Mismatch[] {
  const out: Mismatch[] = [];
  for (let w = 0; w < Math.max(engine.length, oracle.length, model.workloads.length); w++) {
    if (engine[w] !== oracle[w]) out.push({ workload: model.workloads[w]?.id ?? `#${w}`, engine: engine[w], oracle: oracle[w] });
  }
  return out;
}

async function main(): Promise<void> {
  const { mode, size } = parseSizeArgs(process.argv.slice(2));
  const result: ChildResult = mode === 'engine' ? measureEngine(size) : mode === 'scan' ? measureScan(size) : await compareWithOracle(size);
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

await main();
