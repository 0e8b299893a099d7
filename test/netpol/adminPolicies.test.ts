import { describe, expect, it } from 'vitest';
import { formatIpv4Range } from '../../lib/core/netpol/ipv4.js';
import { analyzeYaml, deployment, docs, messagesWith } from '../helpers/analyzeYaml.js';

const CLUSTER = docs(
  deployment('ns1', 'a', { app: 'a' }, [{ name: 'dns', port: 53, protocol: 'UDP' }]),
  deployment('ns2', 'x', { app: 'x' }),
);
const EXT = '0.0.0.0-255.255.255.255[External]';
const X_TO_A = 'ns2/x[Deployment] => ns1/a[Deployment] : ';
const A_TO_X = 'ns1/a[Deployment] => ns2/x[Deployment] : ';

function nsSel(name: string): string {
  return `namespaces:
        matchLabels:
          kubernetes.io/metadata.name: ${name}`;
}

/** An AdminNetworkPolicy whose subject is namespace ns1, with the given rule sections. */
function anp(name: string, priority: number, rules: string): string {
  return `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata:
  name: ${name}
spec:
  priority: ${priority}
  subject:
    namespaces:
      matchLabels:
        kubernetes.io/metadata.name: ns1
${rules}`;
}

function banp(rules: string, name = 'default'): string {
  return `apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata:
  name: ${name}
spec:
  subject:
    namespaces:
      matchLabels:
        kubernetes.io/metadata.name: ns1
${rules}`;
}

/** One ingress rule from ns2 with an action and an optional ports block. */
function fromNs2(ruleName: string, action: string, ports = ''): string {
  return `  - name: ${ruleName}
    action: ${action}
    from:
    - ${nsSel('ns2')}
${ports}`;
}

const tcp = (port: number): string => `    - portNumber:
        protocol: TCP
        port: ${port}`;

function line(lines: readonly string[], prefix: string): string | undefined {
  return lines.find((l) => l.startsWith(prefix))?.slice(prefix.length);
}

