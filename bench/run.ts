/**
 * `npm run bench`: times the reachability engine and the whole `scan` pipeline on seeded synthetic
 * clusters, one fresh child process per measurement (pinned to one core when `taskset` exists; the
 * live collection's measured runs use every core, as the CLI does), checks the engine against the brute-force oracle, and prints a summary against the targets.
 * See bench/README.md.
 *
 * Exit code: 0 when everything ran (even if a target is MISSED); 1 on an engine/oracle
 * disagreement, a crashed child, or a live collection that missed objects or steps.
 *
 * Options: --seed <n> (default 42), --sizes 1k,10k,50k (engine and scan sizes to run), --repeat <n>
 * (runs per engine, scan or render measurement, median reported; default 1), --skip-oracle,
 * --skip-scan, --skip-render, --skip-collect, --skip-service, --collect-concurrency <n> (clusters at once in the
 * live-collection benchmark; default: the CLI's).
 */
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ORACLE_MODULE, sizeArgs, type ChildResult, type ClusterSize, type CompareResult, type EngineResult, type Mode,
  type ScanResult,
} from './protocol.js';
import { pinPrefix, runChild, type ChildOutcome as GenericOutcome } from './child.js';
import { FLEET, runCollectBenchmark } from './collect.js';
import { runRenderBenchmark } from './render.js';
import { runServiceBenchmark } from './service.js';
import { formatTable, mib, ms } from './table.js';

interface EngineSize {
  readonly label: string;
  readonly pods: number;
  readonly policies: number;
  readonly namespaces: number;
  /** Targets from the issue, for one core. */
  readonly maxMs?: number;
  readonly maxRssMiB?: number;
}

const ENGINE_SIZES: readonly EngineSize[] = [
  { label: '1k', pods: 1_000, policies: 200, namespaces: 20 },
  { label: '10k', pods: 10_000, policies: 2_000, namespaces: 200, maxMs: 2_000, maxRssMiB: 512 },
  { label: '50k', pods: 50_000, policies: 5_000, namespaces: 500, maxMs: 15_000 },
];
/** `kubeseg scan` without YAML parsing: snapshot + every technique + scores + what-if re-run. */
const SCAN_SIZES: readonly EngineSize[] = [
  { label: '10k', pods: 10_000, policies: 2_000, namespaces: 200, maxMs: 3_000, maxRssMiB: 768 },
];
/** A child slower than this is killed; the size then counts as MISSED, not as a crash. */
const ENGINE_TIMEOUT_MS = 300_000;

/** Oracle sizes, in pods; policies and namespaces scale like the 1k size (1 per 5 and 1 per 50 pods). */
const ORACLE_PODS = [250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000];
/** An oracle run must finish within this to count. */
const ORACLE_LIMIT_MS = 60_000;
/** Past this, the next (larger) size would take too long: stop increasing. */
const ORACLE_STOP_AFTER_MS = 20_000;
/** Slack on top of the oracle limit for the child's start-up, generation and engine run. */
const ORACLE_CHILD_SLACK_MS = 30_000;
const MIN_SPEEDUP = 50;

const RUN_ONE = new URL('./runOne.ts', import.meta.url);

type ChildOutcome = GenericOutcome<ChildResult>;

const runOneChild = (pin: readonly string[], mode: Mode, size: ClusterSize, timeoutMs: number): Promise<ChildOutcome> =>
  runChild<ChildResult>(pin, RUN_ONE, sizeArgs(mode, size), timeoutMs);

// ---------------------------------------------------------------------------------------------
// Engine and scan sizes

interface EngineRow {
  readonly spec: EngineSize;
  readonly outcome: ChildOutcome;
}

async function runSizes(
  pin: readonly string[], mode: 'engine' | 'scan', sizes: readonly EngineSize[], seed: number, repeat: number,
): Promise<EngineRow[]> {
  const rows: EngineRow[] = [];
  for (const spec of sizes) {
    log(`${mode} ${spec.label}: ${spec.pods} pods, ${spec.policies} policies, ${spec.namespaces} namespaces ...`);
    const outcomes: ChildOutcome[] = [];
    for (let i = 0; i < repeat; i++) {
      const outcome = await runOneChild(pin, mode, { ...spec, seed }, ENGINE_TIMEOUT_MS);
      log(`  ${describeOutcome(outcome)}`);
      outcomes.push(outcome);
      if (outcome.kind !== 'ok') break;
    }
    rows.push({ spec, outcome: medianOutcome(outcomes) });
  }
  return rows;
}

