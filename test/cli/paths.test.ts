/**
 * Input paths and `--out`: special files are refused without being opened (a FIFO would hang the
 * run), `--out` is checked before any analysis, and a run that exits 2 leaves no report behind.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployment, docs, namespace } from '../helpers/analyzeYaml.js';
import { fixture, run } from '../helpers/cli.js';

const APPS = docs(namespace('shop'), deployment('shop', 'web', { app: 'web' }, [{ port: 8080 }]));
const BAD_POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: broken, namespace: shop}
spec:
  podSelector: {}
  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/33}}]}]`;

function withFifo(dir: string, name: string): string {
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return path;
}

describe('special files as input', () => {
  it.each(['scan', 'connectivity'])('%s refuses a FIFO given as a path at once: one line, exit 2', async (command) => {
    // Prepare
    const dir = fixture({ 'apps.yaml': APPS });
    const fifo = withFifo(dir, 'pipe.yaml');

    // Act
    const r = await run(command, fifo, join(dir, 'apps.yaml'));

    // Assess
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: ${fifo}: a FIFO (named pipe), not a regular file: not read\n`);
  });

  it.each(['scan', 'connectivity'])('%s skips a FIFO found in a directory with a warning, and reads the rest', async (command) => {
    // Prepare
    const dir = fixture({ 'apps.yaml': APPS });
    const fifo = withFifo(dir, 'pipe.yaml');

    // Act
    const r = await run(command, dir);

    // Assess
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`warning: ${fifo}: a FIFO (named pipe), not a regular file; skipped\n`);
    expect(r.stdout).toContain(command === 'scan' ? 'Fleet: score' : 'shop/web[Deployment]');
  });

  it('refuses a character device', async () => {
    // Act
    const r = await run('connectivity', '/dev/zero');

    // Assess
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: /dev/zero: a character device, not a regular file: not read\n');
  });

  it('refuses a FIFO as kubeseg-cloud.yaml or as --previous, without opening it', async () => {
    // Prepare
    const dir = fixture({ 'apps.yaml': APPS });
    const cloud = withFifo(dir, 'kubeseg-cloud.yaml');
    const previous = withFifo(fixture({}), 'report.json');

    // Act
    const withCloud = await run('scan', dir);
    const withPrevious = await run('scan', '--previous', previous, join(dir, 'apps.yaml'));

    // Assess
    expect(withCloud.code).toBe(2);
    expect(withCloud.stderr).toBe(`error: ${cloud}: a FIFO (named pipe), not a regular file: not read\n`);
    expect(withPrevious.code).toBe(2);
    expect(withPrevious.stderr).toBe(`error: --previous ${previous}: a FIFO (named pipe), not a regular file: not read\n`);
  });
});

describe('paths given twice', () => {
  it('reads a file given twice, or given beside its directory, once', async () => {
    // Prepare
    const dir = fixture({ 'apps.yaml': APPS });

    // Act
    const r = await run('connectivity', join(dir, 'apps.yaml'), dir, join(dir, 'apps.yaml'));

    // Assess
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('already exists');
    expect(r.stdout).toContain('shop/web[Deployment]');
  });
});

describe('--out', () => {
  it('refuses an existing file before any analysis: exit 2, one line, nothing on stdout', async () => {
    // Prepare
    const dir = fixture({ 'apps.yaml': APPS, 'taken': 'x' });

    // Act
    const r = await run('scan', '--out', join(dir, 'taken'), join(dir, 'apps.yaml'));

    // Assess
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: --out ${join(dir, 'taken')}: exists and is not a directory\n`);
  });

  it.each(['scan', 'demo'])('%s refuses a folder that cannot be created (under a regular file)', async (command) => {
    // Prepare
    const dir = fixture({ 'apps.yaml': APPS, 'taken': 'x' });
    const out = join(dir, 'taken', 'reports');

    // Act
    const r = await run(command, '--out', out, ...(command === 'scan' ? [join(dir, 'apps.yaml')] : []));

    // Assess
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`error: --out ${out}: cannot be created: a part of the path is not a directory\n`);
  });

  it('writes no report file when the run exits 2', async () => {
    // Prepare
    const dir = fixture({ 'apps.yaml': docs(APPS, BAD_POLICY) });
    const out = join(fixture({}), 'reports');

    // Act
    const r = await run('scan', '--out', out, dir);

    // Assess
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: .*apps\.yaml#3: NetworkPolicy shop\/broken: spec\.ingress\[0\]\.from\[0\]\.ipBlock\.cidr: /m);
    expect(existsSync(out) ? readdirSync(out, { recursive: true }) : []).toEqual([]);
  });

  it('still writes into an existing folder', async () => {
    // Prepare
    const dir = fixture({ 'apps.yaml': APPS });
    const out = fixture({});
    writeFileSync(join(out, 'other.txt'), 'kept');

    // Act
    const r = await run('scan', '--format', 'json', '--out', out, dir);

    // Assess
    expect(r.code).toBe(0);
    expect(readdirSync(out)).toHaveLength(2);
  });
});
