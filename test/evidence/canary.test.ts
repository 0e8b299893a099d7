/**
 * CANARY test: manifests plant unique secret values wherever Kubernetes objects carry values
 * (environment variables, ConfigMaps, Secrets, the last-applied-configuration annotation, container
 * commands and arguments), the whole pipeline runs, and none of the values may appear in anything
 * kubeseg produces: the evidence snapshot, the JSON report, the text summary, the findings CSV, and
 * what `kubeseg scan` prints in every format. The names of the keys must still appear where checks
 * report them, so that the test is not vacuous.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import type { Io } from '../../lib/cli/io.js';
import { main } from '../../lib/cli/main.js';
import { SCAN_FORMATS } from '../../lib/cli/scanFormats.js';
import { DiagnosticList, formatDiagnostic } from '../../lib/core/diagnostics.js';
import type { EvidenceSnapshot } from '../../lib/core/evidence/snapshot.js';
import { fail } from '../../lib/core/findings/finding.js';
import { assessCluster } from '../../lib/core/report/assessCluster.js';
import { formatFindingsCsv } from '../../lib/core/report/findingsCsv.js';
import { buildJsonReport, type JsonReport } from '../../lib/core/report/jsonReport.js';
import { formatTextSummary } from '../../lib/core/report/textSummary.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';
import type { Technique } from '../../lib/core/techniques/types.js';
import { requireCommand } from '../helpers/tools.js';

/** `KUBESEG-CANARY-<constant>-n`: a value that cannot occur in kubeseg's output by chance. */
const execFileAsync = promisify(execFile);

const canary = (n: number): string => `KUBESEG-CANARY-q7XfR2vLw9Tz-${n}`;
const base64 = (text: string): string => Buffer.from(text).toString('base64');

type Json = Record<string, unknown>;

/** The values a container holds: literal env values (credential-like and innocuous names), command, args. */
function container(name: string, first: number): Json {
  return {
    name,
    image: 'registry.example.com/shop/cart:1.4.2',
    command: ['/bin/cart', '--token', canary(first)],
    args: [`--db-password=${canary(first + 1)}`, canary(first + 2), '--port=8080', '--verbose'],
    ports: [{ name: 'http', containerPort: 8080 }],
    env: [
      { name: 'DB_PASSWORD', value: canary(first + 3) },
      { name: 'GREETING', value: canary(first + 4) },
      { name: 'STRIPE_API_KEY', valueFrom: { secretKeyRef: { name: 'stripe', key: 'api-key' } } },
    ],
  };
}

/** An object with the annotation `kubectl apply` writes: the whole object, values included. */
function applied<T extends Json>(object: T): T {
  const metadata = (object.metadata ?? {}) as Json;
  const annotations = { ...(metadata.annotations as Json | undefined), 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(object) };
  return { ...object, metadata: { ...metadata, annotations } };
}

const deployment = applied({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name: 'cart', namespace: 'shop', annotations: { 'example.com/owner': 'team-shop' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'cart' } },
    template: {
      metadata: { labels: { app: 'cart' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `{"value":"${canary(1)}"}` } },
      spec: { initContainers: [container('migrate', 10)], containers: [container('cart', 20)] },
    },
  },
});

const cronJob = {
  apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly-report', namespace: 'shop' },
  spec: {
    schedule: '0 3 * * *',
    jobTemplate: { spec: { template: { metadata: { labels: { app: 'nightly-report' } }, spec: { restartPolicy: 'Never', containers: [container('report', 30)] } } } },
  },
};

const pod = {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: 'shop', labels: { app: 'debug' } },
  spec: { containers: [container('debug', 40)] },
};

const configMap = applied({
  apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cart-config', namespace: 'shop' },
  data: { api_token: canary(50), welcome_text: canary(51), 'db.password': canary(52) },
  binaryData: { 'blob.bin': base64(canary(53)) },
});

const secret = applied({
  apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 'cart-db', namespace: 'shop' },
  data: { 'db-password': base64(canary(60)) },
  stringData: { 'db-username': canary(61) },
});

/** The rest of a cluster, so that every technique has something to assess. */
const platform: Json[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'ip-10-0-1-5' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.1.5' }] } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'shop' } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'view' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
  {
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'cart-view', namespace: 'shop' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
    subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'shop' }],
  },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cart', namespace: 'shop' }, spec: { selector: { app: 'cart' }, ports: [{ port: 80, targetPort: 'http' }] } },
];