/** The run of median total time; a failed run wins, so that it is never hidden. */
function medianOutcome(outcomes: readonly ChildOutcome[]): ChildOutcome {
  const failed = outcomes.find((o) => o.kind !== 'ok');
  if (failed) return failed;
  const byTime = [...outcomes].sort((a, b) => totalMs(a) - totalMs(b));
  return byTime[Math.floor((byTime.length - 1) / 2)]!;
}

function totalMs(o: ChildOutcome): number {
  return o.kind === 'ok' && o.result.mode !== 'compare' ? o.result.totalMs : Number.POSITIVE_INFINITY;
}

function engineTable(rows: readonly EngineRow[]): string {
  const headers = ['size', 'pods', 'policies', 'ns', 'workloads', 'pod types', 'analyze', 'reachCounts', 'total', 'RSS before', 'peak RSS', 'mean reach'];
  return formatTable(headers, rows.map(({ spec, outcome }) => {
    const head = [spec.label, String(spec.pods), String(spec.policies), String(spec.namespaces)];
    if (outcome.kind !== 'ok') return [...head, outcome.kind === 'timeout' ? `TIMEOUT after ${ms(outcome.afterMs)}` : `CRASH: ${outcome.detail}`];
    const r = outcome.result as EngineResult;
    return [...head, String(r.workloads), String(r.podTypes), ms(r.analyzeMs), ms(r.reachCountsMs), ms(r.totalMs),
      mib(r.rssBeforeMiB), mib(r.peakRssMiB), r.meanReach.toFixed(1)];
  }));
}

function scanTable(rows: readonly EngineRow[]): string {
  const headers = ['size', 'pods', 'policies', 'ns', 'objects', 'workloads', 'techniques', 'findings', 'score', 'what-if',
    'snapshot', 'assess', 'total', 'RSS before', 'peak RSS', 'naive what-if', 'what-if scores'];
  return formatTable(headers, rows.map(({ spec, outcome }) => {
    const head = [spec.label, String(spec.pods), String(spec.policies), String(spec.namespaces)];
    if (outcome.kind !== 'ok') return [...head, outcome.kind === 'timeout' ? `TIMEOUT after ${ms(outcome.afterMs)}` : `CRASH: ${outcome.detail}`];
    const r = outcome.result as ScanResult;
    return [...head, String(r.objects), String(r.workloads), String(r.techniques), String(r.findings), String(r.score ?? '–'),
      String(r.whatIfScore ?? '–'), ms(r.snapshotMs), ms(r.assessMs), ms(r.totalMs), mib(r.rssBeforeMiB), mib(r.peakRssMiB),
      ms(r.naiveWhatIfMs), r.whatIfAgrees ? 'agree' : 'DISAGREE'];
  }));
}

// ---------------------------------------------------------------------------------------------
// Oracle comparison

interface OracleRun {
  readonly rows: { readonly size: ClusterSize; readonly outcome: ChildOutcome }[];
  readonly disagreement: boolean;
  readonly crashed: boolean;
  /** The comparison at the largest size whose oracle finished within the limit. */
  readonly largest?: CompareResult;
}

function oracleSize(pods: number, seed: number): ClusterSize {
  return { pods, policies: Math.round(pods / 5), namespaces: Math.max(4, Math.round(pods / 50)), seed };
}

async function runOracleComparison(pin: readonly string[], seed: number): Promise<OracleRun> {
  const rows: OracleRun['rows'] = [];
  let largest: CompareResult | undefined;
  for (const pods of ORACLE_PODS) {
    const size = oracleSize(pods, seed);
    log(`oracle ${pods} pods, ${size.policies} policies, ${size.namespaces} namespaces ...`);
    const outcome = await runOneChild(pin, 'compare', size, ORACLE_LIMIT_MS + ORACLE_CHILD_SLACK_MS);
    log(`  ${describeOutcome(outcome)}`);
    rows.push({ size, outcome });
    if (outcome.kind === 'crash') return { rows, disagreement: false, crashed: true, largest };
    if (outcome.kind === 'timeout') break;
    const r = outcome.result as CompareResult;
    if (!r.agree) {
      reportDisagreement(r);
      return { rows, disagreement: true, crashed: false, largest };
    }
    if (r.oracleMs <= ORACLE_LIMIT_MS) largest = r;
    if (r.oracleMs > ORACLE_STOP_AFTER_MS) break;
  }
  return { rows, disagreement: false, crashed: false, largest };
}

function reportDisagreement(r: CompareResult): void {
  const lines = r.mismatches.map((m) => `    ${m.workload}: engine ${m.engine ?? '(none)'}, oracle ${m.oracle ?? '(none)'}`);
  console.error([
    '',
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    `!! DISAGREEMENT: engine and oracle reach counts differ for ${r.mismatchCount} of ${r.workloads} workloads`,
    `!! (${r.size.pods} pods, ${r.size.policies} policies, ${r.size.namespaces} namespaces, seed ${r.size.seed}); first ones:`,
    ...lines,
    '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    '',
  ].join('\n'));
}

