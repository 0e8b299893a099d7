/**
 * Property tests: the reachability engine against a brute-force oracle, on random small clusters.
 *
 * The generator writes raw Kubernetes objects (as a manifest would hold them), which go through the
 * real parser (`analyzeObjects`). The oracle (test/oracle/bruteForce.ts) decides every pod pair on
 * its own, straight from the NetworkPolicy / AdminNetworkPolicy specification. It is run twice:
 *  - on the model the engine parsed, which checks the engine's evaluation alone;
 *  - on an independent reading of the same objects (test/oracle/readManifests.ts), which checks
 *    parsing and evaluation together, end to end.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import type { SourcedObject } from '../../lib/core/manifests/parseManifestText.js';
import { analyzeObjects, reanalyzeWithPolicies, type Analysis } from '../../lib/core/netpol/analyze.js';
import { ConnectionSet } from '../../lib/core/netpol/connectionSet.js';
import { listConnections, type Connection } from '../../lib/core/netpol/connectivity.js';
import { NONE } from '../../lib/core/netpol/engine/connTable.js';
import { ReachabilityQueries } from '../../lib/core/netpol/queries.js';
import { bruteForceReachCounts, bruteForceWorkloadConnections } from '../oracle/bruteForce.js';
import { complement, intersect, subtract, union, type Range, type RangeList } from '../oracle/ranges.js';
import { cidrRange, readManifests } from '../oracle/readManifests.js';

type Obj = Record<string, unknown>;

const NUM_RUNS = 200;

// ------------------------------------------------------------------------------------------------
// Vocabulary: small on purpose, so that selectors, ports and address blocks often collide.

const NAMESPACES = ['ns-a', 'ns-b', 'ns-c', 'ns-d'];
/** A namespace with workloads but no Namespace object. */
const IMPLICIT_NAMESPACE = 'default';
const NAMESPACE_LABELS: Record<string, string[]> = { team: ['x', 'y'], env: ['prod', 'dev'] };
const NAMESPACE_SELECTOR_LABELS: Record<string, string[]> = {
  ...NAMESPACE_LABELS,
  'kubernetes.io/metadata.name': [...NAMESPACES, IMPLICIT_NAMESPACE],
};
const POD_LABELS: Record<string, string[]> = { app: ['web', 'db', 'api'], tier: ['front', 'back'] };
const CONTAINER_PORT_NAMES = ['http', 'dns', 'metrics'];
const RULE_PORT_NAMES = [...CONTAINER_PORT_NAMES, 'nope'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const MIN_PORT = 78;
const MAX_PORT = 82;
/** Nested, adjacent and disjoint blocks; the last one has host bits set. */
const CIDRS = [
  '0.0.0.0/0', '10.0.0.0/8', '10.0.0.0/9', '10.128.0.0/9', '10.1.0.0/16', '10.1.2.0/24', '10.1.2.3/32',
  '10.1.2.4/31', '192.168.0.0/16', '192.168.1.0/24', '10.1.2.3/8',
];
const MASKED_CIDRS = CIDRS.filter((c) => c !== '10.1.2.3/8');

// ------------------------------------------------------------------------------------------------
// Generators

/** Drops undefined fields, so that generated objects look like parsed YAML. */
function compact<T extends Obj>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

/**
 * Absent, present but empty, or 1..max items: different things in the network-policy API. Items
 * are the most likely, so that rules often restrict peers and ports.
 */
const absentEmptyOrSome = <T>(arb: fc.Arbitrary<T>, max: number): fc.Arbitrary<T[] | undefined> => fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 1 },
  { arbitrary: fc.constant<T[]>([]), weight: 1 },
  { arbitrary: fc.array(arb, { minLength: 1, maxLength: max }), weight: 4 },
);

function labelsArb(vocabulary: Record<string, string[]>): fc.Arbitrary<Record<string, string>> {
  const fields = Object.fromEntries(Object.entries(vocabulary).map(([k, values]) => [k, fc.constantFrom(...values)]));
  return fc.record(fields, { requiredKeys: [] }).map((labels) => compact(labels as Record<string, string>));
}