const CLOUD = {
  cluster: { name: 'canary', account: '123456789012', region: 'eu-west-1' },
  apiServer: { endpoint: 'https://ABCDEF.gr7.eu-west-1.eks.amazonaws.com', endpointPublicAccess: true, endpointPrivateAccess: true, publicAccessCidrs: ['0.0.0.0/0'] },
  vpcCni: { version: 'v1.19.0', enableNetworkPolicy: true },
  nodeGroups: [{ name: 'default', httpTokens: 'optional', httpPutResponseHopLimit: 2 }],
};

/** Every planted value, decoded and as written (base64). */
const CANARIES: readonly string[] = (() => {
  const numbers = [1, 50, 51, 52, 53, 60, 61, ...[10, 20, 30, 40].flatMap((n) => [n, n + 1, n + 2, n + 3, n + 4])];
  return [...numbers.map(canary), base64(canary(53)), base64(canary(60))];
})();

/** Names that survive sanitising: environment variable names and ConfigMap keys. */
const KEY_NAMES = ['DB_PASSWORD', 'GREETING', 'STRIPE_API_KEY', 'api_token', 'welcome_text', 'db.password', 'blob.bin'];

/** The canaries that occur in a text (none, hopefully). */
function leaked(text: string): string[] {
  return CANARIES.filter((c) => text.includes(c));
}

/**
 * A technique that reports every object of the snapshot in full (message, evidence, remediation):
 * whatever a careless check could print. If it leaks nothing, no check can.
 */
const EVERYTHING_PROBE: Technique = {
  meta: {
    id: 'KUBESEG-LEAK-PROBE', name: 'Leak probe', tactics: ['Discovery'], mitreAttack: [], mitigations: [], severity: 'critical', weight: 1,
    segmentationMitigates: false, formerNames: [], evidence: ['workloads'], description: 'prints every object of the snapshot in full',
  },
  checks: [(ctx) => ctx.snapshot.objects.map((o) => {
    const text = JSON.stringify(o);
    return fail('everything', { kind: o.kind, namespace: o.metadata.namespace ?? null, name: o.metadata.name }, text, [text], { text, yaml: stringify(o) });
  })],
};

let dir = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeseg-canary-'));
  const files: Record<string, readonly Json[]> = {
    'platform.yaml': platform, 'workloads.yaml': [deployment, cronJob, pod], 'config.yaml': [configMap, secret],
  };
  for (const [name, objects] of Object.entries(files)) writeFileSync(join(dir, name), objects.map((o) => stringify(o)).join('---\n'));
  writeFileSync(join(dir, 'kubeseg-cloud.yaml'), stringify(CLOUD));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function loadSnapshot(): Promise<EvidenceSnapshot> {
  const diagnostics = new DiagnosticList();
  const snapshots = await loadSnapshots([dir], 'manifests', diagnostics);
  expect(diagnostics.all.filter((d) => d.severity === 'fatal').map(formatDiagnostic)).toEqual([]);
  expect(snapshots).toHaveLength(1);
  return snapshots[0]!;
}

function reportOf(snapshot: EvidenceSnapshot, techniques: readonly Technique[]): JsonReport {
  return buildJsonReport([assessCluster(snapshot, techniques)], { generatedAt: '2026-11-26T12:00:00.000Z', version: '0.1.0' });
}