function oracleTable(run: OracleRun): string {
  const headers = ['pods', 'policies', 'ns', 'workloads', 'engine', 'oracle', 'oracle/engine', 'reach counts'];
  return formatTable(headers, run.rows.map(({ size, outcome }) => {
    const head = [String(size.pods), String(size.policies), String(size.namespaces)];
    if (outcome.kind !== 'ok') return [...head, '', '', outcome.kind === 'timeout' ? `TIMEOUT (> ${ms(ORACLE_LIMIT_MS)})` : `CRASH: ${outcome.detail}`];
    const r = outcome.result as CompareResult;
    return [...head, String(r.workloads), ms(r.engineMs), ms(r.oracleMs), `${(r.oracleMs / r.engineMs).toFixed(0)}×`,
      r.agree ? 'agree' : `DISAGREE (${r.mismatchCount})`];
  }));
}

// ---------------------------------------------------------------------------------------------
// Summary

type Status = 'MET' | 'MISSED' | 'NOT RUN' | 'FAILED';

function sizeTargets(what: 'engine' | 'scan', rows: readonly EngineRow[]): [string, string, Status][] {
  const out: [string, string, Status][] = [];
  for (const { spec, outcome } of rows) {
    const r = outcome.kind === 'ok' ? (outcome.result as EngineResult | ScanResult) : undefined;
    const size = `${spec.label} pods / ${spec.policies} policies`;
    if (spec.maxMs !== undefined) {
      out.push([`${size}: ${what} ≤ ${ms(spec.maxMs)}`, r ? ms(r.totalMs) : outcome.kind.toUpperCase(), r && r.totalMs <= spec.maxMs ? 'MET' : 'MISSED']);
    }
    if (spec.maxRssMiB !== undefined) {
      out.push([`${size}: ${what} peak RSS ≤ ${spec.maxRssMiB} MiB`, r ? mib(r.peakRssMiB) : outcome.kind.toUpperCase(), r && r.peakRssMiB <= spec.maxRssMiB ? 'MET' : 'MISSED']);
    }
  }
  return out;
}

function oracleTarget(run: OracleRun | undefined, reason: string): [string, string, Status] {
  const label = `≥ ${MIN_SPEEDUP}× faster than the oracle`;
  if (!run) return [label, reason, 'NOT RUN'];
  if (run.disagreement) return [label, 'engine and oracle disagree', 'FAILED'];
  if (run.crashed) return [label, 'an oracle child crashed', 'FAILED'];
  const r = run.largest;
  if (!r) return [label, 'no oracle run finished', 'NOT RUN'];
  const ratio = r.oracleMs / r.engineMs;
  return [`${label} (at ${r.size.pods} pods)`, `${ratio.toFixed(0)}×`, ratio >= MIN_SPEEDUP ? 'MET' : 'MISSED'];
}

// ---------------------------------------------------------------------------------------------

function describeOutcome(o: ChildOutcome): string {
  if (o.kind === 'timeout') return `timed out after ${ms(o.afterMs)}`;
  if (o.kind === 'crash') return `CRASHED: ${o.detail}`;
  const r = o.result;
  return r.mode === 'compare'
    ? `engine ${ms(r.engineMs)}, oracle ${ms(r.oracleMs)}, ${r.agree ? 'agree' : 'DISAGREE'}`
    : `${ms(r.totalMs)}, peak RSS ${mib(r.peakRssMiB)}`;
}