function selectorArb(vocabulary: Record<string, string[]>): fc.Arbitrary<Obj> {
  const expression = fc.constantFrom(...Object.keys(vocabulary)).chain((key) => fc.oneof(
    fc.record({ key: fc.constant(key), operator: fc.constantFrom('In', 'NotIn'), values: fc.subarray(vocabulary[key]!, { minLength: 1 }) }),
    fc.record({ key: fc.constant(key), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
  ));
  return fc.record({ matchLabels: labelsArb(vocabulary), matchExpressions: fc.array(expression, { maxLength: 2 }) }, { requiredKeys: [] });
}

/** Often `{}` (everything), so that policies often apply. */
const podSelectorArb = fc.oneof({ arbitrary: fc.constant({}), weight: 1 }, { arbitrary: selectorArb(POD_LABELS), weight: 2 });
const namespaceSelectorArb = fc.oneof({ arbitrary: fc.constant({}), weight: 1 }, { arbitrary: selectorArb(NAMESPACE_SELECTOR_LABELS), weight: 2 });
const protocolArb = fc.constantFrom(...PROTOCOLS);
const portArb = fc.integer({ min: MIN_PORT, max: MAX_PORT });
const portRangeArb = portArb.chain((start) => fc.tuple(fc.constant(start), fc.integer({ min: start, max: MAX_PORT })));

/** Container port names are unique within a pod, as Kubernetes requires within a container. */
const containerPortsArb = fc.uniqueArray(
  fc.record({ name: optional(fc.constantFrom(...CONTAINER_PORT_NAMES)), containerPort: portArb, protocol: optional(protocolArb) }),
  { maxLength: 3, comparator: (a, b) => a.name !== undefined && a.name === b.name },
).map((ports) => ports.map(compact));

interface WorkloadSpec {
  readonly kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Pod' | 'ReplicaSet pods';
  readonly namespace: string;
  readonly labels: Record<string, string>;
  readonly ports: Obj[];
  /** Ports of the second pod of `ReplicaSet pods` (same labels, maybe other ports). */
  readonly otherPorts: Obj[];
  /** Whether the ports are split over two containers. */
  readonly twoContainers: boolean;
}

const workloadArb = (namespaces: string[]): fc.Arbitrary<WorkloadSpec> => fc.record({
  kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'Pod', 'ReplicaSet pods'),
  namespace: fc.constantFrom(...namespaces),
  labels: labelsArb(POD_LABELS),
  ports: containerPortsArb,
  otherPorts: containerPortsArb,
  twoContainers: fc.boolean(),
});

/** `cidr` and, maybe, some blocks strictly inside it to except. */
const ipBlockArb: fc.Arbitrary<Obj> = fc.constantFrom(...CIDRS).chain((cidr) => {
  const [start, end] = cidrRange(cidr);
  const inside = CIDRS.filter((c) => {
    const [s, e] = cidrRange(c);
    return start <= s && e <= end && (s !== start || e !== end);
  });
  if (inside.length === 0) return fc.constant({ cidr });
  return fc.record({ cidr: fc.constant(cidr), except: optional(fc.subarray(inside, { minLength: 1, maxLength: Math.min(2, inside.length) })) }).map(compact);
});

const netpolPeerArb: fc.Arbitrary<Obj> = fc.oneof(
  fc.record({ podSelector: podSelectorArb }),
  fc.record({ namespaceSelector: namespaceSelectorArb }),
  fc.record({ podSelector: podSelectorArb, namespaceSelector: namespaceSelectorArb }),
  fc.record({ ipBlock: ipBlockArb }),
);

const netpolPortArb: fc.Arbitrary<Obj> = fc.oneof(
  fc.record({ protocol: optional(protocolArb) }),
  fc.record({ protocol: optional(protocolArb), port: portArb }),
  fc.record({ protocol: optional(protocolArb), range: portRangeArb }).map(({ protocol, range: [port, endPort] }) => ({ protocol, port, endPort })),
  fc.record({ protocol: optional(protocolArb), port: fc.constantFrom(...RULE_PORT_NAMES) }),
).map(compact);

/**
 * An egress rule with both an ipBlock peer and a named port is refused (see
 * `expectRefusedForNamedPortToAddress`), so such rules are kept rare (1 in 5) to spend the runs on
 * accepted input: otherwise the named ports of such a rule are dropped.
 */
const netpolRuleArb = (peersKey: 'from' | 'to'): fc.Arbitrary<Obj> =>
  fc.record({ peers: absentEmptyOrSome(netpolPeerArb, 3), ports: absentEmptyOrSome(netpolPortArb, 3), keepNamedToIp: fc.nat(4) })
    .map(({ peers, ports, keepNamedToIp }) => {
      const toAddresses = peersKey === 'to' && (peers ?? []).some((p) => p.ipBlock !== undefined);
      const kept = toAddresses && keepNamedToIp !== 0 ? ports?.filter((p) => typeof p.port !== 'string') : ports;
      return compact({ [peersKey]: peers, ports: kept });
    });

interface NetpolSpec {
  readonly namespace: string;
  readonly spec: Obj;
}

const netpolArb = (namespaces: string[]): fc.Arbitrary<NetpolSpec> => fc.record({
  namespace: fc.constantFrom(...namespaces),
  spec: fc.record({
    podSelector: podSelectorArb,
    policyTypes: fc.oneof(fc.constant(undefined), fc.constant([]), fc.subarray(['Ingress', 'Egress'], { minLength: 1 })),
    ingress: absentEmptyOrSome(netpolRuleArb('from'), 3),
    egress: absentEmptyOrSome(netpolRuleArb('to'), 3),
  }).map(compact),
});

const adminPodsArb = fc.record({ namespaceSelector: namespaceSelectorArb, podSelector: podSelectorArb });
const adminSubjectArb: fc.Arbitrary<Obj> = fc.oneof(fc.record({ namespaces: namespaceSelectorArb }), fc.record({ pods: adminPodsArb }));
const adminEgressPeerArb: fc.Arbitrary<Obj> = fc.oneof(
  adminSubjectArb,
  fc.record({ networks: fc.subarray(MASKED_CIDRS, { minLength: 1, maxLength: 3 }) }),
);
const adminPortArb: fc.Arbitrary<Obj> = fc.oneof(
  fc.record({ portNumber: fc.record({ protocol: protocolArb, port: portArb }) }),
  fc.record({ portRange: fc.record({ protocol: protocolArb, range: portRangeArb }).map(({ protocol, range: [start, end] }) => ({ protocol, start, end })) }),
  fc.record({ namedPort: fc.constantFrom(...RULE_PORT_NAMES) }),
);

function adminRulesArb(actions: string[], peersKey: 'from' | 'to'): fc.Arbitrary<Obj[]> {
  const peerArb = peersKey === 'from' ? adminSubjectArb : adminEgressPeerArb;
  const rule = fc.record({
    action: fc.constantFrom(...actions),
    peers: fc.array(peerArb, { minLength: 1, maxLength: 2 }),
    ports: absentEmptyOrSome(adminPortArb, 3),
  });
  return fc.array(rule, { maxLength: 3 }).map((rules) =>
    rules.map(({ action, peers, ports }, i) => compact({ name: `${peersKey === 'from' ? 'in' : 'out'}-${i}`, action, [peersKey]: peers, ports })));
}

const adminSpecArb = (actions: string[]): fc.Arbitrary<Obj> => fc.record({
  subject: adminSubjectArb,
  ingress: adminRulesArb(actions, 'from'),
  egress: adminRulesArb(actions, 'to'),
}).map(({ subject, ingress, egress }) => compact({
  subject,
  ...(ingress.length > 0 && { ingress }),
  ...(egress.length > 0 && { egress }),
}));

/** 0 to 2 AdminNetworkPolicies with distinct priorities (equal ones are refused). */
const adminPoliciesArb: fc.Arbitrary<Obj[]> = fc.uniqueArray(
  fc.record({ priority: fc.integer({ min: 0, max: 5 }), spec: adminSpecArb(['Allow', 'Deny', 'Pass']) }),
  { maxLength: 2, selector: (a) => a.priority },
).map((admins) => admins.map(({ priority, spec }) => ({ priority, ...spec })));

interface Cluster {
  /** Namespaces that hold workloads or policies (declared ones and the implicit one). */
  readonly namespaces: string[];
  readonly objects: Obj[];
}

const clusterArb: fc.Arbitrary<Cluster> = fc.integer({ min: 2, max: 4 }).chain((count) => {
  const declared = NAMESPACES.slice(0, count);
  const namespaces = [...declared, IMPLICIT_NAMESPACE];
  return fc.record({
    namespaceLabels: fc.tuple(...declared.map(() => labelsArb(NAMESPACE_LABELS))),
    workloads: fc.array(workloadArb(namespaces), { minLength: 2, maxLength: 8 }),
    policies: fc.array(netpolArb(namespaces), { maxLength: 6 }),
    admins: adminPoliciesArb,
    baseline: optional(adminSpecArb(['Allow', 'Deny'])),
  }).map(({ namespaceLabels, workloads, policies, admins, baseline }) => ({
    namespaces,
    objects: [
      ...declared.map((name, i) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: namespaceLabels[i] } })),
      ...workloads.flatMap((w, i) => workloadObjects(w, `w${i}`)),
      ...policies.map((p, i) => ({
        apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `np${i}`, namespace: p.namespace }, spec: p.spec,
      })),
      ...admins.map((spec, i) => ({
        apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name: `anp${i}` }, spec,
      })),
      ...(baseline
        ? [{ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'BaselineAdminNetworkPolicy', metadata: { name: 'default' }, spec: baseline }]
        : []),
    ],
  }));
});

