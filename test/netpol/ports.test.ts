import { describe, expect, it } from 'vitest';
import { analyzeYaml, deployment, docs, messagesWith, type PortSpec } from '../helpers/analyzeYaml.js';

const SRC = deployment('ns', 'src', { app: 'src' });

/** A policy admitting `src` into pods labelled role=dst with the given ports YAML. */
function ingressPorts(ports: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: np
  namespace: ns
spec:
  podSelector:
    matchLabels:
      role: dst
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: src
${ports}`;
}

function dst(name: string, ports: readonly PortSpec[] = []): string {
  return deployment('ns', name, { app: name, role: 'dst' }, ports);
}

/** The connection from src to ns/<name>, or undefined when none is listed. */
function connTo(lines: readonly string[], name: string): string | undefined {
  const prefix = `ns/src[Deployment] => ns/${name}[Deployment] : `;
  return lines.find((l) => l.startsWith(prefix))?.slice(prefix.length);
}

describe('NetworkPolicy rule ports', () => {
  it('allows numbered ports with TCP as the default protocol', () => {
    // Prepare
    const yaml = docs(SRC, dst('b'), ingressPorts(`    ports:
    - port: 80
    - port: 53
      protocol: UDP
    - port: 443
      protocol: TCP`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
    expect(connTo(r.lines, 'b')).toBe('TCP 80,443,UDP 53');
  });

  it('treats ports: [] like absent ports, i.e. every port and protocol', () => {
    // Prepare
    const yaml = docs(SRC, dst('b'), ingressPorts('    ports: []'));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(connTo(r.lines, 'b')).toBe('All Connections');
  });

  it('allows a whole protocol when a port entry has only a protocol', () => {
    // Prepare
    const yaml = docs(SRC, dst('b'), ingressPorts(`    ports:
    - protocol: UDP
    - protocol: SCTP
      port: 9000`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(connTo(r.lines, 'b')).toBe('SCTP 9000,UDP 1-65535');
  });

  it('reads protocol-only entries for all three protocols as All Connections', () => {
    // Prepare
    const yaml = docs(SRC, dst('b'), ingressPorts(`    ports:
    - protocol: TCP
    - protocol: UDP
    - protocol: SCTP`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(connTo(r.lines, 'b')).toBe('All Connections');
  });

  it('allows port..endPort ranges and merges them with adjacent ports', () => {
    // Prepare
    const yaml = docs(SRC, dst('b'), ingressPorts(`    ports:
    - port: 8000
      endPort: 8010
    - port: 8011
    - port: 30000
      endPort: 32767
      protocol: UDP
    - port: 1
      endPort: 65535
      protocol: SCTP`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(connTo(r.lines, 'b')).toBe('SCTP 1-65535,TCP 8000-8011,UDP 30000-32767');
  });

  it('resolves an ingress named port on the container ports of each selected destination', () => {
    // Prepare: both destinations name a port "http", on different numbers
    const yaml = docs(SRC,
      dst('b', [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9100 }]),
      dst('c', [{ name: 'http', port: 9090 }]),
      ingressPorts(`    ports:
    - port: http`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.warnings).toEqual([]);
    expect(connTo(r.lines, 'b')).toBe('TCP 8080');
    expect(connTo(r.lines, 'c')).toBe('TCP 9090');
  });

  it('resolves an egress named port on the destination peer, not on the policy\'s own pod', () => {
    // Prepare: src itself names "http" 1111, which must not be used
    const yaml = docs(
      deployment('ns', 'src', { app: 'src' }, [{ name: 'http', port: 1111 }]),
      dst('b', [{ name: 'http', port: 8080 }]),
      dst('c', [{ name: 'http', port: 9090, protocol: 'UDP' }]),
      `kind: NetworkPolicy
metadata:
  name: egress
  namespace: ns
spec:
  podSelector:
    matchLabels:
      app: src
  policyTypes: [Egress]
  egress:
  - to:
    - podSelector:
        matchLabels:
          role: dst
    ports:
    - port: http
      protocol: UDP
    - port: http`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.warnings).toEqual([]);
    expect(connTo(r.lines, 'b')).toBe('TCP 8080');
    expect(connTo(r.lines, 'c')).toBe('UDP 9090');
  });

  it('resolves an ingress named port on the destination even for external sources', () => {
    // Prepare
    const yaml = docs(dst('b', [{ name: 'https', port: 8443 }]), `kind: NetworkPolicy
metadata:
  name: from-office
  namespace: ns
spec:
  podSelector:
    matchLabels:
      role: dst
  ingress:
  - from:
    - ipBlock:
        cidr: 192.0.2.0/24
    ports:
    - port: https`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
    expect(r.lines.filter((l) => l.includes('=> ns/b'))).toEqual([
      '192.0.2.0-192.0.2.255[External] => ns/b[Deployment] : TCP 8443',
    ]);
  });

  it('lets an egress named port without peers match named container ports of pods and no external range', () => {
    // Prepare: a rule without "to" also covers external addresses, which have no named ports
    const yaml = docs(SRC, dst('b', [{ name: 'dns', port: 53, protocol: 'UDP' }]), `kind: NetworkPolicy
metadata:
  name: dns-only
  namespace: ns
spec:
  podSelector:
    matchLabels:
      app: src
  policyTypes: [Egress]
  egress:
  - ports:
    - port: dns
      protocol: UDP`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
    expect(r.lines.filter((l) => l.startsWith('ns/src'))).toEqual(['ns/src[Deployment] => ns/b[Deployment] : UDP 53']);
  });

  it('requires the named container port to have the rule\'s protocol', () => {
    // Prepare: the np-guard example with SCTP container ports and mixed rule protocols
    const yaml = docs(SRC,
      dst('b', [{ name: 'sctp-port', port: 8956, protocol: 'SCTP' }, { name: 'newport', port: 9090, protocol: 'SCTP' }]),
      ingressPorts(`    ports:
    - port: newport
      protocol: UDP
    - port: sctp-port
      protocol: SCTP
    - port: newport
      protocol: SCTP
    - port: not-found
      protocol: SCTP`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(connTo(r.lines, 'b')).toBe('SCTP 8956,9090');
  });

  it('lets an unmatched named port contribute nothing, with a warning naming the rule and the peer', () => {
    // Prepare
    const yaml = docs(SRC, dst('b', [{ name: 'http', port: 8080 }]), ingressPorts(`    ports:
    - port: grpc
    - port: 80`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(connTo(r.lines, 'b')).toBe('TCP 80');
    expect(r.errors).toEqual([]);
    expect(r.warnings).toHaveLength(1);
    expect(messagesWith(r.warnings, 'NetworkPolicy ns/np', 'ingress rule 1', 'port name: "grpc" has no match', 'ns/b[Deployment]'))
      .toHaveLength(1);
  });

  it('omits the line when a rule\'s only port is an unmatched name', () => {
    // Prepare: the container's "dns" port is TCP, the rule asks for UDP
    const yaml = docs(SRC, dst('b', [{ name: 'dns', port: 53 }]), ingressPorts(`    ports:
    - port: dns
      protocol: UDP`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(connTo(r.lines, 'b')).toBeUndefined();
    expect(r.warnings).toHaveLength(1);
    expect(messagesWith(r.warnings, 'NetworkPolicy ns/np', 'port name: "dns" has no match', 'ns/b[Deployment]')).toHaveLength(1);
  });

  it('unions the ports of several rules admitting the same source', () => {
    // Prepare
    const yaml = docs(SRC, dst('b', [{ name: 'http', port: 8080 }]), `kind: NetworkPolicy
metadata:
  name: np
  namespace: ns
spec:
  podSelector:
    matchLabels:
      role: dst
  ingress:
  - from:
    - podSelector: {}
    ports:
    - port: 22
  - from:
    - podSelector:
        matchLabels:
          app: src
    ports:
    - port: http
    - port: 5000
      endPort: 5002
      protocol: SCTP`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(connTo(r.lines, 'b')).toBe('SCTP 5000-5002,TCP 22,8080');
  });

  it('reads a numeric string port as a port number', () => {
    // Prepare
    const yaml = docs(SRC, dst('b'), ingressPorts(`    ports:
    - port: "8080"`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(connTo(r.lines, 'b')).toBe('TCP 8080');
  });

  it('rejects a protocol other than TCP, UDP or SCTP', () => {
    // Prepare
    const yaml = docs(SRC, dst('b'), ingressPorts(`    ports:
    - port: 80
      protocol: ICMP`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.analysis).toBeUndefined();
    expect(r.errors).toEqual([
      'error: test.yaml#3: NetworkPolicy ns/np: spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    ]);
  });
});