function log(message: string): void {
  console.error(message);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: '42' },
      sizes: { type: 'string' },
      repeat: { type: 'string', default: '1' },
      'skip-oracle': { type: 'boolean', default: false },
      'skip-scan': { type: 'boolean', default: false },
      'skip-render': { type: 'boolean', default: false },
      'skip-collect': { type: 'boolean', default: false },
      'skip-service': { type: 'boolean', default: false },
      'collect-concurrency': { type: 'string' },
    },
  });
  const seed = Number(values.seed);
  const repeat = Math.max(1, Number(values.repeat));
  const collectConcurrency = values['collect-concurrency'] === undefined ? undefined : Number(values['collect-concurrency']);
  if (!Number.isInteger(seed) || !Number.isInteger(repeat) || (collectConcurrency !== undefined && !(Number.isInteger(collectConcurrency) && collectConcurrency >= 1))) {
    throw new Error('--seed, --repeat and --collect-concurrency take integers');
  }
  const wanted = values.sizes?.split(',');
  const sizes = ENGINE_SIZES.filter((s) => !wanted || wanted.includes(s.label));
  const scanSizes = values['skip-scan'] ? [] : SCAN_SIZES.filter((s) => !wanted || wanted.includes(s.label));
  const pin = pinPrefix();
  console.log(`kubeseg benchmark — node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, ` +
    `${pin.length > 0 ? 'pinned to CPU 0 (taskset -c 0)' : 'NOT pinned (no taskset)'}, seed ${seed}\n`);

  const engineRows = await runSizes(pin, 'engine', sizes, seed, repeat);
  const scanRows = await runSizes(pin, 'scan', scanSizes, seed, repeat);
  const render = values['skip-render'] ? undefined : await runRenderBenchmark(pin, seed, repeat, log);
  const collect = values['skip-collect'] ? undefined
    : await runCollectBenchmark(pin, { seed, ...(collectConcurrency !== undefined && { concurrency: collectConcurrency }) }, log);
  const service = values['skip-service'] ? undefined : await runServiceBenchmark(pin, log, repeat);
  let oracleRun: OracleRun | undefined;
  let oracleSkipped = '';
  if (values['skip-oracle']) oracleSkipped = 'skipped (--skip-oracle)';
  else if (!existsSync(ORACLE_MODULE)) oracleSkipped = `skipped: ${fileURLToPath(ORACLE_MODULE)} not found`;
  else oracleRun = await runOracleComparison(pin, seed);

  console.log(`\nEngine: analyzeObjects (model + reachability) + reachCounts(), one fresh process per run` +
    `${repeat > 1 ? `; median of ${repeat} runs` : ''}\n`);
  console.log(engineTable(engineRows));
  console.log('\nScan: snapshotFromObjects + assessCluster(snapshot, TECHNIQUES) (every check, scores, blast radius, what-if re-run),' +
    ` one fresh process per run${repeat > 1 ? `; median of ${repeat} runs` : ''}\n`);
  console.log(scanRows.length > 0 ? scanTable(scanRows) : values['skip-scan'] ? 'skipped (--skip-scan)' : 'no scan size selected (--sizes)');
  console.log(`\nRender: synthetic fleet report → report model → HTML and PDF, one fresh process per run${repeat > 1 ? `; median of ${repeat} runs` : ''}\n`);
  console.log(render ? render.table : 'skipped (--skip-render)');
  console.log(`\nLive collection: ${FLEET.clusters} clusters × 300 pods behind HTTPS fake API servers (${FLEET.latencyMs} ms per request, ` +
    `in their own processes), collected and scanned as \`kubeseg scan --all-contexts\` does; the naive run is a sample of ${FLEET.naiveSample} ` +
    `clusters one request at a time, extrapolated linearly to ${FLEET.clusters}\n`);
  console.log(collect ? collect.table : 'skipped (--skip-collect)');
  console.log(`\nServerless (issue 10)\n`);
  console.log(service ? service.tables : 'skipped (--skip-service)');
  console.log('\nOracle comparison: same generated cluster, engine and bruteForceReachCounts in one process\n');
  console.log(oracleRun ? oracleTable(oracleRun) : oracleSkipped);
  console.log('\nTargets (engine, scan and render on one core; the live collection on every core)\n');
  const targets = [...sizeTargets('engine', engineRows), ...sizeTargets('scan', scanRows), ...(render?.targets ?? []), ...(collect?.targets ?? []), ...(service?.targets ?? []), oracleTarget(oracleRun, oracleSkipped)];
  console.log(formatTable(['target', 'measured', 'status'], targets));

  const crashed = [...engineRows, ...scanRows].some((r) => r.outcome.kind === 'crash') || (oracleRun?.crashed ?? false) || (render?.crashed ?? false);
  if (oracleRun?.disagreement) console.log('\nFAILED: the engine disagrees with the oracle (see above).');
  if (crashed) console.log('\nFAILED: a benchmark child crashed (see above).');
  const whatIfDisagrees = scanRows.some((r) => r.outcome.kind === 'ok' && !(r.outcome.result as ScanResult).whatIfAgrees);
  if (whatIfDisagrees) console.log('\nFAILED: the what-if and the naive what-if score differently (see above).');
  if (service?.failed) console.log('\nFAILED: a serverless measurement crashed or lost clusters (see above).');
  if (collect?.failed) console.log('\nFAILED: the live collection missed objects or steps, or a child crashed (see above).');
  process.exitCode = crashed || oracleRun?.disagreement || whatIfDisagrees || collect?.failed || service?.failed ? 1 : 0;
}

await main();