function podSpec(ports: Obj[], twoContainers: boolean): Obj {
  const cut = twoContainers ? Math.ceil(ports.length / 2) : ports.length;
  const containers = [{ name: 'main', image: 'app', ports: ports.slice(0, cut) }];
  if (twoContainers) containers.push({ name: 'side', image: 'sidecar', ports: ports.slice(cut) });
  return { containers };
}

function workloadObjects(w: WorkloadSpec, name: string): Obj[] {
  if (w.kind === 'Pod') {
    return [{ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: w.namespace, labels: w.labels }, spec: podSpec(w.ports, w.twoContainers) }];
  }
  if (w.kind === 'ReplicaSet pods') {
    const ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid: `uid-${name}`, controller: true }];
    return [w.ports, w.otherPorts].map((ports, i) => ({
      apiVersion: 'v1', kind: 'Pod',
      metadata: { name: `${name}-${i + 1}`, namespace: w.namespace, labels: w.labels, ownerReferences },
      spec: podSpec(ports, w.twoContainers),
    }));
  }
  return [{
    apiVersion: 'apps/v1', kind: w.kind, metadata: { name, namespace: w.namespace },
    spec: { selector: { matchLabels: w.labels }, template: { metadata: { labels: w.labels }, spec: podSpec(w.ports, w.twoContainers) } },
  }];
}

