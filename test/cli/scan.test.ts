/**
 * `kubeseg scan` and `kubeseg demo` through `main()` with a fake Io: the three formats, and the exit
 * codes of DESIGN §3.1 (0 done, 1 below --fail-below, 2 usage or input error, 3 partial).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { CLOUD_FILE_NAME } from '../../lib/core/evidence/buildSnapshot.js';
import { FINDINGS_CSV_HEADER } from '../../lib/core/report/findingsCsv.js';
import { reportSchema, type JsonReport } from '../../lib/core/report/jsonReport.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';
import { fixture, run } from '../helpers/cli.js';
import { deployment, docs, namespace } from '../helpers/analyzeYaml.js';


const NODE = `apiVersion: v1
kind: Node
metadata:
  name: ip-10-0-1-5
status:
  addresses:
  - type: InternalIP
    address: 10.0.1.5`;

/** A small cluster with no NetworkPolicies: its workloads reach the metadata API, so it scores below 100. */
const APPS = docs(namespace('shop'), deployment('shop', 'web', { app: 'web' }, [{ name: 'http', port: 8080 }]),
  deployment('shop', 'api', { app: 'api' }, [{ port: 9000 }]), NODE);

const cloud = (name: string, extra = ''): string => `cluster:
  name: ${name}
  account: "123456789012"
  region: eu-west-1
vpcCni:
  enableNetworkPolicy: true
${extra}`;

/** A fleet directory: one subdirectory per cluster, each with its kubeseg-cloud.yaml. */
function fleet(extraForBeta = ''): string {
  return fixture({
    'alpha/apps.yaml': APPS, [`alpha/${CLOUD_FILE_NAME}`]: cloud('alpha'),
    'beta/apps.yaml': APPS, [`beta/${CLOUD_FILE_NAME}`]: cloud('beta', extraForBeta),
  });
}

const BAD_POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: broken
  namespace: shop
