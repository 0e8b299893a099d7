import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../lib/cli/main.js';
import { fixture, run } from '../helpers/cli.js';
import { deployment, docs } from '../helpers/analyzeYaml.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');


const APPS = docs(deployment('ns', 'a', { app: 'a' }), deployment('ns', 'b', { app: 'b' }));
const POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: b-from-a
  namespace: ns
spec:
  podSelector:
    matchLabels:
      app: b
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: a
    ports:
    - port: 80`;
const EXPECTED_TXT = `0.0.0.0-255.255.255.255[External] => ns/a[Deployment] : All Connections
ns/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections
ns/a[Deployment] => ns/b[Deployment] : TCP 80
ns/b[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections
ns/b[Deployment] => ns/a[Deployment] : All Connections
`;

describe('kubeseg connectivity', () => {
  it('prints the connection list and exits 0, reading directories recursively', async () => {
    // Prepare: the policy sits in a subdirectory; a README is not a manifest
    const dir = fixture({ 'apps.yaml': APPS, 'policies/np.yml': POLICY, 'README.md': '# not yaml: [' });

    // Act
    const r = await run('connectivity', dir);

    // Assess
    expect(r).toEqual({ stdout: EXPECTED_TXT, stderr: '', code: 0 });
  });

  it('accepts files and directories together', async () => {
    // Prepare
    const apps = fixture({ 'apps.yaml': APPS });
    const policies = fixture({ 'np.json': JSON.stringify({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'b-from-a', namespace: 'ns' },
      spec: { podSelector: { matchLabels: { app: 'b' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'a' } } }], ports: [{ port: 80 }] }] },
    }) });

    // Act
    const r = await run('connectivity', join(apps, 'apps.yaml'), policies);

    // Assess
    expect(r).toEqual({ stdout: EXPECTED_TXT, stderr: '', code: 0 });
  });

  it('prints json with --format json', async () => {
    // Prepare
    const dir = fixture({ 'apps.yaml': APPS, 'np.yaml': POLICY });

    // Act
    const r = await run('connectivity', '--format', 'json', dir);

    // Assess
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const parsed = JSON.parse(r.stdout) as { src: string; dst: string; conn: string }[];
    expect(parsed.map((c) => `${c.src} => ${c.dst} : ${c.conn}\n`).join('')).toBe(EXPECTED_TXT);
  });

  it('reports warnings on stderr only and still prints the result', async () => {
    // Prepare
    const dir = fixture({ 'apps.yaml': docs(APPS, 'kind: Deployment\nmetadata:\n  name: @bad'), 'np.yaml': POLICY });

    // Act
    const r = await run('connectivity', dir);

    // Assess
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(EXPECTED_TXT);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^warning: .*apps\.yaml#3: cannot parse document/);
  });

  it('exits 2 on a fatal input error, with the message on stderr and nothing on stdout', async () => {
    // Prepare
    const dir = fixture({ 'apps.yaml': APPS, 'np.yaml': POLICY.replace('- port: 80', '- port: 80\n      endPort: 10') });

    // Act
    const r = await run('connectivity', dir);

    // Assess
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`error: ${join(dir, 'np.yaml')}: NetworkPolicy ns/b-from-a: spec.ingress[0].ports[0].endPort`);
  });

  it('exits 2 when a path does not exist', async () => {
    // Prepare
    const dir = fixture({ 'apps.yaml': APPS });

    // Act
    const r = await run('connectivity', dir, join(dir, 'missing'));

    // Assess
    expect(r).toEqual({ stdout: '', stderr: `error: cannot read "${join(dir, 'missing')}": no such file or directory\n`, code: 2 });
  });

  it('exits 2 when a directory holds no manifest files', async () => {
    // Prepare
    const dir = fixture({ 'notes.txt': 'hello' });

    // Act
    const r = await run('connectivity', dir);

    // Assess
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('recognized file extensions are');
  });

  it('exits 2 when nothing readable was found but there were read errors', async () => {
    // Prepare
    const dir = fixture({ 'only.yaml': 'apiVersion: v1\nmetadata:\n  name: no-kind' });

    // Act
    const r = await run('connectivity', dir);

    // Assess
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("Object 'Kind' is missing");
    expect(r.stderr).toContain('error: ');
  });

  it('exits 0 with empty output and two warnings for an empty manifest', async () => {
    // Prepare
    const dir = fixture({ 'empty.yaml': '' });

    // Act
    const r = await run('connectivity', dir);

    // Assess
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    const warnings = r.stderr.trimEnd().split('\n');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('warning: no relevant Kubernetes workload resources found');
    expect(warnings[1]).toContain('warning: no relevant Kubernetes network policy resources found');
  });

  it('treats an unknown format as a usage error', async () => {
    // Prepare
    const dir = fixture({ 'apps.yaml': APPS });

    // Act
    const r = await run('connectivity', '--format', 'xml', dir);

    // Assess
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("argument 'xml' is invalid. Allowed choices are txt, text, json, csv, md, dot.");
  });

  it('treats an unknown command and a missing path as usage errors', async () => {
    // Prepare / Act
    const unknown = await run('conectivity', '.');
    const noPath = await run('connectivity');

    // Assess
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'conectivity'");
    expect(noPath.code).toBe(2);
    expect(noPath.stderr).toContain("missing required argument 'path'");
    expect(unknown.stdout + noPath.stdout).toBe('');
  });
});

describe('kubeseg --help', () => {
  it('lists the usage and options of every subcommand and exits 0', async () => {
    // Prepare
    const commands = buildProgram({ stdout: () => {}, stderr: () => {}, exitCode: () => {} }).commands;

    // Act
    const r = await run('--help');

    // Assess
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(commands.map((c) => c.name())).toContain('connectivity');
    for (const c of commands) {
      expect(r.stdout).toContain(`  kubeseg ${c.name()} ${c.usage()}\n`);
      for (const o of c.options) expect(r.stdout).toContain(o.flags);
    }
    expect(r.stdout).toContain('kubeseg connectivity [options] <path...>');
    expect(r.stdout).toContain('-f, --format <format>    output format (txt|text|json|csv|md|dot)');
  });

  it('works as a real process through bin/kubeseg', async () => {
    // Prepare
    const exec = promisify(execFile);

    // Act
    const { stdout, stderr } = await exec(join(ROOT, 'bin/kubeseg'), ['--help'], { cwd: ROOT });

    // Assess: execFile rejects on a non-zero exit, so reaching here means exit 0
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: kubeseg \[options\] \[command\]/);
    expect(stdout).toContain('kubeseg connectivity [options] <path...>');
  });
});