// ------------------------------------------------------------------------------------------------
// Running the engine

function analyze(objects: readonly Obj[]): { analysis: Analysis | undefined; diagnostics: DiagnosticList } {
  const diagnostics = new DiagnosticList();
  const sourced: SourcedObject[] = objects.map((object) => ({ source: 'gen', object }));
  return { analysis: analyzeObjects(sourced, diagnostics), diagnostics };
}

/**
 * The one input the engine refuses on purpose (np-guard does too): a NetworkPolicy egress rule
 * naming a port by name while sending to an ipBlock. Kubernetes itself accepts it.
 */
function expectRefusedForNamedPortToAddress(diagnostics: DiagnosticList): void {
  const fatal = diagnostics.all.filter((d) => d.severity === 'fatal').map((d) => d.message);
  expect(fatal.length).toBeGreaterThan(0);
  for (const message of fatal) expect(message).toMatch(/named port .*IP destination/);
}

function engineConnectionList(analysis: Analysis): Connection[] {
  return listConnections(analysis.reachability, new DiagnosticList()).filter((c) => c.srcKind !== 'ingress-controller');
}

/** `SRC => DST : CONN` lines, sorted, for readable diffs. */
function lines(connections: ReadonlyMap<string, string>): string[] {
  return [...connections].map(([pair, conn]) => `${pair} : ${conn}`).sort();
}

function engineLines(analysis: Analysis): string[] {
  return lines(new Map(engineConnectionList(analysis).map((c) => [`${c.src} => ${c.dst}`, c.conn.key])));
}

/** For each workload, how many other workloads it reaches: what the blast radius reads. */
function reachCountsOf(analysis: Analysis): number[] {
  return new ReachabilityQueries(analysis.reachability).reachCounts().map((c) => c.reachable);
}

function reachCountsById(ids: readonly string[], counts: readonly number[]): Record<string, number> {
  return Object.fromEntries(ids.map((id, i) => [id, counts[i]!]));
}

function withoutPolicies(objects: readonly Obj[]): Obj[] {
  const policyKinds = ['NetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'];
  return objects.filter((o) => !policyKinds.includes(o.kind as string));
}

// ------------------------------------------------------------------------------------------------
// Properties

