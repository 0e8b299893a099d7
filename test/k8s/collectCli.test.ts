/**
 * `kubeseg collect --snapshot DIR`, `scan --snapshot DIR` and `scan --context` against the fake
 * API server, through a kubeconfig file in a temp dir. Then the CANARY: secret values planted in
 * Secrets, ConfigMaps, env and the last-applied annotation never appear in a snapshot file, the
 * index or any report.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readManifestFiles } from '../../lib/adapters/manifests/readManifestFiles.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { SCAN_FORMATS } from '../../lib/cli/scanFormats.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { CLOUD_FILE_NAME } from '../../lib/core/evidence/buildSnapshot.js';
import { run } from '../helpers/cli.js';
import { startFakeKubeApi, writeKubeconfig, type FakeKubeApi } from '../helpers/fakeKubeApi.js';

let dir: string;
let api: FakeKubeApi;
let kubeconfig: string;
let downUrl: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeseg-collect-'));
  const objects = await readManifestFiles([join(DEMO_FLEET, 'shop-staging')], new DiagnosticList(), [CLOUD_FILE_NAME]);
  api = await startFakeKubeApi({ objects: objects.map((o) => o.object) });
  const down = await startFakeKubeApi({ objects: [] });
  downUrl = down.url;
  await down.close();
  kubeconfig = writeKubeconfig(join(dir, 'kubeconfig'), [
    { context: 'shop', server: api.url, caPem: api.caPem, token: api.token },
    { context: 'arn:aws:eks:eu-west-1:123456789012:cluster/gone', server: downUrl, caPem: api.caPem, token: api.token },
  ]);
});
afterAll(async () => {
  await api.close();
  rmSync(dir, { recursive: true, force: true });
});

const readJson = (file: string): unknown => JSON.parse(readFileSync(file, 'utf8'));

describe('kubeseg collect and scan of live clusters', () => {
  it('collects one context into a snapshot directory and scans it: exit 0 both times', async () => {
    // Prepare
    const out = join(dir, 'one');
    // Act
    const collected = await run('collect', '--kubeconfig', kubeconfig, '--context', 'shop', '--snapshot', out);
    const scanned = await run('scan', '--snapshot', out, '--format', 'json');
    // Assess
    expect(collected.stderr).toMatch(/^shop: collected \(\d+ objects\)\n$/);
    expect(collected.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['index.json', 'shop.json']);
    expect(readJson(join(out, 'index.json'))).toMatchObject({ requested: ['shop'], clusters: [{ context: 'shop', file: 'shop.json', status: 'collected', problems: [] }] });
    expect(scanned.code).toBe(0);
    const report = JSON.parse(scanned.stdout) as { clusters: { name: string; source: string; status: string; findings: unknown[] }[] };
    expect(report.clusters).toHaveLength(1);
    expect(report.clusters[0]).toMatchObject({ name: 'shop', source: 'kubeconfig', status: 'assessed' });
    expect(report.clusters[0]!.findings.length).toBeGreaterThan(0);
  });

  it('lists an unreachable cluster in the index and the report, and exits 3', async () => {
    // Prepare
    const out = join(dir, 'all');
    // Act
    const collected = await run('collect', '--kubeconfig', kubeconfig, '--all-contexts', '--snapshot', out);
    const scanned = await run('scan', '--snapshot', out, '--format', 'json');
    // Assess
    expect(collected.code).toBe(3);
    expect(collected.stderr).toContain('arn:aws:eks:eu-west-1:123456789012:cluster/gone: unreachable: get /api: ');
    expect(collected.stderr).toContain('ECONNREFUSED');
    expect(readdirSync(out).sort()).toEqual(['arn_aws_eks_eu-west-1_123456789012_cluster_gone.json', 'index.json', 'shop.json']);
    const index = readJson(join(out, 'index.json')) as { requested: unknown; clusters: { context: string; status: string; problems: string[] }[] };
    expect(index.requested).toBe('all-contexts');
    expect(index.clusters[1]!.problems).toEqual([expect.stringMatching(/^api server: error: unreachable: get \/api: .*ECONNREFUSED/)]);
    expect(index.clusters.map((c) => [c.context, c.status])).toEqual([['shop', 'collected'], ['arn:aws:eks:eu-west-1:123456789012:cluster/gone', 'unreachable']]);
    expect(scanned.code).toBe(3);
    const report = JSON.parse(scanned.stdout) as { clusters: { name: string; status: string; score: number | null; blastRadius: number | null; whatIf?: unknown }[] };
    expect(report.clusters.map((c) => [c.name, c.status])).toEqual([['shop', 'assessed'], ['arn:aws:eks:eu-west-1:123456789012:cluster/gone', 'unreachable']]);
    // nothing is known of an unreachable cluster: no score, no blast radius, no what-if
    expect(report.clusters[1]).toMatchObject({ score: null, blastRadius: null, whatIf: null });
    // the text summary gives the reason once instead of a line per step and a table of unknowns
    const text = (await run('scan', '--snapshot', out)).stdout;
    const gone = text.slice(text.indexOf('arn:aws:eks:eu-west-1:123456789012:cluster/gone'));
    expect(gone.split('\n').slice(1, 3)).toEqual([
      expect.stringMatching(/^ {2}! api server could not be collected: unreachable: get \/api: .*ECONNREFUSED/), '  Nothing could be collected: every technique is unknown.',
    ]);
    expect(gone).not.toContain('Technique');
  });

  it('collects and scans in one go with --context, in any scan format', async () => {
    // Act
    const text = await run('scan', '--kubeconfig', kubeconfig, '--context', 'shop', '--format', 'csv');
    // Assess
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toContain('technique');
    expect(text.stderr).toMatch(/^shop: collected/);
  });

  it('refuses a scan with two sources, a collect without clusters, and a context the kubeconfig lacks: exit 2, one line', async () => {
    // Act
    const both = await run('scan', 'demo', '--snapshot', dir);
    const none = await run('collect', '--kubeconfig', kubeconfig, '--snapshot', join(dir, 'x'));
    const missing = await run('collect', '--kubeconfig', kubeconfig, '--context', 'nope', '--snapshot', join(dir, 'x'));
    // Assess
    expect([both.code, none.code, missing.code]).toEqual([2, 2, 2]);
    expect(both.stderr).toContain('scan one of: manifest paths, --snapshot DIR, or --context NAME... | --all-contexts');
    expect(none.stderr).toContain('name the clusters: --context NAME..., --all-contexts, or --config FLEET.yaml');
    expect(missing.stderr).toBe(`error: kubeconfig ${kubeconfig}: no context 'nope'\n`);
  });

  it('refuses a --snapshot that is a file, and a snapshot file that is not one: exit 2, one line', async () => {
    // Prepare
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'x.json'), JSON.stringify({ snapshotVersion: 1, cluster: { name: 'x' } }));
    // Act
    const collect = await run('collect', '--kubeconfig', kubeconfig, '--context', 'shop', '--snapshot', kubeconfig);
    const scan = await run('scan', '--snapshot', bad);
    // Assess
    expect(collect).toMatchObject({ code: 2, stdout: '', stderr: `error: --snapshot ${kubeconfig}: exists and is not a directory\n` });
    expect(scan.code).toBe(2);
    expect(scan.stderr).toMatch(/^error: .*x\.json: not a kubeseg snapshot: cluster\.source: .*\n$/);
  });
});

describe('CANARY: live collection', () => {
  const canary = (n: number): string => `KUBESEG-CANARY-k8sLive-${n}`;
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const deployment = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'cart', namespace: 'shop', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': canary(1) } },
    spec: {
      selector: { matchLabels: { app: 'cart' } },
      template: {
        metadata: { labels: { app: 'cart' } },
        spec: { containers: [{
          name: 'cart', image: 'cart:1', command: ['/cart', canary(2)], args: [`--db-password=${canary(3)}`],
          env: [{ name: 'DB_PASSWORD', value: canary(4) }, { name: 'GREETING', value: canary(5) }],
        }] },
      },
    },
  };
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    deployment,
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, type: 'Opaque', data: { password: b64(canary(6)), raw: canary(7) } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'shop' }, data: { 'db.password': canary(8), 'greeting.txt': canary(9) }, binaryData: { blob: b64(canary(10)) } },
  ];
  const values = Array.from({ length: 10 }, (_, i) => canary(i + 1));
  const leaks = (text: string): string[] => values.filter((v) => text.includes(v) || text.includes(b64(v)));

  it('writes no secret or config value into a snapshot, the index or any report', async () => {
    // Prepare
    const secretApi = await startFakeKubeApi({ objects });
    try {
      const config = writeKubeconfig(join(dir, 'canary-config'), [{ context: 'canary', server: secretApi.url, caPem: secretApi.caPem, token: secretApi.token }]);
      const out = join(dir, 'canary');
      const reports = join(dir, 'canary-reports');
      // Act
      const collected = await run('collect', '--kubeconfig', config, '--context', 'canary', '--snapshot', out);
      const scans = await Promise.all(SCAN_FORMATS.filter((f) => f !== 'pdf').map((format) => run('scan', '--snapshot', out, '--format', format)));
      const live = await run('scan', '--kubeconfig', config, '--context', 'canary', '--format', 'json', '--out', reports);
      // Assess
      const written = [out, ...readdirSync(reports).map((d) => join(reports, d))]
        .flatMap((d) => readdirSync(d).map((f) => readFileSync(join(d, f), 'utf8')));
      const printed = [collected, ...scans, live].flatMap((r) => [r.stdout, r.stderr]);
      expect(collected.code).toBe(0);
      expect(written.length).toBeGreaterThan(5);
      expect([...written, ...printed].flatMap(leaks)).toEqual([]);
      // Not vacuous: the key names are there, and the snapshot holds the ConfigMap. Secrets are never even listed.
      expect(secretApi.requests.filter((r) => r.includes('/secrets'))).toEqual([]);
      const snapshot = readFileSync(join(out, 'canary.json'), 'utf8');
      expect(snapshot).toContain('"dataKeys"');
      expect(snapshot).toContain('db.password');
      expect(snapshot).toContain('DB_PASSWORD');
    } finally {
      await secretApi.close();
    }
  });
});