describe('AdminNetworkPolicy actions and order', () => {
  it('denies only the matched ports and leaves the rest allowed', () => {
    // Prepare
    const yaml = docs(CLUSTER, anp('deny-80', 10, `  ingress:
${fromNs2('deny-80', 'Deny', `    ports:\n${tcp(80)}`)}`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
    expect(r.lines).toEqual([
      `${EXT} => ns1/a[Deployment] : All Connections`,
      `${EXT} => ns2/x[Deployment] : All Connections`,
      `ns1/a[Deployment] => ${EXT} : All Connections`,
      `${A_TO_X}All Connections`,
      `ns2/x[Deployment] => ${EXT} : All Connections`,
      `${X_TO_A}SCTP 1-65535,TCP 1-79,81-65535,UDP 1-65535`,
    ]);
  });

  it('evaluates AdminNetworkPolicies by priority, lowest number first, whatever their order in the input', () => {
    // Prepare: declared strongest-last
    const denyAll = anp('deny-all', 20, `  ingress:\n${fromNs2('deny', 'Deny')}`);
    const allow80 = anp('allow-80', 5, `  ingress:\n${fromNs2('allow', 'Allow', `    ports:\n${tcp(80)}`)}`);
    const yaml = docs(CLUSTER, denyAll, allow80);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(line(r.lines, X_TO_A)).toBe('TCP 80');
  });

  it('lets the stronger policy win when the Deny has the lower priority number', () => {
    // Prepare
    const yaml = docs(CLUSTER,
      anp('allow-80', 20, `  ingress:\n${fromNs2('allow', 'Allow', `    ports:\n${tcp(80)}`)}`),
      anp('deny-all', 5, `  ingress:\n${fromNs2('deny', 'Deny')}`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(line(r.lines, X_TO_A)).toBeUndefined();
  });

  it('decides each port by the first matching rule within one policy', () => {
    // Prepare
    const yaml = docs(CLUSTER, anp('ordered', 1, `  ingress:
${fromNs2('allow-80', 'Allow', `    ports:\n${tcp(80)}`)}
${fromNs2('deny-rest', 'Deny')}
${fromNs2('allow-all-too-late', 'Allow')}`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(line(r.lines, X_TO_A)).toBe('TCP 80');
  });

  it('allows ports that a NetworkPolicy would deny', () => {
    // Prepare
    const yaml = docs(CLUSTER,
      `kind: NetworkPolicy
metadata:
  name: deny-all
  namespace: ns1
spec:
  podSelector: {}`,
      anp('allow-443', 1, `  ingress:\n${fromNs2('allow', 'Allow', `    ports:\n${tcp(443)}`)}`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(line(r.lines, X_TO_A)).toBe('TCP 443');
    expect(line(r.lines, `${EXT} => ns1/a[Deployment] : `)).toBeUndefined();
  });

  it('hands Pass and unmatched traffic to the NetworkPolicies, and skips the baseline when they isolate', () => {
    // Prepare: np-guard's anp_with_np_and_banp_pass example
    const yaml = docs(CLUSTER,
      anp('pass', 3, `  ingress:
${fromNs2('allow-tcp80', 'Allow', `    ports:\n${tcp(80)}`)}
${fromNs2('pass-some', 'Pass', `    ports:
    - portNumber:
        protocol: UDP
        port: 80
    - portNumber:
        protocol: UDP
        port: 81
${tcp(81)}`)}`),
      `kind: NetworkPolicy
metadata:
  name: udp80-from-ns2
  namespace: ns1
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: ns2
    ports:
    - port: 80
      protocol: UDP`,
      banp(`  ingress:
${fromNs2('deny-udp80', 'Deny', `    ports:
    - portNumber:
        protocol: UDP
        port: 80`)}
${fromNs2('allow-udp81', 'Allow', `    ports:
    - portNumber:
        protocol: UDP
        port: 81`)}`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
    expect(line(r.lines, X_TO_A)).toBe('TCP 80,UDP 80');
  });

  it('hands passed traffic to the baseline policy when no NetworkPolicy isolates the pod', () => {
    // Prepare
    const yaml = docs(CLUSTER,
      anp('pass-80', 3, `  ingress:\n${fromNs2('pass', 'Pass', `    ports:\n${tcp(80)}`)}`),
      banp(`  ingress:\n${fromNs2('deny-80-81', 'Deny', `    ports:\n${tcp(80)}\n${tcp(81)}`)}`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(line(r.lines, X_TO_A)).toBe('SCTP 1-65535,TCP 1-79,82-65535,UDP 1-65535');
  });

  it('does not let the baseline override an ANP Allow', () => {
    // Prepare
    const yaml = docs(CLUSTER,
      anp('allow-80', 3, `  ingress:\n${fromNs2('allow', 'Allow', `    ports:\n${tcp(80)}`)}`),
      banp(`  ingress:\n${fromNs2('deny-all', 'Deny')}`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(line(r.lines, X_TO_A)).toBe('TCP 80');
  });
});

describe('BaselineAdminNetworkPolicy', () => {
  it('applies only when no NetworkPolicy isolates the pod', () => {
    // Prepare
    const baseline = banp(`  ingress:\n${fromNs2('deny-all', 'Deny')}`);
    const npAllowing = `kind: NetworkPolicy
metadata:
  name: allow-ns2
  namespace: ns1
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector: {}`;

    // Act
    const withoutNp = analyzeYaml(docs(CLUSTER, baseline));
    const withNp = analyzeYaml(docs(CLUSTER, baseline, npAllowing));

    // Assess
    expect(line(withoutNp.lines, X_TO_A)).toBeUndefined();
    expect(line(withoutNp.lines, `${EXT} => ns1/a[Deployment] : `)).toBe('All Connections');
    expect(line(withNp.lines, X_TO_A)).toBe('All Connections');
  });

  it('decides isolation per direction: an ingress-only NetworkPolicy leaves the baseline egress rules in force', () => {
    // Prepare
    const yaml = docs(CLUSTER, `kind: NetworkPolicy
metadata:
  name: ingress-from-ns2
  namespace: ns1
spec:
  podSelector: {}
  ingress:
  - from:
    - namespaceSelector: {}`, banp(`  ingress:
${fromNs2('deny-in', 'Deny')}
  egress:
  - name: deny-out-udp
    action: Deny
    to:
    - ${nsSel('ns2')}
    ports:
    - portRange:
        protocol: UDP
        start: 1
        end: 65535`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess: ingress decided by the NetworkPolicy, egress by the baseline
    expect(line(r.lines, X_TO_A)).toBe('All Connections');
    expect(line(r.lines, A_TO_X)).toBe('SCTP 1-65535,TCP 1-65535');
  });

  it('lets an earlier baseline Allow shield ports from a later baseline Deny', () => {
    // Prepare
    const yaml = docs(CLUSTER, banp(`  ingress:
${fromNs2('allow-80', 'Allow', `    ports:\n${tcp(80)}`)}
${fromNs2('deny-all', 'Deny')}`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(line(r.lines, X_TO_A)).toBe('TCP 80');
  });

  it('must be named default', () => {
    // Prepare
    const yaml = docs(CLUSTER, banp(`  ingress:\n${fromNs2('deny', 'Deny')}`, 'custom'));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.analysis).toBeUndefined();
    expect(messagesWith(r.errors, 'BaselineAdminNetworkPolicy custom',
      'only one baseline admin network policy with metadata.name=default can be created in the cluster')).toHaveLength(1);
  });

  it('rejects the Pass action', () => {
    // Prepare
    const yaml = docs(CLUSTER, banp(`  ingress:\n${fromNs2('pass', 'Pass')}`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.analysis).toBeUndefined();
    expect(messagesWith(r.errors, 'BaselineAdminNetworkPolicy default', 'spec.ingress[0].action', 'unrecognized action "Pass"')).toHaveLength(1);
  });

  it('rejects a second baseline policy', () => {
    // Prepare
    const rules = `  ingress:\n${fromNs2('deny', 'Deny')}`;
    const yaml = docs(CLUSTER, banp(rules), banp(rules));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.analysis).toBeUndefined();
    expect(messagesWith(r.errors, 'test.yaml#4', 'BaselineAdminNetworkPolicy default', 'already exists')).toHaveLength(1);
  });
});

describe('admin policy rule details', () => {
  it('reads ports: [] as matching no connection, unlike absent ports', () => {
    // Prepare
    const emptyPorts = anp('empty-ports', 1, `  ingress:\n${fromNs2('deny-nothing', 'Deny', '    ports: []')}`);
    const absentPorts = anp('absent-ports', 1, `  ingress:\n${fromNs2('deny-everything', 'Deny')}`);

    // Act
    const withEmpty = analyzeYaml(docs(CLUSTER, emptyPorts));
    const withAbsent = analyzeYaml(docs(CLUSTER, absentPorts));

    // Assess
    expect(line(withEmpty.lines, X_TO_A)).toBe('All Connections');
    expect(line(withAbsent.lines, X_TO_A)).toBeUndefined();
  });

  it('supports portRange and namedPort, a named port matching the container port whatever its protocol', () => {
    // Prepare: a's container port "dns" is UDP 53
    const yaml = docs(CLUSTER, anp('ports', 1, `  ingress:
${fromNs2('deny', 'Deny', `    ports:
    - namedPort: dns
    - portRange:
        protocol: SCTP
        start: 100
        end: 200
    - portRange:
        start: 1
        end: 1023`)}`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.warnings).toEqual([]);
    expect(line(r.lines, X_TO_A)).toBe('SCTP 1-99,201-65535,TCP 1024-65535,UDP 1-52,54-65535');
  });

  it('never matches external sources with ingress peers, even namespaces: {}', () => {
    // Prepare
    const yaml = docs(CLUSTER, anp('deny-all-ns', 1, `  ingress:
  - name: deny
    action: Deny
    from:
    - namespaces: {}`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(line(r.lines, `${EXT} => ns1/a[Deployment] : `)).toBe('All Connections');
    expect(line(r.lines, X_TO_A)).toBeUndefined();
  });

  it('selects subject pods by namespace and pod selector together', () => {
    // Prepare
    const yaml = docs(CLUSTER,
      deployment('ns1', 'b', { app: 'b' }),
      `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata:
  name: only-b
spec:
  priority: 1
  subject:
    pods:
      namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: ns1
      podSelector:
        matchLabels:
          app: b
  ingress:
${fromNs2('deny', 'Deny')}`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(line(r.lines, X_TO_A)).toBe('All Connections');
    expect(line(r.lines, 'ns2/x[Deployment] => ns1/b[Deployment] : ')).toBeUndefined();
  });

  it('matches egress networks peers against external ranges only, and cuts destinations at their bounds', () => {
    // Prepare
    const yaml = docs(CLUSTER, anp('no-10', 1, `  egress:
  - name: deny-10
    action: Deny
    to:
    - networks: [10.0.0.0/8]`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.lines).toEqual([
      `${EXT} => ns1/a[Deployment] : All Connections`,
      `${EXT} => ns2/x[Deployment] : All Connections`,
      'ns1/a[Deployment] => 0.0.0.0-9.255.255.255[External] : All Connections',
      'ns1/a[Deployment] => 11.0.0.0-255.255.255.255[External] : All Connections',
      `${A_TO_X}All Connections`,
      'ns2/x[Deployment] => 0.0.0.0-9.255.255.255[External] : All Connections',
      'ns2/x[Deployment] => 10.0.0.0-10.255.255.255[External] : All Connections',
      'ns2/x[Deployment] => 11.0.0.0-255.255.255.255[External] : All Connections',
      `ns2/x[Deployment] => ns1/a[Deployment] : All Connections`,
    ]);
  });

  it('lets a baseline deny egress to the world while an ANP allows one network and pods', () => {
    // Prepare: np-guard's anp_and_banp_using_networks example, IPv6 entry included
    const yaml = docs(CLUSTER,
      anp('egress', 1, `  egress:
  - name: deny-dns-google
    action: Deny
    to:
    - networks: [8.8.8.8/32]
    ports:
    - portNumber:
        protocol: UDP
        port: 53
  - name: allow-net
    action: Allow
    to:
    - networks: [60.45.72.0/22, "2001:db8::/32"]
  - name: allow-pods
    action: Allow
    to:
    - namespaces: {}
  - name: pass-rest
    action: Pass
    to:
    - networks: [0.0.0.0/0]`),
      banp(`  egress:
  - name: deny-world
    action: Deny
    to:
    - networks: [0.0.0.0/0]`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
    expect(r.lines.filter((l) => l.startsWith('ns1/a'))).toEqual([
      'ns1/a[Deployment] => 60.45.72.0-60.45.75.255[External] : All Connections',
      `${A_TO_X}All Connections`,
    ]);
    expect(r.analysis?.reachability.destinationPieces.map((p) => formatIpv4Range(p.start, p.end))).toEqual([
      '0.0.0.0-8.8.8.7', '8.8.8.8-8.8.8.8', '8.8.8.9-60.45.71.255', '60.45.72.0-60.45.75.255', '60.45.76.0-255.255.255.255',
    ]);
    expect(r.analysis?.reachability.sourcePieces.map((p) => formatIpv4Range(p.start, p.end))).toEqual(['0.0.0.0-255.255.255.255']);
    expect(messagesWith(r.warnings, 'AdminNetworkPolicy egress', '2001:db8::/32', 'IPv6 addresses are not supported')).toHaveLength(1);
  });

  it('ignores a nodes peer with a warning', () => {
    // Prepare
    const yaml = docs(CLUSTER, anp('nodes', 1, `  egress:
  - name: deny-nodes
    action: Deny
    to:
    - nodes:
        matchLabels:
          node-role.kubernetes.io/control-plane: ""`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
    expect(line(r.lines, A_TO_X)).toBe('All Connections');
    expect(line(r.lines, `ns1/a[Deployment] => ${EXT} : `)).toBe('All Connections');
    expect(messagesWith(r.warnings, 'AdminNetworkPolicy nodes', 'Nodes field of an AdminNetworkPolicyEgressPeer is not supported'))
      .toHaveLength(1);
  });

  it('restricts egress of subject pods towards namespaces', () => {
    // Prepare
    const yaml = docs(CLUSTER, anp('egress-ns2', 1, `  egress:
  - name: deny-ns2-udp
    action: Deny
    to:
    - ${nsSel('ns2')}
    ports:
    - portRange:
        protocol: UDP
        start: 1
        end: 65535`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(line(r.lines, A_TO_X)).toBe('SCTP 1-65535,TCP 1-65535');
    expect(line(r.lines, X_TO_A)).toBe('All Connections');
  });
});

describe('admin policy warnings', () => {
  it('warns that a named port cannot apply to an external destination', () => {
    // Prepare
    const yaml = docs(CLUSTER, anp('named-to-net', 1, `  egress:
  - name: deny-http-to-10
    action: Deny
    to:
    - networks: [10.0.0.0/8]
    ports:
    - namedPort: http`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(line(r.lines, 'ns1/a[Deployment] => 10.0.0.0-10.255.255.255[External] : ')).toBe('All Connections');
    expect(messagesWith(r.warnings, 'named-to-net', 'named port is not defined for IP addresses')).toHaveLength(1);
  });

  it('warns about a named port that matches no container port of any destination', () => {
    // Prepare
    const yaml = docs(CLUSTER, anp('typo', 1, `  ingress:
${fromNs2('deny-htp', 'Deny', '    ports:\n    - namedPort: htp')}`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(line(r.lines, X_TO_A)).toBe('All Connections');
    expect(messagesWith(r.warnings, 'AdminNetworkPolicy typo', 'port name: "htp" has no match')).toHaveLength(1);
  });
});

describe('admin policy validation', () => {
  it('rejects two AdminNetworkPolicies with the same priority', () => {
    // Prepare
    const rules = `  ingress:\n${fromNs2('deny', 'Deny')}`;
    const yaml = docs(CLUSTER, anp('first', 7, rules), anp('second', 7, rules));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.analysis).toBeUndefined();
    expect(messagesWith(r.errors, 'AdminNetworkPolicy second', '"first"', '"second"',
      'Two policies are considered to be conflicting if they are assigned the same priority.')).toHaveLength(1);
  });

  it('rejects a priority outside 0..1000', () => {
    // Prepare
    const yaml = docs(CLUSTER, anp('too-low', 1001, `  ingress:\n${fromNs2('deny', 'Deny')}`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(messagesWith(r.errors, 'Invalid Priority Value: 1001 in Admin Network Policy: "too-low"; Priority value must be between 0-1000'))
      .toHaveLength(1);
  });

  it('rejects an unknown action, a peer with two fields, a subject with none, and an empty to', () => {
    // Prepare
    const badAction = anp('bad-action', 1, `  ingress:\n${fromNs2('r', 'Reject')}`);
    const twoFields = anp('two-fields', 2, `  ingress:
  - name: r
    action: Deny
    from:
    - namespaces: {}
      pods:
        podSelector: {}`);
    const noSubject = `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata:
  name: no-subject
spec:
  priority: 3
  subject: {}
  ingress:
${fromNs2('r', 'Deny')}`;
    const emptyTo = anp('empty-to', 4, `  egress:
  - name: r
    action: Deny
    to: []`);

    // Act
    const results = [badAction, twoFields, noSubject, emptyTo].map((p) => analyzeYaml(docs(CLUSTER, p)));

    // Assess
    expect(results.map((r) => r.analysis)).toEqual([undefined, undefined, undefined, undefined]);
    expect(messagesWith(results[0]!.errors, 'AdminNetworkPolicy bad-action', 'unrecognized action "Reject"')).toHaveLength(1);
    expect(messagesWith(results[1]!.errors, 'AdminNetworkPolicy two-fields', 'exactly one field must be set in a rule peer')).toHaveLength(1);
    expect(messagesWith(results[2]!.errors, 'AdminNetworkPolicy no-subject', 'exactly one field must be set in a subject')).toHaveLength(1);
    expect(messagesWith(results[3]!.errors, 'AdminNetworkPolicy empty-to', 'to field must be defined and contain at least one item'))
      .toHaveLength(1);
  });

  it('rejects an illegal portRange and a port entry with two fields', () => {
    // Prepare
    const badRange = anp('bad-range', 1, `  ingress:
${fromNs2('r', 'Deny', `    ports:
    - portRange:
        start: 10
        end: 1`)}`);
    const twoPortFields = anp('two-port-fields', 1, `  ingress:
${fromNs2('r', 'Deny', `    ports:
    - namedPort: dns
${tcp(53).replace('    - portNumber', '      portNumber')}`)}`);

    // Act
    const range = analyzeYaml(docs(CLUSTER, badRange));
    const two = analyzeYaml(docs(CLUSTER, twoPortFields));

    // Assess
    expect(messagesWith(range.errors, 'AdminNetworkPolicy bad-range', 'port range 10-1 is',
      'start and end values of the port range should be in {1-65535} and end may not be less than start')).toHaveLength(1);
    expect(messagesWith(two.errors, 'AdminNetworkPolicy two-port-fields', 'exactly one field must be set in an AdminNetworkPolicyPort'))
      .toHaveLength(1);
  });

  it('rejects an invalid networks CIDR', () => {
    // Prepare
    const yaml = docs(CLUSTER, anp('bad-net', 1, `  egress:
  - name: r
    action: Deny
    to:
    - networks: [10.0.0.0/40]`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(messagesWith(r.errors, 'AdminNetworkPolicy bad-net', 'invalid CIDR address: 10.0.0.0/40')).toHaveLength(1);
  });
});