describe('the reachability engine on random clusters', () => {
  it('lists exactly the connections the brute-force oracle finds on the parsed model', () => {
    fc.assert(fc.property(clusterArb, ({ objects }) => {
      // Prepare
      const { analysis, diagnostics } = analyze(objects);
      if (!analysis) return expectRefusedForNamedPortToAddress(diagnostics);

      // Act
      const actual = engineLines(analysis);
      const expected = lines(bruteForceWorkloadConnections(analysis.model));

      // Assess
      expect(actual).toEqual(expected);
    }), { numRuns: NUM_RUNS });
  });

  it('lists exactly the connections the manifests mean, read independently and decided by brute force', () => {
    fc.assert(fc.property(clusterArb, ({ objects }) => {
      // Prepare
      const { analysis, diagnostics } = analyze(objects);
      if (!analysis) return expectRefusedForNamedPortToAddress(diagnostics);
      const { model, sourceBlocks, destinationBlocks } = readManifests(objects);

      // Act
      const actual = engineLines(analysis);
      const expected = lines(bruteForceWorkloadConnections(model, { sourceBlocks, destinationBlocks }));

      // Assess
      expect(actual).toEqual(expected);
    }), { numRuns: NUM_RUNS });
  });

  it('counts, for every workload, the other workloads it reaches as the oracle does', () => {
    fc.assert(fc.property(clusterArb, ({ objects }) => {
      // Prepare
      const { analysis, diagnostics } = analyze(objects);
      if (!analysis) return expectRefusedForNamedPortToAddress(diagnostics);
      const { model } = readManifests(objects);

      // Act
      const actual = reachCountsOf(analysis);
      const onParsedModel = bruteForceReachCounts(analysis.model);
      const onIndependentReading = bruteForceReachCounts(model);

      // Assess
      expect(actual).toEqual(onParsedModel);
      expect(reachCountsById(analysis.model.workloads.map((w) => w.id), actual))
        .toEqual(reachCountsById(model.workloads.map((w) => w.id), onIndependentReading));
    }), { numRuns: NUM_RUNS });
  });

  it('answers per source group as pair by pair, and counts what each workload reaches as the oracle does', () => {
    fc.assert(fc.property(clusterArb, ({ objects }) => {
      // Prepare
      const { analysis, diagnostics } = analyze(objects);
      if (!analysis) return expectRefusedForNamedPortToAddress(diagnostics);
      const queries = new ReachabilityQueries(analysis.reachability);
      const { groupOf } = analysis.reachability.sourceGroups;
      const workloads = analysis.model.workloads.map((_, w) => w);

      const pairwise = workloads.map((s) => workloads.filter((d) => d !== s && analysis.reachability.workloadToWorkload(s, d) !== NONE));

      // Act
      const reaching = workloads.map((d) => new Set(queries.groupsReaching(d)));
      const summaries = workloads.map((s) => queries.reachSummary(s));

      // Assess
      for (const d of workloads) {
        for (const s of workloads) expect(reaching[d]!.has(groupOf[s]!)).toBe(analysis.reachability.workloadToWorkload(s, d) !== NONE);
      }
      expect(summaries.map((r) => r.count)).toEqual(bruteForceReachCounts(analysis.model));
      expect(summaries.map((r) => r.namespaces)).toEqual(pairwise.map((list) => new Set(list.map((d) => analysis.model.workloads[d]!.namespace)).size));
      expect(summaries.map((r) => r.example?.id)).toEqual(pairwise.map((list) => (list.length > 0 ? analysis.model.workloads[list[0]!]!.id : undefined)));
    }), { numRuns: NUM_RUNS });
  });

  it('gives the same connections when NetworkPolicies are added to (or replace themselves in) an analysed cluster as when it is analysed whole', () => {
    fc.assert(fc.property(clusterArb, ({ objects }) => {
      // Prepare
      const whole = analyze(objects);
      if (!whole.analysis) return expectRefusedForNamedPortToAddress(whole.diagnostics);
      const base = analyze(objects.filter((o) => o.kind !== 'NetworkPolicy')).analysis!;
      const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map((object) => ({ source: 'gen', object }));

      // Act
      const diagnostics = new DiagnosticList();
      const added = reanalyzeWithPolicies(base, policies, diagnostics);
      const replaced = reanalyzeWithPolicies(whole.analysis, policies, diagnostics);

      // Assess
      expect(diagnostics.hasFatal).toBe(false);
      expect(engineLines(added!)).toEqual(engineLines(whole.analysis));
      expect(engineLines(replaced!)).toEqual(engineLines(whole.analysis));
      expect(replaced!.model.policies).toHaveLength(whole.analysis.model.policies.length);
    }), { numRuns: NUM_RUNS });
  });

  it('never gains a connection when a namespace gets a default-deny policy', () => {
    const arb = clusterArb.chain((cluster) => fc.record({ cluster: fc.constant(cluster), namespace: fc.constantFrom(...cluster.namespaces) }));
    fc.assert(fc.property(arb, ({ cluster, namespace }) => {
      // Prepare
      const defaultDeny = {
        apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
        metadata: { name: 'zz-default-deny', namespace },
        spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
      };
      const before = analyze(cluster.objects);
      if (!before.analysis) return expectRefusedForNamedPortToAddress(before.diagnostics);

      // Act
      const after = analyze([...cluster.objects, defaultDeny]);

      // Assess
      expect(after.analysis).toBeDefined();
      const allowedBefore = new Map(engineConnectionList(before.analysis).map((c) => [`${c.src} => ${c.dst}`, c.conn]));
      const gained = engineConnectionList(after.analysis!)
        .map((c) => ({ pair: `${c.src} => ${c.dst}`, gained: c.conn.subtract(allowedBefore.get(`${c.src} => ${c.dst}`) ?? ConnectionSet.none) }))
        .filter((g) => !g.gained.isEmpty)
        .map((g) => `${g.pair} : ${g.gained.key}`);
      expect(gained).toEqual([]);
    }), { numRuns: NUM_RUNS });
  });

  it('allows all connections everywhere once every policy is removed', () => {
    fc.assert(fc.property(clusterArb, ({ objects }) => {
      // Prepare
      const { analysis } = analyze(withoutPolicies(objects));
      expect(analysis).toBeDefined();
      const ids = analysis!.model.workloads.map((w) => w.id);
      const everything = '0.0.0.0-255.255.255.255[External]';

      // Act
      const actual = engineLines(analysis!);
      const counts = reachCountsOf(analysis!);

      // Assess
      const expected = ids.flatMap((src) => [
        `${everything} => ${src} : All Connections`,
        `${src} => ${everything} : All Connections`,
        ...ids.filter((dst) => dst !== src).map((dst) => `${src} => ${dst} : All Connections`),
      ]).sort();
      expect(actual).toEqual(expected);
      expect(counts).toEqual(ids.map(() => ids.length - 1));
    }), { numRuns: NUM_RUNS });
  });
});

