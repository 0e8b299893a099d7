/** Runs one benchmark measurement in a fresh child process, pinned to one core when possible. */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { RESULT_PREFIX } from './protocol.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export type ChildOutcome<T> =
  | { readonly kind: 'ok'; readonly result: T }
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'crash'; readonly detail: string };

/** Pins children to CPU 0 when possible: the targets are for one core. */
export function pinPrefix(): string[] {
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? ['taskset', '-c', '0'] : [];
}

/** Runs `script` (a bench/ TypeScript file) with tsx and --expose-gc; its one `RESULT <json>` stdout line is the result. */
export function runChild<T>(
  pin: readonly string[], script: URL, args: readonly string[], timeoutMs: number, nodeFlags: readonly string[] = [],
): Promise<ChildOutcome<T>> {
  const command = [...pin, process.execPath, ...nodeFlags, '--import', 'tsx', '--expose-gc', fileURLToPath(script), ...args];
  return new Promise((resolve) => {
    const child = spawn(command[0]!, command.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ kind: 'crash', detail: err.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ kind: 'timeout', afterMs: timeoutMs });
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code !== 0 || !line) return resolve({ kind: 'crash', detail: `child exited with ${signal ?? `code ${code}`}` });
      resolve({ kind: 'ok', result: JSON.parse(line.slice(RESULT_PREFIX.length)) as T });
    });
  });
}
