/**
 * What every command shares: unknown commands are usage errors, `txt` and `text` name the same
 * format everywhere, an unexpected error is one line, and a reader that closes the pipe early ends
 * the run quietly (real processes, since only a real pipe can close).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { internalErrorMessage } from '../../lib/cli/main.js';
import { deployment, docs } from '../helpers/analyzeYaml.js';
import { fixture, looksLikeCrash, run, runProcess } from '../helpers/cli.js';

const APPS = docs(deployment('ns', 'a', { app: 'a' }), deployment('ns', 'b', { app: 'b' }));

describe('commands', () => {
  it.each([['notify', '--help'], ['bogus'], ['bogus', '--help'], ['--version', 'bogus'], ['help', 'bogus']])(
    'refuses the unknown command in `kubeseg %s`: exit 2, the command named, nothing on stdout', async (...argv) => {
      // Act
      const r = await run(...argv);

      // Assess
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(argv.includes('help') ? 'Usage: kubeseg' : "error: unknown command 'bogus'".replace('bogus', argv.find((a) => !a.startsWith('-'))!));
    });

  it('still shows the help of a known command', async () => {
    // Act
    const r = await run('scan', '--help');

    // Assess
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: kubeseg scan/);
  });

  it.each(['scan', 'connectivity'])('accepts `--format txt` and `--format text` for %s, with the same output', async (command) => {
    // Prepare
    const dir = fixture({ 'apps.yaml': APPS });

    // Act
    const txt = await run(command, '--format', 'txt', dir);
    const text = await run(command, '-f', 'text', dir);
    const plain = await run(command, dir);

    // Assess
    expect(txt.code).toBe(0);
    expect(text).toEqual(txt);
    expect(plain).toEqual(txt);
  });

  it('accepts `--format txt` for demo', async () => {
    // Prepare
    const out = fixture({});

    // Act
    const r = await run('demo', '--format', 'txt', '--out', out);

    // Assess
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Fleet: score/);
  });

  it('reports an unexpected error as one line asking for a report, with the stack only in debug mode', () => {
    // Prepare
    const err = new TypeError('Cannot read properties of undefined (reading \'x\')\nsecond line');

    // Act
    const line = internalErrorMessage(err, false);
    const debug = internalErrorMessage(err, true);

    // Assess
    expect(line).toBe('error: internal error: Cannot read properties of undefined (reading \'x\') (please report)');
    expect(debug).toContain('    at ');
  });
});

describe('a closed stdout', () => {
  it.each([
    ['demo', () => ['demo', '--out', fixture({})]],
    ['connectivity', () => ['connectivity', join(DEMO_FLEET, 'shop-staging')]],
    ['scan --format json', () => ['scan', '--format', 'json', DEMO_FLEET]],
  ])('ends `kubeseg %s | head -c 1` quietly, without an EPIPE trace', async (_name, args) => {
    // Act
    const r = await runProcess(args(), { closeStdoutAfter: 1 });

    // Assess
    expect(r.timedOut).toBe(false);
    expect(r.signal).toBeNull();
    expect(r.stderr).not.toContain('EPIPE');
    expect(looksLikeCrash(r.stderr)).toBe(false);
    expect([0, 3]).toContain(r.code);
  });
});
