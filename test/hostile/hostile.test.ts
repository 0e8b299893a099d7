/**
 * Every case of the hostile corpus through `scan` (every format, and `--out`) and `connectivity`
 * (every format), counting crashes (a stack trace or an internal error on stderr, an exit code
 * outside 0-3, a signal) and hangs (a run over its time limit). Most runs go through `main()`
 * in-process; the cases about special files, memory and stack bombs, and one run over the whole
 * corpus at once, also run as real `bin/kubeseg` processes.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTIVITY_FORMATS } from '../../lib/core/netpol/format/formatConnections.js';
import { SCAN_FORMATS } from '../../lib/cli/scanFormats.js';
import { looksLikeCrash, run, runProcess, type Run } from '../helpers/cli.js';
import { hasInvisible } from '../../lib/core/format/inert.js';
import { HOSTILE_CASES, writeCase, type HostileCase } from './corpus.js';

const IN_PROCESS_TIMEOUT_MS = 20_000;
const PROCESS_TIMEOUT_MS = 30_000;
const POOL = 2;

interface Outcome {
  readonly label: string;
  readonly crashed: boolean;
  readonly hung: boolean;
  /** Planted strings with invisible or control characters found as they are in a human-readable output. */
  readonly rawHits: readonly string[];
  readonly detail: string;
}

/** Outputs people read: JSON is data, and keeps the strings as the cluster has them (escaped as JSON). */
const isReadable = (argv: readonly string[]): boolean => !argv.includes('json');

let root: string;
const outcomes: Outcome[] = [];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'kubeseg-hostile-'));
  for (const c of HOSTILE_CASES) await writeCase(c, join(root, c.name));
});

afterAll(() => {
  const crashes = outcomes.filter((o) => o.crashed).length;
  const hangs = outcomes.filter((o) => o.hung).length;
  const rawHits = outcomes.reduce((n, o) => n + o.rawHits.length, 0);
  console.log(`hostile corpus: ${HOSTILE_CASES.length} inputs, ${outcomes.length} runs, ${crashes} crashes, ${hangs} hangs, ${rawHits} raw hostile hits`);
  rmSync(root, { recursive: true, force: true });
});

/**
 * Every invocation of one case: scan in each format (pdf with --out, which writes every file) and
 * connectivity in each; a heavy case once per command (its real processes cover the rest).
 */
function invocations(c: HostileCase, dir: string, out: string): string[][] {
  if (c.heavy) return [['scan', '--format', 'pdf', '--out', out, dir], ['connectivity', '--format', 'dot', dir]];
  return [
    ...SCAN_FORMATS.filter((f) => f !== 'pdf').map((f) => ['scan', '--format', f, dir]),
    ['scan', '--format', 'pdf', '--out', out, dir],
    ...CONNECTIVITY_FORMATS.map((f) => ['connectivity', '--format', f, dir]),
  ];
}

function judge(label: string, r: Run & { signal?: NodeJS.Signals | null; timedOut?: boolean }, planted: readonly string[] = []): Outcome {
  const hung = r.timedOut === true;
  const rawHits = planted.filter((h) => hasInvisible(h) && (r.stdout.includes(h) || r.stderr.includes(h)));
  const crashed = !hung && (looksLikeCrash(r.stderr) || r.stderr.includes('internal error') || ![0, 1, 2, 3].includes(r.code) || (r.signal ?? null) !== null);
  return { label, crashed, hung, rawHits, detail: `exit ${r.code}${r.signal ? ` signal ${r.signal}` : ''}: ${r.stderr.slice(0, 2000)}` };
}

async function inProcess(argv: string[]): Promise<Run & { timedOut: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Run & { timedOut: boolean }>((done) => {
    timer = setTimeout(() => done({ stdout: '', stderr: '', code: -1, timedOut: true }), IN_PROCESS_TIMEOUT_MS);
  });
  try {
    return await Promise.race([run(...argv).then((r) => ({ ...r, timedOut: false })), timeout]);
  } catch (err) {
    return { stdout: '', stderr: `main() threw: ${(err as Error).stack}`, code: -1, timedOut: false };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the tasks with at most `size` at a time. */
async function pool<T>(tasks: readonly (() => Promise<T>)[], size: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: size }, worker));
  return results;
}

const failures = (list: readonly Outcome[]): string[] => list.filter((o) => o.crashed || o.hung || o.rawHits.length > 0)
  .map((o) => `${o.label}: ${o.hung ? 'hung' : o.crashed ? 'crashed' : `printed raw ${JSON.stringify(o.rawHits)}`} (${o.detail})`);

describe('the hostile corpus', () => {
  it(`runs ${HOSTILE_CASES.length} inputs through every command and format in-process without a crash or a hang`, async () => {
    // Prepare
    const runs = HOSTILE_CASES.flatMap((c) => invocations(c, join(root, c.name), join(root, `${c.name}.out`))
      .map((argv) => ({ label: `${c.name}: ${argv.slice(0, 3).join(' ')}`, argv, planted: isReadable(argv) ? c.hostileStrings : [] })));

    // Act
    const results: Outcome[] = [];
    for (const r of runs) results.push(judge(r.label, await inProcess(r.argv), r.planted));
    outcomes.push(...results);

    // Assess
    expect(failures(results)).toEqual([]);
    expect(results.length).toBeGreaterThan(HOSTILE_CASES.length * (SCAN_FORMATS.length + CONNECTIVITY_FORMATS.length) * 0.9);
  }, 240_000);

  it('runs the special-file and bomb cases, and the whole corpus at once, as real processes without a crash or a hang', async () => {
    // Prepare
    const all = HOSTILE_CASES.map((c) => join(root, c.name)).filter((dir) => readdirSync(dir).length > 0);
    const runs = [
      ...HOSTILE_CASES.filter((c) => c.asProcess).flatMap((c) => [
        ['scan', '--format', 'json', join(root, c.name)], ['connectivity', join(root, c.name)],
      ].map((argv) => ({ label: `${c.name}: ${argv[0]} (process)`, argv }))),
      { label: 'whole corpus: scan --out (process)', argv: ['scan', '--out', join(root, 'all.out'), ...all] },
      { label: 'whole corpus: connectivity --format dot (process)', argv: ['connectivity', '--format', 'dot', ...all] },
    ];

    // Act
    const results = await pool(runs.map((r) => async () => judge(r.label, await runProcess(r.argv, { timeoutMs: PROCESS_TIMEOUT_MS }))), POOL);
    outcomes.push(...results);

    // Assess
    expect(failures(results)).toEqual([]);
  }, 240_000);
});