spec:
  podSelector: {}
  ingress:
  - from:
    - ipBlock:
        cidr: 10.0.0.0/33`;

function parseReport(stdout: string): JsonReport {
  return reportSchema.parse(JSON.parse(stdout));
}

describe('kubeseg scan', () => {
  it('prints a text summary naming every cluster and every technique', async () => {
    // Prepare
    const dir = fleet();

    // Act
    const { stdout, stderr, code } = await run('scan', dir);

    // Assess
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Fleet: score \d+ \([A-F]\), coverage \d+%, 2 clusters/);
    expect(stdout).toContain('alpha (123456789012 eu-west-1)');
    expect(stdout).toContain('beta (123456789012 eu-west-1)');
    for (const t of TECHNIQUES) expect(stdout).toContain(`${t.meta.id} ${t.meta.name}`);
    expect(stdout).not.toContain('\u001b['); // no colour when not on a terminal
  });

  it('prints the JSON report, schema version 1, with `--format json`', async () => {
    // Prepare
    const dir = fleet();

    // Act
    const { stdout, code } = await run('scan', dir, '--format', 'json');
    const report = parseReport(stdout);

    // Assess
    expect(code).toBe(0);
    expect(report.schemaVersion).toBe(1);
    expect(report.tool).toEqual({ name: 'kubeseg', version: '0.1.0' });
    expect(report.fleet.clusters).toBe(2);
    expect(report.clusters.map((c) => [c.name, c.source, c.status])).toEqual([['alpha', 'manifests', 'assessed'], ['beta', 'manifests', 'assessed']]);
    for (const c of report.clusters) expect(c.techniques.map((t) => t.id)).toEqual(TECHNIQUES.map((t) => t.meta.id));
    expect(Date.parse(report.generatedAt)).not.toBeNaN();
  });

  it('accepts `-f json` and treats the given paths as one cluster named after the first', async () => {
    // Prepare
    const dir = fixture({ 'shop/apps.yaml': APPS });

    // Act
    const { stdout, code } = await run('scan', join(dir, 'shop'), '-f', 'json');

    // Assess
    expect(code).toBe(0);
    expect(parseReport(stdout).clusters.map((c) => c.name)).toEqual(['shop']);
  });

  it('prints the self-contained HTML report with `--format html`', async () => {
    // Act
    const { stdout, code } = await run('scan', fleet(), '--format', 'html');

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/^<!DOCTYPE html>/i);
    expect(stdout).toContain('alpha');
    expect(stdout).not.toMatch(/<script|<link|src="https?:/i);
  });

  it('refuses `--format pdf` without --out (a PDF is a file): exit 2', async () => {
    // Act
    const { stdout, stderr, code } = await run('scan', fleet(), '--format', 'pdf');

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('--out DIR');
  });

  it('keeps a JSON stdout clean with --out: the paths of the written files go to stderr', async () => {
    // Act
    const { stdout, stderr, code } = await run('scan', fleet(), '--format', 'json', '--out', fixture({}));

    // Assess
    expect(code).toBe(0);
    expect(parseReport(stdout).clusters).toHaveLength(2);
    expect(stderr).toMatch(/Reports written:\n {2}\/.*report\.html\n/);
  });

  it('prints the findings CSV, header first, with `--format csv`', async () => {
    // Prepare
    const dir = fleet();

    // Act
    const { stdout, code } = await run('scan', dir, '--format', 'csv');
    const lines = stdout.trimEnd().split(/\r?\n/);

    // Assess
    expect(code).toBe(0);
    expect(lines[0]).toBe(FINDINGS_CSV_HEADER.join(','));
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => l.startsWith('alpha,') || l.startsWith('beta,'))).toBe(true);
  });

  it('exits 1 when the fleet score is below --fail-below, and 0 when it is not', async () => {
    // Prepare
    const dir = fleet();
    const score = parseReport((await run('scan', dir, '--format', 'json')).stdout).fleet.score!;
    expect(score).toBeLessThan(100);

    // Act
    const below = await run('scan', dir, '--fail-below', String(score + 1));
    const at = await run('scan', dir, '--fail-below', String(score));

    // Assess
    expect(below.code).toBe(1);
    expect(below.stdout).toContain('Fleet: score');
    expect(at.code).toBe(0);
  });

  it('shows what changed since the --previous JSON report: score deltas and failing findings new, resolved, unchanged', async () => {
    // Prepare: the previous run saw alpha as it is, and a cluster that is gone
    const dir = fleet();
    const same = parseReport((await run('scan', dir, '--format', 'json')).stdout);
    const gone = { ...same.clusters[1]!, name: 'gamma' };
    const previous = fixture({ 'previous.json': JSON.stringify({ ...same, clusters: [same.clusters[0], gone] }) });

    // Act
    const { stdout, code } = await run('scan', dir, '--previous', join(previous, 'previous.json'));

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/Fleet: score \d+ \([A-F]\) \(0 since \d{4}-\d{2}-\d{2}\), coverage/);
    expect(stdout).toMatch(/Since the previous run: score \(0\); failing findings 0 new, 0 resolved, [1-9]\d* unchanged/);
    expect(stdout).toContain('Not in the previous run.');
    expect(stdout).toMatch(/gamma: in the previous run \([1-9]\d* failing findings\), not in this one/);
  });

  it('refuses a --previous file that is not a kubeseg report: exit 2, the file named, none of its content', async () => {
    // Prepare
    const dir = fleet();
    const previous = fixture({ 'previous.json': JSON.stringify({ schemaVersion: 1, secret: 'hunter2-previous' }) });

    // Act
    const { stdout, stderr, code } = await run('scan', dir, '--previous', join(previous, 'previous.json'));

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('previous.json: not a kubeseg report of schema 1');
    expect(stderr).not.toContain('hunter2');
  });

  it('exits 1 with --fail-below 100 on a cluster that is not perfect', async () => {
    // Act
    const { code } = await run('scan', fleet(), '--fail-below', '100');

    // Assess
    expect(code).toBe(1);
  });

  it('rejects --fail-below 101 as a usage error: exit 2, the reason on stderr, nothing on stdout', async () => {
    // Act
    const { stdout, stderr, code } = await run('scan', fleet(), '--fail-below', '101');

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("argument '101' is invalid. It takes a whole number from 0 to 100.");
  });

  it.each(['-1', '50.5', 'abc'])('rejects --fail-below %s as a usage error', async (value) => {
    // Act
    const { code, stdout } = await run('scan', fleet(), '--fail-below', value);

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });

  it('reports a bad --fail-below as a one-line usage error, without a stack trace', async () => {
    // Act
    const { stderr } = await run('scan', fleet(), '--fail-below', '101');

    // Assess
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(stderr).toMatch(/^error: option '--fail-below <score>' argument '101' is invalid/);
  });

  it('exits 2 and names the policy on stderr when a NetworkPolicy is invalid', async () => {
    // Prepare
    const dir = fixture({ 'apps.yaml': APPS, 'policy.yaml': BAD_POLICY });

    // Act
    const { stderr, code } = await run('scan', dir);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: /m);
    expect(stderr).toContain('NetworkPolicy shop/broken');
    expect(stderr).toContain('invalid CIDR address: 10.0.0.0/33');
  });

  it('exits 2 with --fail-below too when a NetworkPolicy is invalid: an input error wins', async () => {
    // Prepare
    const dir = fixture({ 'apps.yaml': APPS, 'policy.yaml': BAD_POLICY });

    // Act
    const { code } = await run('scan', dir, '--fail-below', '100');

    // Assess
    expect(code).toBe(2);
  });

  it('exits 3 (partial) when a cluster of the fleet records a forbidden collection step', async () => {
    // Prepare
    const dir = fleet('collection:\n- step: rbac\n  status: forbidden\n  detail: "403 Forbidden: list clusterrolebindings.rbac.authorization.k8s.io"\n');

    // Act
    const text = await run('scan', dir);
    const json = await run('scan', dir, '--format', 'json');
    const report = parseReport(json.stdout);

    // Assess
    expect(text.code).toBe(3);
    expect(text.stdout).toContain('! rbac (forbidden): RBAC objects could not be read (403 Forbidden: list clusterrolebindings.rbac.authorization.k8s.io)');
    expect(json.code).toBe(3);
    expect(report.clusters.map((c) => [c.name, c.status])).toEqual([['alpha', 'assessed'], ['beta', 'partial']]);
    expect(report.clusters[1]!.collection).toContainEqual({ step: 'rbac', status: 'forbidden', detail: '403 Forbidden: list clusterrolebindings.rbac.authorization.k8s.io' });
  });

  it('exits 1 rather than 3 when a partial fleet is also below --fail-below', async () => {
    // Prepare
    const dir = fleet('collection:\n- step: rbac\n  status: forbidden\n');

    // Act
    const { code } = await run('scan', dir, '--fail-below', '100');

    // Assess
    expect(code).toBe(1);
  });

  it('exits 2 on an unknown format, listing the allowed ones', async () => {
    // Act
    const { stdout, stderr, code } = await run('scan', fleet(), '--format', 'xml');

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain("argument 'xml' is invalid. Allowed choices are text, txt, json, csv, html, pdf.");
  });

  it('exits 2 when a path does not exist', async () => {
    // Act
    const { stdout, stderr, code } = await run('scan', join(tmpdir(), 'kubeseg-no-such-dir-3f9c'));

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('no such file or directory');
  });

  it('exits 2 without a path', async () => {
    // Act
    const { stdout, code } = await run('scan');

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });
});

describe('kubeseg demo', () => {
  /** The demo fleet's clusters: its subdirectories holding a kubeseg-cloud.yaml. */
  const demoClusters = readdirSync(DEMO_FLEET, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(DEMO_FLEET, e.name, CLOUD_FILE_NAME)))
    .map((e) => e.name);

  it('holds the four clusters of demo/README.md', () => {
    expect(demoClusters).toEqual(['data-lab', 'legacy-batch', 'payments-prod', 'shop-staging']);
  });

  it('prints a text summary naming every demo cluster and every technique', async () => {
    // Act
    const { stdout } = await run('demo', '--out', fixture({}));

    // Assess
    expect(stdout).toMatch(new RegExp(`^Fleet: score .*, ${demoClusters.length} clusters?\\n`));
    for (const name of demoClusters) expect(stdout).toMatch(new RegExp(`^${name}( \\(.*\\))? — `, 'm'));
    for (const t of TECHNIQUES) expect(stdout).toContain(`${t.meta.id} ${t.meta.name}`);
  });

  it('prints the JSON report of the demo fleet with `--format json`, every cluster from the demo source', async () => {
    // Act
    const { stdout } = await run('demo', '--format', 'json', '--out', fixture({}));
    const report = parseReport(stdout);

    // Assess
    expect(report.schemaVersion).toBe(1);
    expect(report.clusters).toHaveLength(demoClusters.length);
    expect(report.clusters.every((c) => c.source === 'demo')).toBe(true);
    expect(report.fleet.clusters).toBe(demoClusters.length);
  });

  it('prints the findings CSV of the demo fleet with `--format csv`', async () => {
    // Act
    const { stdout } = await run('demo', '--format', 'csv', '--out', fixture({}));

    // Assess
    expect(stdout.split(/\r?\n/)[0]).toBe(FINDINGS_CSV_HEADER.join(','));
  });

  it('writes report.html, report.pdf, report.json, findings.csv and a remediation bundle per cluster with something to fix into <out>/<timestamp>/ and prints their paths', async () => {
    // Prepare
    const out = fixture({});

    // Act
    const { stdout, code } = await run('demo', '--out', out);

    // Assess
    expect(code).toBe(0);
    const paths = [...stdout.matchAll(/^ {2}(\/.*)$/gm)].map((m) => m[1]!);
    expect(paths.map((p) => p.split('/').pop())).toEqual([
      'report.html', 'report.pdf', 'report.json', 'findings.csv',
      ...demoClusters.filter((c) => c !== 'payments-prod').map((c) => `remediation-${c}.yaml`),
    ]);
    const bundle = readFileSync(paths[4]!, 'utf8');
    expect(bundle).toContain(`kubectl apply -f remediation-${demoClusters[0]}.yaml`);
    // payments-prod has nothing to fix: no bundle, and its report section links to none
    expect(readFileSync(paths[0]!, 'utf8').match(/href="remediation-[^"]+"/g)).toHaveLength(demoClusters.length - 1);
    const folder = readdirSync(out);
    expect(folder).toHaveLength(1);
    expect(folder[0]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}Z$/);
    expect(readFileSync(paths[0]!, 'utf8')).toContain('payments-prod');
    expect(readFileSync(paths[1]!).subarray(0, 5).toString()).toBe('%PDF-');
    expect(parseReport(readFileSync(paths[2]!, 'utf8')).clusters).toHaveLength(demoClusters.length);
    expect(readFileSync(paths[3]!, 'utf8').split(/\r?\n/)[0]).toBe(FINDINGS_CSV_HEADER.join(','));
  });

  it('exits 2 on an unknown format', async () => {
    // Act
    const { stdout, code } = await run('demo', '--format', 'yaml');

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
  });
});
