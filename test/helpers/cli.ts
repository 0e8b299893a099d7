/** Test helpers for the CLI: run `main()` with a fake Io or `bin/kubeseg` as a process, and temporary fixture directories. */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { Io } from '../../lib/cli/io.js';
import { main } from '../../lib/cli/main.js';

export interface Run {
  readonly stdout: string;
  readonly stderr: string;
  /** The exit code the command set; 0 when it set none. */
  readonly code: number;
}

export async function run(...argv: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const io: Io = {
    stdout: (text) => { stdout += text; },
    stderr: (text) => { stderr += text; },
    exitCode: (c) => { code = c; },
  };
  await main(argv, io);
  return { stdout, stderr, code };
}

export const KUBESEG = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/kubeseg');

export interface ProcessRun extends Run {
  /** The signal that ended the process, if one did. */
  readonly signal: NodeJS.Signals | null;
  /** Killed after the timeout. */
  readonly timedOut: boolean;
}

export interface SpawnOptions {
  readonly cwd?: string;
  readonly timeoutMs?: number;
  readonly env?: Readonly<Record<string, string>>;
  /** Close our end of stdout after this many bytes, as `| head -c N` would. */
  readonly closeStdoutAfter?: number;
}

/** `bin/kubeseg` as a real process: exit code or signal, both streams, and whether it hung. */
export function runProcess(args: readonly string[], options: SpawnOptions = {}): Promise<ProcessRun> {
  return new Promise((done) => {
    const child = spawn(KUBESEG, args, {
      cwd: options.cwd ?? tmpdir(), env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (options.closeStdoutAfter !== undefined && stdout.length >= options.closeStdoutAfter) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ stdout, stderr, code: code ?? -1, signal, timedOut });
    });
  });
}

/** What a crash leaves on stderr: a stack frame line, or an uncaught error's banner. */
export function looksLikeCrash(stderr: string): boolean {
  return /^\s+at .+(:\d+:\d+\)?|\(<anonymous>\)|\(node:[^)]*\))$/m.test(stderr) || /^(node:internal|Uncaught|RangeError|TypeError|FATAL ERROR)/m.test(stderr);
}

const tempDirs: string[] = [];

/** A temporary directory holding the given files (paths relative to it), removed after each test. */
export function fixture(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeseg-test-'));
  tempDirs.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
