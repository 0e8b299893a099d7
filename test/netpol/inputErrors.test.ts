import { describe, expect, it } from 'vitest';
import { formatConnections } from '../../lib/core/netpol/format/formatConnections.js';
import { analyzeYaml, appPolicy, deployment, docs, messagesWith, namespace } from '../helpers/analyzeYaml.js';

const A = deployment('ns', 'a', { app: 'a' });
const B = deployment('ns', 'b', { app: 'b' });
const BOTH_WAYS = [
  'ns/a[Deployment] => ns/b[Deployment] : All Connections',
  'ns/b[Deployment] => ns/a[Deployment] : All Connections',
];

/** A NetworkPolicy np in ns selecting app=a, with the given spec lines. */
function np(spec: string, name = 'np'): string {
  return appPolicy(name, 'a', spec);
}

describe('unreadable documents', () => {
  it('skips a malformed YAML document with a warning and keeps the other documents and files', () => {
    // Prepare
    const files = {
      'apps.yaml': docs(A, 'kind: Deployment\nmetadata:\n  name: @broken\n', B),
      'more.yaml': deployment('ns', 'c', { app: 'c' }),
    };

    // Act
    const r = analyzeYaml(files);

    // Assess
    expect(r.errors).toEqual([]);
    expect(r.analysis?.model.workloads.map((w) => w.id)).toEqual(['ns/a[Deployment]', 'ns/b[Deployment]', 'ns/c[Deployment]']);
    expect(messagesWith(r.warnings, 'apps.yaml#2', 'cannot parse document')).toHaveLength(1);
  });

  it('skips a document without kind and continues with the next one', () => {
    // Prepare
    const yaml = docs(A, 'apiVersion: v1\nmetadata:\n  name: nameless\n', B);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.workloadLines).toEqual(BOTH_WAYS);
    expect(messagesWith(r.warnings, 'test.yaml#2', "Object 'Kind' is missing")).toHaveLength(1);
  });

  it('skips a JSON file holding a top-level array', () => {
    // Prepare
    const files = {
      'pods.json': '[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"ns"}}]',
      'apps.yaml': docs(A, B),
    };

    // Act
    const r = analyzeYaml(files);

    // Assess
    expect(r.workloadLines).toEqual(BOTH_WAYS);
    expect(messagesWith(r.warnings, 'pods.json', 'not a Kubernetes object', 'got a list')).toHaveLength(1);
  });

  it('skips scalars and empty documents', () => {
    // Prepare
    const yaml = `---\n# only a comment\n---\n${A}\n---\njust text\n---\n${B}\n---\n`;

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.workloadLines).toEqual(BOTH_WAYS);
    expect(messagesWith(r.warnings, 'not a Kubernetes object', 'got a string')).toHaveLength(1);
  });

  it('reads JSON manifests', () => {
    // Prepare
    const json = JSON.stringify({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'j', namespace: 'ns' },
      spec: { template: { metadata: { labels: { app: 'j' } } } },
    });

    // Act
    const r = analyzeYaml({ 'j.json': json, 'a.yaml': A });

    // Assess
    expect(r.workloadLines).toEqual([
      'ns/a[Deployment] => ns/j[Deployment] : All Connections',
      'ns/j[Deployment] => ns/a[Deployment] : All Connections',
    ]);
  });

  it('skips a workload whose fields have the wrong type, naming the field', () => {
    // Prepare
    const yaml = docs(A, B, `kind: Pod
metadata:
  name: bad
  namespace: ns
spec:
  containers:
  - name: c
    ports:
      http: 80`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
    expect(r.workloadLines).toEqual(BOTH_WAYS);
    expect(messagesWith(r.warnings, 'test.yaml#3', 'Pod ns/bad', 'spec.containers[0].ports', 'cannot restore slice from map')).toHaveLength(1);
  });

  it('ignores kinds that do not affect connectivity', () => {
    // Prepare
    const yaml = docs(A, B, 'kind: ConfigMap\nmetadata: {name: cfg, namespace: ns}\ndata: {a: b}', 'kind: Podgfg\nmetadata: {name: typo}');

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.workloadLines).toEqual(BOTH_WAYS);
    expect(r.warnings.filter((w) => w.includes('ConfigMap') || w.includes('Podgfg'))).toEqual([]);
  });

  it('rejects an alias bomb without exhausting memory', () => {
    // Prepare
    const levels = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const yaml = docs(A, `kind: Pod\n${levels.join('\n')}`, B);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.workloadLines).toEqual(BOTH_WAYS);
    expect(messagesWith(r.warnings, 'test.yaml#2', 'cannot read document')).toHaveLength(1);
  });
});

