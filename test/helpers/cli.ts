/** Test helpers for the CLI: run `main()` with a fake Io, and temporary fixture directories. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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
