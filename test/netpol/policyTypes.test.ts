import { describe, expect, it } from 'vitest';
import { analyzeYaml, appPolicy as np, deployment, docs } from '../helpers/analyzeYaml.js';

const A = deployment('ns', 'a', { app: 'a' });
const B = deployment('ns', 'b', { app: 'b' });
const C = deployment('ns', 'c', { app: 'c' });

const EXT = '0.0.0.0-255.255.255.255[External]';

describe('policyTypes defaulting', () => {
  it('isolates ingress only when policyTypes is absent and there is no egress section', () => {
    // Prepare
    const yaml = docs(A, B, np('deny-in-a', 'a'));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines).toEqual([
      `${EXT} => ns/b[Deployment] : All Connections`,
      `ns/a[Deployment] => ${EXT} : All Connections`,
      'ns/a[Deployment] => ns/b[Deployment] : All Connections',
      `ns/b[Deployment] => ${EXT} : All Connections`,
    ]);
  });

  it('isolates egress too when policyTypes is absent and the egress section has a rule', () => {
    // Prepare
    const yaml = docs(A, B, np('a-egress', 'a', `  egress:
  - to:
    - podSelector:
        matchLabels:
          app: b
    ports:
    - port: 80`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess: ingress of a denied, egress of a limited to b:80
    expect(r.lines).toEqual([
      `${EXT} => ns/b[Deployment] : All Connections`,
      'ns/a[Deployment] => ns/b[Deployment] : TCP 80',
      `ns/b[Deployment] => ${EXT} : All Connections`,
    ]);
  });

  // Kubernetes adds Egress to the default policyTypes only when the egress list is non-empty.
  it('does not isolate egress for an empty egress list when policyTypes is absent', () => {
    // Prepare
    const yaml = docs(A, B, np('empty-egress', 'a', '  egress: []'));

    // Act
    const r = analyzeYaml(yaml);

    // Assess: only a's ingress is isolated
    expect(r.lines).toEqual([
      `${EXT} => ns/b[Deployment] : All Connections`,
      `ns/a[Deployment] => ${EXT} : All Connections`,
      'ns/a[Deployment] => ns/b[Deployment] : All Connections',
      `ns/b[Deployment] => ${EXT} : All Connections`,
    ]);
  });

  it('treats an explicit empty policyTypes list like an absent one', () => {
    // Prepare
    const yaml = docs(A, B, np('empty-types', 'a', '  policyTypes: []'));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines).toEqual(analyzeYaml(docs(A, B, np('deny-in-a', 'a'))).lines);
  });

  it('denies all egress and leaves ingress open for policyTypes [Egress] without egress rules', () => {
    // Prepare
    const yaml = docs(A, B, np('deny-out-a', 'a', '  policyTypes: [Egress]'));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines).toEqual([
      `${EXT} => ns/a[Deployment] : All Connections`,
      `${EXT} => ns/b[Deployment] : All Connections`,
      `ns/b[Deployment] => ${EXT} : All Connections`,
      'ns/b[Deployment] => ns/a[Deployment] : All Connections',
    ]);
  });

  it('ignores the rules of a direction that policyTypes leaves out', () => {
    // Prepare: the egress rule would deny everything but b:80; policyTypes says Ingress only
    const yaml = docs(A, B, np('ingress-only', 'a', `  policyTypes: [Ingress]
  ingress:
  - {}
  egress:
  - to:
    - podSelector:
        matchLabels:
          app: b
    ports:
    - port: 80`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines).toContain(`ns/a[Deployment] => ${EXT} : All Connections`);
    expect(r.lines).toContain('ns/a[Deployment] => ns/b[Deployment] : All Connections');
    expect(r.lines).toContain(`${EXT} => ns/a[Deployment] : All Connections`);
  });

  it('isolates both directions for policyTypes [Ingress, Egress] without rules', () => {
    // Prepare
    const yaml = docs(A, B, np('deny-all-a', 'a', '  policyTypes: [Ingress, Egress]'));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines).toEqual([
      `${EXT} => ns/b[Deployment] : All Connections`,
      `ns/b[Deployment] => ${EXT} : All Connections`,
    ]);
  });
});

