import { describe, expect, it } from 'vitest';
import { analyzeYaml, deployment, docs, namespace } from '../helpers/analyzeYaml.js';

/** Ingress into ns1/b (TCP 80) from the given peers only. */
function ingressToB(from: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: to-b
  namespace: ns1
spec:
  podSelector:
    matchLabels:
      app: b
  ingress:
  - from:
${from}`;
}

const CLUSTER = docs(
  namespace('ns1'),
  namespace('ns2', { team: 'x' }),
  namespace('ns3', { team: 'y' }),
  deployment('ns1', 'a', { app: 'a' }),
  deployment('ns1', 'b', { app: 'b' }),
  deployment('ns2', 'a', { app: 'a' }),
  deployment('ns2', 'other', { app: 'other' }),
  deployment('ns3', 'a', { app: 'a' }),
);

/** The sources that may reach ns1/b. */
function sourcesOfB(lines: readonly string[]): string[] {
  return lines.filter((l) => l.includes(' => ns1/b[Deployment] : ')).map((l) => l.split(' => ')[0]!);
}

describe('NetworkPolicy peer selectors', () => {
  it('reads a podSelector-only peer as pods of the policy\'s own namespace', () => {
    // Prepare
    const yaml = docs(CLUSTER, ingressToB(`    - podSelector:
        matchLabels:
          app: a`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
    expect(sourcesOfB(r.lines)).toEqual(['ns1/a[Deployment]']);
    expect(r.lines).toContain('ns1/a[Deployment] => ns1/b[Deployment] : All Connections');
  });

  it('reads an empty podSelector alone as every pod of the own namespace', () => {
    // Prepare
    const yaml = docs(CLUSTER, ingressToB('    - podSelector: {}'));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(sourcesOfB(r.lines)).toEqual(['ns1/a[Deployment]']);
  });

  it('reads a namespaceSelector-only peer as every pod of the matching namespaces', () => {
    // Prepare
    const yaml = docs(CLUSTER, ingressToB(`    - namespaceSelector:
        matchLabels:
          team: x`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(sourcesOfB(r.lines)).toEqual(['ns2/a[Deployment]', 'ns2/other[Deployment]']);
  });

  it('ANDs namespaceSelector and podSelector given in one peer', () => {
    // Prepare
    const yaml = docs(CLUSTER, ingressToB(`    - namespaceSelector:
        matchLabels:
          team: x
      podSelector:
        matchLabels:
          app: a`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(sourcesOfB(r.lines)).toEqual(['ns2/a[Deployment]']);
  });

  it('ORs namespaceSelector and podSelector given as two peers', () => {
    // Prepare
    const yaml = docs(CLUSTER, ingressToB(`    - namespaceSelector:
        matchLabels:
          team: x
    - podSelector:
        matchLabels:
          app: a`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(sourcesOfB(r.lines)).toEqual(['ns1/a[Deployment]', 'ns2/a[Deployment]', 'ns2/other[Deployment]']);
  });

  it('reads namespaceSelector: {} as every namespace, but never external addresses', () => {
    // Prepare
    const yaml = docs(CLUSTER, ingressToB('    - namespaceSelector: {}'));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(sourcesOfB(r.lines)).toEqual([
      'ns1/a[Deployment]', 'ns2/a[Deployment]', 'ns2/other[Deployment]', 'ns3/a[Deployment]',
    ]);
  });

  it('combines namespaceSelector: {} with a podSelector to pick labelled pods cluster-wide', () => {
    // Prepare
    const yaml = docs(CLUSTER, ingressToB(`    - namespaceSelector: {}
      podSelector:
        matchLabels:
          app: a`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(sourcesOfB(r.lines)).toEqual(['ns1/a[Deployment]', 'ns2/a[Deployment]', 'ns3/a[Deployment]']);
  });

  it('supports matchExpressions in namespace selectors', () => {
    // Prepare
    const yaml = docs(CLUSTER, ingressToB(`    - namespaceSelector:
        matchExpressions:
        - key: team
          operator: NotIn
          values: [x]`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess: ns1 has no team label (NotIn matches), ns3 has team=y
    expect(sourcesOfB(r.lines)).toEqual(['ns1/a[Deployment]', 'ns3/a[Deployment]']);
  });

  it('gives every Namespace object the kubernetes.io/metadata.name label', () => {
    // Prepare: ns3 declares other labels but not the name label
    const yaml = docs(CLUSTER, ingressToB(`    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: ns3`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(sourcesOfB(r.lines)).toEqual(['ns3/a[Deployment]']);
    expect(r.analysis?.model.namespaces.find((n) => n.name === 'ns3')?.labels).toEqual({
      team: 'y', 'kubernetes.io/metadata.name': 'ns3',
    });
  });

  it('creates implicit namespaces, labelled with their name only, for workloads without a Namespace object', () => {
    // Prepare: no Namespace objects at all
    const yaml = docs(
      deployment('frontend', 'web', { app: 'web' }),
      deployment('backend', 'api', { app: 'api' }),
      deployment('tools', 'debug', { app: 'debug' }),
      `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api
  namespace: backend
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector:
        matchExpressions:
        - key: kubernetes.io/metadata.name
          operator: In
          values: [frontend]
    - namespaceSelector:
        matchLabels:
          team: tools`,
    );

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
    expect(r.lines.filter((l) => l.includes('=> backend/'))).toEqual([
      'frontend/web[Deployment] => backend/api[Deployment] : All Connections',
    ]);
    expect(r.analysis?.model.namespaces.map((n) => [n.name, n.labels])).toEqual([
      ['frontend', { 'kubernetes.io/metadata.name': 'frontend' }],
      ['backend', { 'kubernetes.io/metadata.name': 'backend' }],
      ['tools', { 'kubernetes.io/metadata.name': 'tools' }],
    ]);
  });

  it('uses Namespace labels even when the Namespace object comes after its workloads', () => {
    // Prepare
    const yaml = docs(
      deployment('ns1', 'b', { app: 'b' }),
      deployment('late', 'a', { app: 'a' }),
      ingressToB(`    - namespaceSelector:
        matchLabels:
          team: x`),
      namespace('late', { team: 'x' }),
    );

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(sourcesOfB(r.lines)).toEqual(['late/a[Deployment]']);
  });

  it('puts objects without metadata.namespace into default', () => {
    // Prepare
    const yaml = docs(
      `kind: Deployment
metadata:
  name: a
spec:
  template:
    metadata:
      labels:
        app: a`,
      deployment('default', 'b', { app: 'b' }),
      `kind: NetworkPolicy
metadata:
  name: deny-b
spec:
  podSelector:
    matchLabels:
      app: b`,
    );

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.workloadLines).toEqual(['default/b[Deployment] => default/a[Deployment] : All Connections']);
  });

  it('applies a policy\'s podSelector only within its own namespace', () => {
    // Prepare: deny all ingress to app=a in ns2; ns1/a and ns3/a stay open
    const yaml = docs(CLUSTER, `kind: NetworkPolicy
metadata:
  name: deny-a
  namespace: ns2
spec:
  podSelector:
    matchLabels:
      app: a
  ingress: []`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    const destinations = new Set(r.lines.map((l) => l.split(' => ')[1]!.split(' : ')[0]));
    expect(destinations.has('ns2/a[Deployment]')).toBe(false);
    expect(destinations.has('ns1/a[Deployment]')).toBe(true);
    expect(destinations.has('ns3/a[Deployment]')).toBe(true);
  });
});