describe("the oracle's range arithmetic", () => {
  const LIMIT = 30;
  const rangeArb = fc.tuple(fc.integer({ min: 0, max: LIMIT }), fc.integer({ min: 0, max: LIMIT })).map(([a, b]): Range => [a, b]);
  /** Ranges in any order, overlapping or touching. */
  const listArb = fc.array(rangeArb, { maxLength: 4 });
  const members = (ranges: RangeList): number[] =>
    Array.from({ length: LIMIT + 1 }, (_, i) => i).filter((i) => ranges.some(([a, b]) => a <= i && i <= b));
  const isCanonical = (ranges: RangeList): boolean =>
    ranges.every(([a, b], i) => a <= b && (i === 0 || a > ranges[i - 1]![1] + 1));

  it('agrees with integer sets on union, intersection, difference and complement', () => {
    fc.assert(fc.property(listArb, listArb, (a, b) => {
      // Prepare
      const inA = new Set(members(a));
      const inB = new Set(members(b));
      const all = members([[0, LIMIT]]);

      // Act
      const results = { union: union(a, b), intersect: intersect(a, b), subtract: subtract(a, b, 0, LIMIT), complement: complement(a, 0, LIMIT) };

      // Assess
      expect(members(results.union)).toEqual(all.filter((i) => inA.has(i) || inB.has(i)));
      expect(members(results.intersect)).toEqual(all.filter((i) => inA.has(i) && inB.has(i)));
      expect(members(results.subtract)).toEqual(all.filter((i) => inA.has(i) && !inB.has(i)));
      expect(members(results.complement)).toEqual(all.filter((i) => !inA.has(i)));
      expect(Object.values(results).every(isCanonical)).toBe(true);
    }), { numRuns: 500 });
  });
});