/** `kubeseg scan --format <format> --out <tmp>`: what it printed, and the text of every report file it wrote. */
async function scan(format: string): Promise<{ stdout: string; stderr: string; code: number; files: Map<string, string> }> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const io: Io = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, exitCode: (c) => { code = c; } };
  const out = mkdtempSync(join(tmpdir(), 'kubeseg-canary-out-'));
  try {
    await main(['scan', dir, '--format', format, '--out', out], io);
    const [folder] = readdirSync(out);
    const files = new Map<string, string>();
    for (const name of readdirSync(join(out, folder!))) {
      const path = join(out, folder!, name);
      // A PDF's text sits in compressed streams: read it as poppler extracts it.
      files.set(name, name.endsWith('.pdf') ? (await execFileAsync(requireCommand('pdftotext'), [path, '-'])).stdout : readFileSync(path, 'utf8'));
    }
    return { stdout, stderr, code, files };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

describe('canary: no planted secret value leaves the pipeline', () => {
  it('plants every canary in the manifest files, as text or base64 (the test would otherwise prove nothing)', () => {
    // Prepare
    const input = ['platform.yaml', 'workloads.yaml', 'config.yaml'].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');

    // Assess
    expect(CANARIES.filter((c) => !input.includes(c) && !input.includes(base64(c)))).toEqual([]);
  });

  it('keeps no canary in the evidence snapshot, but keeps the key names', async () => {
    // Act
    const snapshot = await loadSnapshot();
    const json = JSON.stringify(snapshot);

    // Assess
    expect(leaked(json)).toEqual([]);
    for (const key of KEY_NAMES) expect(json).toContain(`"${key}"`);
    expect(snapshot.objects.filter((o) => o.kind === 'Secret')).toEqual([]); // no check reads one, so none is kept
    expect(snapshot.objects.find((o) => o.kind === 'ConfigMap')).toMatchObject({
      dataKeys: ['api_token', 'blob.bin', 'db.password', 'welcome_text'], credentialKeys: ['api_token', 'db.password'],
    });
    expect(json).not.toContain('kubectl.kubernetes.io/last-applied-configuration');
  });

  it('keeps no canary in the JSON report, text summary or findings CSV of the full catalog', async () => {
    // Prepare
    const snapshot = await loadSnapshot();

    // Act
    const report = reportOf(snapshot, TECHNIQUES);
    const outputs = [JSON.stringify(report), formatTextSummary(report, { color: false }), formatTextSummary(report, { color: true }), formatFindingsCsv(report)];

    // Assess
    expect(report.clusters[0]!.findings.length).toBeGreaterThan(0);
    for (const output of outputs) expect(leaked(output)).toEqual([]);
  });

  it('keeps no canary even when a check prints every object of the snapshot, which names every key', async () => {
    // Prepare
    const snapshot = await loadSnapshot();

    // Act
    const report = reportOf(snapshot, [...TECHNIQUES, EVERYTHING_PROBE]);
    const json = JSON.stringify(report);
    const csv = formatFindingsCsv(report);
    const text = formatTextSummary(report, { color: false });

    // Assess
    for (const output of [json, csv, text]) expect(leaked(output)).toEqual([]);
    for (const key of KEY_NAMES) {
      expect(json).toContain(key);
      expect(csv).toContain(key);
    }
    expect(text).toContain('Leak probe');
  });

  it.each(SCAN_FORMATS)('prints no canary with `kubeseg scan --format %s --out DIR`, on stdout, stderr or in any report file', { tags: ['poppler'], timeout: 60_000 }, async (format) => {
    // Act
    const { stdout, stderr, code, files } = await scan(format);

    // Assess
    expect(stdout.length).toBeGreaterThan(0);
    expect([0, 1, 3]).toContain(code);
    expect(leaked(stdout)).toEqual([]);
    expect(leaked(stderr)).toEqual([]);
    expect([...files.keys()].sort()).toEqual(['findings.csv', 'remediation.yaml', 'report.html', 'report.json', 'report.pdf']);
    for (const [name, text] of files) {
      expect({ name, leaked: leaked(text) }).toEqual({ name, leaked: [] });
      expect({ name, named: text.includes('canary') }).toEqual({ name, named: true });
    }
  });

  const credentialsTechnique = TECHNIQUES.find((t) => t.meta.id === 'MS-TA9027');

  it.runIf(credentialsTechnique)('names the credential-like keys, never their values, in the findings of Application credentials in configuration files', async () => {
    // Prepare
    const snapshot = await loadSnapshot();

    // Act
    const report = reportOf(snapshot, [credentialsTechnique!]);
    const text = report.clusters[0]!.findings.flatMap((f) => [f.message, ...f.evidence, f.remediation?.text ?? '', f.remediation?.yaml ?? '']).join('\n');

    // Assess
    expect(text).toContain('DB_PASSWORD');
    expect(text).toContain('api_token');
    expect(leaked(text)).toEqual([]);
  });

  it.runIf(credentialsTechnique).each(['json', 'csv'])('names the credential-like keys in the output of `kubeseg scan --format %s`', { tags: ['poppler'] }, async (format) => {
    // Act
    const { stdout } = await scan(format);

    // Assess
    expect(stdout).toContain('DB_PASSWORD');
    expect(stdout).toContain('api_token');
    expect(leaked(stdout)).toEqual([]);
  });
});