describe('empty versus absent rules and peers', () => {
  it('denies all ingress both with ingress: [] and with no ingress section', () => {
    // Prepare
    const empty = docs(A, B, np('p', 'a', '  ingress: []'));
    const absent = docs(A, B, np('p', 'a'));

    // Act
    const withEmpty = analyzeYaml(empty).lines;
    const withAbsent = analyzeYaml(absent).lines;

    // Assess
    expect(withEmpty).toEqual(withAbsent);
    expect(withEmpty.some((l) => l.includes('=> ns/a['))).toBe(false);
  });

  it('allows everything with one empty rule {}', () => {
    // Prepare
    const yaml = docs(A, B, np('allow-all', 'a', `  ingress:
  - {}`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines.filter((l) => l.includes('=> ns/a['))).toEqual([
      `${EXT} => ns/a[Deployment] : All Connections`,
      'ns/b[Deployment] => ns/a[Deployment] : All Connections',
    ]);
  });

  it('reads from: [] like an absent from, i.e. every pod and every address', () => {
    // Prepare
    const emptyFrom = docs(A, B, np('p', 'a', `  ingress:
  - from: []
    ports:
    - port: 80`));
    const absentFrom = docs(A, B, np('p', 'a', `  ingress:
  - ports:
    - port: 80`));

    // Act
    const withEmpty = analyzeYaml(emptyFrom).lines;
    const withAbsent = analyzeYaml(absentFrom).lines;

    // Assess
    expect(withEmpty).toEqual(withAbsent);
    expect(withEmpty.filter((l) => l.includes('=> ns/a['))).toEqual([
      `${EXT} => ns/a[Deployment] : TCP 80`,
      'ns/b[Deployment] => ns/a[Deployment] : TCP 80',
    ]);
  });

  it('reads to: [] like an absent to in egress rules', () => {
    // Prepare
    const yaml = docs(A, B, np('p', 'a', `  policyTypes: [Egress]
  egress:
  - to: []
    ports:
    - port: 53
      protocol: UDP`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines.filter((l) => l.startsWith('ns/a['))).toEqual([
      `ns/a[Deployment] => ${EXT} : UDP 53`,
      'ns/a[Deployment] => ns/b[Deployment] : UDP 53',
    ]);
  });
});

describe('combining policies', () => {
  it('unions what several policies selecting the same pod allow', () => {
    // Prepare
    const yaml = docs(A, B, C,
      np('b-from-a', 'b', `  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: a
    ports:
    - port: 80`),
      np('b-from-c', 'b', `  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: c
    ports:
    - port: 443
  - from:
    - podSelector:
        matchLabels:
          app: a
    ports:
    - port: 8080`),
      np('b-deny', 'b'));

    // Act
    const r = analyzeYaml(yaml);

    // Assess: a deny-all policy adds nothing and removes nothing
    expect(r.lines.filter((l) => l.includes('=> ns/b['))).toEqual([
      'ns/a[Deployment] => ns/b[Deployment] : TCP 80,8080',
      'ns/c[Deployment] => ns/b[Deployment] : TCP 443',
    ]);
  });

  it('requires both the source\'s egress and the destination\'s ingress to allow a connection', () => {
    // Prepare
    const yaml = docs(A, B,
      np('a-out', 'a', `  policyTypes: [Egress]
  egress:
  - to:
    - podSelector:
        matchLabels:
          app: b
    ports:
    - port: 80
      endPort: 90
    - protocol: UDP`),
      np('b-in', 'b', `  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: a
    ports:
    - port: 85
      endPort: 100
    - port: 53
      protocol: UDP
    - protocol: SCTP`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.workloadLines).toEqual([
      'ns/a[Deployment] => ns/b[Deployment] : TCP 85-90,UDP 53',
      'ns/b[Deployment] => ns/a[Deployment] : All Connections',
    ]);
  });

  it('lists no connection when egress allows it but ingress does not', () => {
    // Prepare
    const yaml = docs(A, B,
      np('a-out', 'a', `  policyTypes: [Egress]
  egress:
  - ports:
    - port: 80`),
      np('b-in', 'b', `  ingress:
  - ports:
    - port: 81`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.workloadLines).toEqual(['ns/b[Deployment] => ns/a[Deployment] : All Connections']);
  });

  it('leaves pods that no policy selects unrestricted', () => {
    // Prepare
    const yaml = docs(A, B, np('ghost', 'ghost', '  policyTypes: [Ingress, Egress]'));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines).toEqual([
      `${EXT} => ns/a[Deployment] : All Connections`,
      `${EXT} => ns/b[Deployment] : All Connections`,
      `ns/a[Deployment] => ${EXT} : All Connections`,
      'ns/a[Deployment] => ns/b[Deployment] : All Connections',
      `ns/b[Deployment] => ${EXT} : All Connections`,
      'ns/b[Deployment] => ns/a[Deployment] : All Connections',
    ]);
  });

  it('rejects an unknown policyType', () => {
    // Prepare
    const yaml = docs(A, np('bad-type', 'a', '  policyTypes: [Ingress, Outbound]'));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.analysis).toBeUndefined();
    expect(r.errors).toEqual([
      'error: test.yaml#2: NetworkPolicy ns/bad-type: spec.policyTypes[1]: Unsupported value: "Outbound": supported values: "Ingress", "Egress"',
    ]);
  });
});