describe('lists', () => {
  it('unwraps a PodList whose items have no kind', () => {
    // Prepare
    const yaml = `apiVersion: v1
kind: PodList
items:
- metadata:
    name: p1
    namespace: ns
    labels: {app: p1}
- metadata:
    name: p2
    namespace: ns
    labels: {app: p2}`;

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.workloadLines).toEqual([
      'ns/p1[Pod] => ns/p2[Pod] : All Connections',
      'ns/p2[Pod] => ns/p1[Pod] : All Connections',
    ]);
  });

  it('unwraps a List whose items carry their own kinds, skipping items without kind', () => {
    // Prepare
    const yaml = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: ns
    labels: {team: x}
- apiVersion: v1
  kind: Pod
  metadata:
    name: p1
    namespace: ns
- metadata:
    name: orphan
    namespace: ns
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata:
    name: deny
    namespace: ns
  spec:
    podSelector: {}`;

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
    expect(r.analysis?.model.workloads.map((w) => w.id)).toEqual(['ns/p1[Pod]']);
    expect(r.analysis?.model.policies.map((p) => p.name)).toEqual(['deny']);
    expect(r.analysis?.model.namespaces.find((n) => n.name === 'ns')?.labels.team).toBe('x');
    expect(messagesWith(r.warnings, 'items[2]', "Object 'Kind' is missing")).toHaveLength(1);
  });

  it('unwraps a NetworkPolicyList', () => {
    // Prepare
    const yaml = docs(A, B, `kind: NetworkPolicyList
items:
- metadata:
    name: deny-a
    namespace: ns
  spec:
    podSelector:
      matchLabels:
        app: a`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.workloadLines).toEqual(['ns/a[Deployment] => ns/b[Deployment] : All Connections']);
  });
});

describe('fatal input errors', () => {
  it('rejects duplicate Namespaces, naming the file and the namespace', () => {
    // Prepare
    const files = { 'ns1.yaml': namespace('blue'), 'ns2.yaml': namespace('blue', { x: 'y' }), 'a.yaml': A };

    // Act
    const r = analyzeYaml(files);

    // Assess
    expect(r.analysis).toBeUndefined();
    expect(r.lines).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(messagesWith(r.errors, 'ns2.yaml', 'Namespace blue', 'Namespace "blue" already exists')).toHaveLength(1);
  });

  it('rejects duplicate NetworkPolicies in one namespace, but not equal names in two namespaces', () => {
    // Prepare
    const dup = docs(A, np('  ingress: []', 'same'), np('  ingress: [{}]', 'same'));
    const other = docs(A, np('  ingress: []', 'same'), np('  ingress: []', 'same').replace('namespace: ns', 'namespace: other'));

    // Act
    const r = analyzeYaml(dup);
    const ok = analyzeYaml(other);

    // Assess
    expect(r.analysis).toBeUndefined();
    expect(messagesWith(r.errors, 'test.yaml#3', 'NetworkPolicy ns/same', 'NetworkPolicy "ns/same" already exists')).toHaveLength(1);
    expect(ok.errors).toEqual([]);
  });

  it('rejects duplicate AdminNetworkPolicy names', () => {
    // Prepare
    const anp = (priority: number): string => `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata:
  name: same-name
spec:
  priority: ${priority}
  subject:
    namespaces: {}
  ingress:
  - name: r
    action: Allow
    from:
    - namespaces: {}`;

    // Act
    const r = analyzeYaml(docs(A, anp(1), anp(2)));

    // Assess
    expect(r.analysis).toBeUndefined();
    expect(messagesWith(r.errors, 'test.yaml#3', 'AdminNetworkPolicy same-name', '"same-name" already exists')).toHaveLength(1);
  });

  it('rejects a NetworkPolicy without a name', () => {
    // Prepare
    const yaml = docs(A, 'kind: NetworkPolicy\nmetadata:\n  namespace: ns\nspec: {}');

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(messagesWith(r.errors, 'test.yaml#2', 'NetworkPolicy', 'metadata.name: Required value')).toHaveLength(1);
  });

  const ruleErrors: readonly [what: string, spec: string, fragments: readonly string[]][] = [
    ['an invalid ipBlock cidr', `  ingress:
  - from:
    - ipBlock:
        cidr: 10.0.0.0/33`, ['spec.ingress[0].from[0].ipBlock.cidr', 'invalid CIDR address: 10.0.0.0/33']],
    ['an invalid except CIDR', `  ingress:
  - from:
    - ipBlock:
        cidr: 10.0.0.0/8
        except: [10.300.0.0/16]`, ['spec.ingress[0].from[0].ipBlock.except[0]', 'invalid CIDR address: 10.300.0.0/16']],
    ['an except equal to its cidr', `  ingress:
  - from:
    - ipBlock:
        cidr: 10.0.0.7/32
        except: [10.0.0.7/32]`, ['spec.ingress[0].from[0].ipBlock.except[0]', 'must be a strict subset of `cidr` 10.0.0.7/32']],
    ['an invalid selector operator', `  ingress:
  - from:
    - podSelector:
        matchExpressions:
        - key: app
          operator: Equals
          values: [x]`, ['spec.ingress[0].from[0].podSelector', 'selector error', 'Unsupported value: "Equals"']],
    ['an invalid label key in spec.podSelector', '', ['spec.podSelector', 'selector error', 'key: Invalid value: "app@b"']],
    ['an endPort below port', `  ingress:
  - ports:
    - port: 10
      endPort: 1`, ['spec.ingress[0].ports[0].endPort', '10']],
    ['a port above 65535', `  ingress:
  - ports:
    - port: 70000`, ['spec.ingress[0].ports[0].port', '70000']],
    ['an empty rule peer', `  ingress:
  - from:
    - {}`, ['spec.ingress[0].from[0]', 'rule NetworkPolicyPeer error: cannot have empty rule peer']],
    ['an ipBlock together with a selector', `  egress:
  - to:
    - ipBlock:
        cidr: 10.0.0.0/8
      namespaceSelector: {}`, ['spec.egress[0].to[0]', 'cannot have both IPBlock and PodSelector/NamespaceSelector set']],
    ['endPort with a named port', `  ingress:
  - ports:
    - port: http
      endPort: 90`, ['spec.ingress[0].ports[0]', 'endPort field cannot be defined if the port field is defined as a named (string) port']],
    ['a named port towards an ipBlock in egress', `  egress:
  - to:
    - podSelector: {}
    - ipBlock:
        cidr: 10.0.0.0/8
    ports:
    - port: http`, ['spec.egress[0]', 'named port error: cannot convert named port for an IP destination']],
  ];

  it.each(ruleErrors)('rejects %s, naming the file, the policy and the field', (_what, spec, fragments) => {
    // Prepare
    const policy = spec === '' ? np('').replace('app: a', '"app@b": a') : np(spec);
    const files = { 'apps.yaml': docs(A, B), 'policies/np.yaml': docs(namespace('ns'), policy) };

    // Act
    const r = analyzeYaml(files);

    // Assess
    expect(r.analysis).toBeUndefined();
    expect(r.lines).toEqual([]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^error: policies\/np\.yaml#2: NetworkPolicy ns\/np: /);
    expect(messagesWith(r.errors, ...fragments)).toHaveLength(1);
  });

  it('reports every invalid policy, not only the first', () => {
    // Prepare
    const yaml = docs(A,
      np('  ingress:\n  - from:\n    - {}', 'first'),
      np('  ingress:\n  - from:\n    - ipBlock: {cidr: nope}', 'second'));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toHaveLength(2);
    expect(messagesWith(r.errors, 'NetworkPolicy ns/first', 'empty rule peer')).toHaveLength(1);
    expect(messagesWith(r.errors, 'NetworkPolicy ns/second', 'invalid CIDR address: nope')).toHaveLength(1);
  });
});

describe('hostile values', () => {
  it('handles a pod label value containing markup without crashing', () => {
    // Prepare
    const yaml = docs(A, deployment('ns', 'x', { app: '<script>alert(1)</script>' }));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
    expect(r.workloadLines).toEqual([
      'ns/a[Deployment] => ns/x[Deployment] : All Connections',
      'ns/x[Deployment] => ns/a[Deployment] : All Connections',
    ]);
  });

  it('rejects a selector value containing markup as an invalid label value', () => {
    // Prepare
    const yaml = docs(A, np(`  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: "<script>alert(1)</script>"`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.analysis).toBeUndefined();
    expect(messagesWith(r.errors, 'NetworkPolicy ns/np', 'selector error', 'values: Invalid value: "<script>alert(1)</script>"'))
      .toHaveLength(1);
  });

  it('keeps markup in object names inert in every output format', () => {
    // Prepare: names the API server would reject, as a hostile manifest could contain
    const yaml = docs(A, deployment('ns', 'x|"<b>', { app: 'x' }));

    // Act
    const r = analyzeYaml(yaml);
    const md = formatConnections(r.connections, 'md');
    const dot = formatConnections(r.connections, 'dot');
    const csv = formatConnections(r.connections, 'csv');
    const json = JSON.parse(formatConnections(r.connections, 'json')) as { src: string }[];

    // Assess
    expect(md).toContain('| ns/x\\|"<b>[Deployment] |');
    expect(dot).toContain('"ns/x|\\"<b>[Deployment]"');
    expect(csv).toContain('"ns/x|""<b>[Deployment]"');
    expect(json.map((c) => c.src)).toContain('ns/x|"<b>[Deployment]');
  });

  it('keeps __proto__ and constructor labels from polluting objects or confusing selectors', () => {
    // Prepare
    const yaml = docs(A, `kind: Pod
metadata:
  name: evil
  namespace: ns
  labels:
    __proto__:
      polluted: "yes"
spec: {}`, `kind: Pod
metadata:
  name: odd
  namespace: ns
  labels:
    constructor: x
spec: {}`, np(`  ingress:
  - from:
    - podSelector:
        matchExpressions:
        - key: toString
          operator: Exists
    - podSelector:
        matchLabels:
          constructor: x`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess: only the pod that really has the constructor label may reach a
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(r.errors).toEqual([]);
    expect(messagesWith(r.warnings, 'Pod ns/evil', '__proto__', 'object skipped')).toHaveLength(1);
    expect(r.workloadLines.filter((l) => l.endsWith('=> ns/a[Deployment] : All Connections'))).toEqual([
      'ns/odd[Pod] => ns/a[Deployment] : All Connections',
    ]);
  });

  it('analyses thousands of documents', () => {
    // Prepare
    const count = 2000;
    const manifests = Array.from({ length: count }, (_, i) => deployment('big', `w${i}`, { app: `w${i}`, tier: i % 2 ? 'odd' : 'even' }));
    const policy = `kind: NetworkPolicy
metadata:
  name: odd-from-w0
  namespace: big
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: w0
    ports:
    - port: 443
  egress:
  - to:
    - podSelector: {}`;

    // Act
    const r = analyzeYaml(docs(...manifests, policy));

    // Assess: only w0 may connect, to every other workload, on TCP 443
    expect(r.errors).toEqual([]);
    expect(r.analysis?.model.workloads).toHaveLength(count);
    const expected = Array.from({ length: count - 1 }, (_, i) => `big/w0[Deployment] => big/w${i + 1}[Deployment] : TCP 443`)
      .sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    expect(r.lines).toEqual(expected);
    // byte order: '0' sorts before '[', so w1000 comes first and w9 last
    expect([r.lines[0], r.lines[count - 2]]).toEqual([
      'big/w0[Deployment] => big/w1000[Deployment] : TCP 443',
      'big/w0[Deployment] => big/w9[Deployment] : TCP 443',
    ]);
  });
});
