import { describe, expect, it } from 'vitest';
import { analyzeYaml, appPolicy as policy, deployment, docs } from '../helpers/analyzeYaml.js';

const A = deployment('ns', 'a', { app: 'a' });
const B = deployment('ns', 'b', { app: 'b' });

describe('ipBlock peers and external address ranges', () => {
  it('admits the cidr minus its except ranges, and cuts the source ranges at every boundary', () => {
    // Prepare
    const yaml = docs(A, B, policy('b-from-10', 'b', `  ingress:
  - from:
    - ipBlock:
        cidr: 10.0.0.0/8
        except:
        - 10.1.0.0/16`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
    expect(r.lines).toEqual([
      '0.0.0.0-9.255.255.255[External] => ns/a[Deployment] : All Connections',
      '10.0.0.0-10.0.255.255[External] => ns/a[Deployment] : All Connections',
      '10.0.0.0-10.0.255.255[External] => ns/b[Deployment] : All Connections',
      '10.1.0.0-10.1.255.255[External] => ns/a[Deployment] : All Connections',
      '10.2.0.0-10.255.255.255[External] => ns/a[Deployment] : All Connections',
      '10.2.0.0-10.255.255.255[External] => ns/b[Deployment] : All Connections',
      '11.0.0.0-255.255.255.255[External] => ns/a[Deployment] : All Connections',
      'ns/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'ns/b[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'ns/b[Deployment] => ns/a[Deployment] : All Connections',
    ]);
  });

  it('cuts destination ranges by egress ipBlocks only, leaving source ranges whole', () => {
    // Prepare
    const yaml = docs(A, B, policy('a-to-192', 'a', `  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock:
        cidr: 192.168.0.0/16
    ports:
    - port: 443`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines).toEqual([
      '0.0.0.0-255.255.255.255[External] => ns/a[Deployment] : All Connections',
      '0.0.0.0-255.255.255.255[External] => ns/b[Deployment] : All Connections',
      'ns/a[Deployment] => 192.168.0.0-192.168.255.255[External] : TCP 443',
      'ns/b[Deployment] => 0.0.0.0-192.167.255.255[External] : All Connections',
      'ns/b[Deployment] => 192.168.0.0-192.168.255.255[External] : All Connections',
      'ns/b[Deployment] => 192.169.0.0-255.255.255.255[External] : All Connections',
      'ns/b[Deployment] => ns/a[Deployment] : All Connections',
    ]);
  });

  it('cuts at the merged intervals of cidr minus except, so adjacent excepts form one range', () => {
    // Prepare: the two /9 holes touch and become one hole 10.0.0.0/8
    const yaml = docs(A, policy('a-world', 'a', `  ingress:
  - from:
    - ipBlock:
        cidr: 0.0.0.0/0
        except: [10.0.0.0/9, 10.128.0.0/9, 172.21.0.0/16]`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines).toEqual([
      '0.0.0.0-9.255.255.255[External] => ns/a[Deployment] : All Connections',
      '11.0.0.0-172.20.255.255[External] => ns/a[Deployment] : All Connections',
      '172.22.0.0-255.255.255.255[External] => ns/a[Deployment] : All Connections',
      'ns/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
    ]);
    expect(r.analysis?.reachability.sourcePieces.length).toBe(5);
  });

  it('never matches pods with an ipBlock, even one covering every address', () => {
    // Prepare: every pod accepts ingress from, and sends egress to, 0.0.0.0/0 only
    const yaml = docs(A, B, `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: world-only
  namespace: ns
spec:
  podSelector: {}
  ingress:
  - from:
    - ipBlock:
        cidr: 0.0.0.0/0
  egress:
  - to:
    - ipBlock:
        cidr: 0.0.0.0/0`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.workloadLines).toEqual([]);
    expect(r.lines).toEqual([
      '0.0.0.0-255.255.255.255[External] => ns/a[Deployment] : All Connections',
      '0.0.0.0-255.255.255.255[External] => ns/b[Deployment] : All Connections',
      'ns/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
      'ns/b[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
    ]);
  });

  it('lets a pod-selector peer admit pods but no external range', () => {
    // Prepare
    const yaml = docs(A, B, policy('b-from-a', 'b', `  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: a`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines.filter((l) => l.endsWith('=> ns/b[Deployment] : All Connections'))).toEqual([
      'ns/a[Deployment] => ns/b[Deployment] : All Connections',
    ]);
  });

  it('cuts ranges by ipBlocks of policies that select no pod', () => {
    // Prepare
    const yaml = docs(A, policy('selects-nothing', 'ghost', `  ingress:
  - from:
    - ipBlock:
        cidr: 8.8.8.8/32`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines).toEqual([
      '0.0.0.0-8.8.8.7[External] => ns/a[Deployment] : All Connections',
      '8.8.8.8-8.8.8.8[External] => ns/a[Deployment] : All Connections',
      '8.8.8.9-255.255.255.255[External] => ns/a[Deployment] : All Connections',
      'ns/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
    ]);
  });

  it('normalises a cidr with host bits to its network', () => {
    // Prepare
    const yaml = docs(A, policy('host-bits', 'a', `  ingress:
  - from:
    - ipBlock:
        cidr: 10.1.2.3/16`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
    expect(r.lines.filter((l) => l.includes('=> ns/a'))).toEqual([
      '10.1.0.0-10.1.255.255[External] => ns/a[Deployment] : All Connections',
    ]);
  });

  it('sorts external peers by byte order, so 10.x comes before 9.x', () => {
    // Prepare
    const yaml = docs(A, policy('two-blocks', 'a', `  ingress:
  - from:
    - ipBlock:
        cidr: 9.0.0.0/8
    - ipBlock:
        cidr: 10.0.0.0/8
    ports:
    - port: 22`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess: 9/8 and 10/8 are adjacent but belong to different blocks, so both stay separate pieces
    expect(r.lines).toEqual([
      '10.0.0.0-10.255.255.255[External] => ns/a[Deployment] : TCP 22',
      '9.0.0.0-9.255.255.255[External] => ns/a[Deployment] : TCP 22',
      'ns/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
    ]);
  });

  it('handles a block that ends at the last IPv4 address', () => {
    // Prepare
    const yaml = docs(A, policy('top', 'a', `  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock:
        cidr: 255.255.255.255/32`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines).toEqual([
      '0.0.0.0-255.255.255.255[External] => ns/a[Deployment] : All Connections',
      'ns/a[Deployment] => 255.255.255.255-255.255.255.255[External] : All Connections',
    ]);
  });

  it('unions ports of ingress rules that admit the same range', () => {
    // Prepare
    const yaml = docs(A, policy('two-rules', 'a', `  ingress:
  - from:
    - ipBlock:
        cidr: 10.0.0.0/8
    ports:
    - port: 80
  - from:
    - ipBlock:
        cidr: 10.0.0.0/16
    ports:
    - port: 443`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines.filter((l) => l.includes('=> ns/a'))).toEqual([
      '10.0.0.0-10.0.255.255[External] => ns/a[Deployment] : TCP 80,443',
      '10.1.0.0-10.255.255.255[External] => ns/a[Deployment] : TCP 80',
    ]);
  });

  // np-guard cuts the address space at every ipBlock, even in a direction policyTypes leaves out.
  it('cuts ranges by ipBlocks of a direction that policyTypes leaves out', () => {
    // Prepare
    const yaml = docs(A, policy('egress-only', 'a', `  policyTypes: [Egress]
  egress:
  - {}
  ingress:
  - from:
    - ipBlock:
        cidr: 10.0.0.0/8`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess: ingress is not isolated, so every source range reaches a
    expect(r.lines).toEqual([
      '0.0.0.0-9.255.255.255[External] => ns/a[Deployment] : All Connections',
      '10.0.0.0-10.255.255.255[External] => ns/a[Deployment] : All Connections',
      '11.0.0.0-255.255.255.255[External] => ns/a[Deployment] : All Connections',
      'ns/a[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections',
    ]);
  });
});
