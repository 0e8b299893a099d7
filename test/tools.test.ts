/**
 * Tests that need Chromium or poppler: without them they are skipped, with one line on how to install
 * them, except under CI=true, where they run and fail. Checked by running vitest with the project's
 * settings on a fixture test, with PATH pointing at a directory that has the tools or not.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TOOLS } from './helpers/tools.js';

const FIXTURE = join(import.meta.dirname, 'fixtures/tools');
const VITEST = join(import.meta.dirname, '../node_modules/vitest/vitest.mjs');

const noTools = mkdtempSync(join(tmpdir(), 'kubeseg-no-tools-'));
const fakeTools = mkdtempSync(join(tmpdir(), 'kubeseg-fake-tools-'));
for (const command of Object.values(TOOLS).flatMap((tool) => tool.commands)) writeFileSync(join(fakeTools, command), '#!/bin/sh\n', { mode: 0o755 });

afterAll(() => {
  for (const dir of [noTools, fakeTools]) rmSync(dir, { recursive: true, force: true });
});

/** vitest on the fixture with only `path` on PATH; this run's own CI and vitest variables left out. */
function runFixture(path: string, ci: boolean): Promise<{ code: number; output: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'CI' && !name.startsWith('VITEST')));
  Object.assign(env, { PATH: path, NO_COLOR: '1' }, ci ? { CI: 'true' } : {});
  const args = [VITEST, 'run', '--root', FIXTURE, '--config', join(FIXTURE, 'vitest.config.ts')];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, output: stdout + stderr });
    });
  });
}

const notices = (output: string): string[] => output.split('\n').filter((line) => line.startsWith('kubeseg tests:'));

describe('tests that need Chromium or poppler', () => {
  it('are skipped when the tools are not on PATH, with one line saying how to install them', async () => {
    // Act
    const { code, output } = await runFixture(noTools, false);

    // Assess
    expect(output).toMatch(/Tests {2}1 passed \| 3 skipped \(4\)/);
    expect(notices(output)).toEqual([
      'kubeseg tests: skipping 2 browser tests (no chromium) and 1 PDF test (no pdftotext, pdfinfo, pdffonts, pdftoppm): install them with "apt-get install -y chromium poppler-utils"',
    ]);
    expect(code).toBe(0);
  });

  it('run and fail under CI=true when the tools are not on PATH', async () => {
    // Act
    const { code, output } = await runFixture(noTools, true);

    // Assess
    expect(output).toMatch(/Tests {2}3 failed \| 1 passed \(4\)/);
    expect(output).toContain('chromium is not on PATH: install it with "apt-get install -y chromium"');
    expect(output).toContain('pdftotext is not on PATH: install it with "apt-get install -y poppler-utils"');
    expect(notices(output)).toEqual([]);
    expect(code).toBe(1);
  });

  it('run when the tools are on PATH', async () => {
    // Act
    const { code, output } = await runFixture(fakeTools, false);

    // Assess
    expect(output).toMatch(/Tests {2}4 passed \(4\)/);
    expect(notices(output)).toEqual([]);
    expect(code).toBe(0);
  });
});
