/**
 * Property tests of the whole technique catalog on random small clusters (namespaces, Deployments
 * with labels and ports, random NetworkPolicies; NetworkPolicies enforced by the VPC CNI):
 *  (a) a default-deny policy (ingress and egress, every pod) added to any namespace only takes
 *      connections away, so no technique exposes more subjects and no passing finding fails;
 *  (b) removing every NetworkPolicy only adds connections, so no technique exposes fewer subjects;
 *  (c) applying every suggested remediation never fails (or makes unknown) a passing finding, which
 *      is why the what-if re-judges only the others, and the what-if score is a from-scratch run's;
 *  (d) widening a NetworkPolicy's ingress (a rule admitting everyone, a peer of every namespace, a
 *      rule's ports dropped) never takes a MS-TA9034 failure away.
 * The catalog grows as techniques are added; every registered technique is held to both.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { snapshotFromObjects } from '../../lib/core/evidence/buildSnapshot.js';
import type { EvidenceSnapshot } from '../../lib/core/evidence/snapshot.js';
import type { Finding } from '../../lib/core/findings/finding.js';
import { assessCluster, remediatedSnapshot } from '../../lib/core/report/assessCluster.js';
import { scoreCluster } from '../../lib/core/scoring/score.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';
import { runTechniques } from '../../lib/core/techniques/runTechniques.js';
import { bundleYaml } from '../../lib/core/techniques/bundle.js';
import { manifestProblem } from '../../lib/core/techniques/manifestValidation.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { parseManifestText } from '../../lib/core/manifests/parseManifestText.js';
import { analyzeObjects } from '../../lib/core/netpol/analyze.js';

type Obj = Record<string, unknown>;

const NUM_RUNS = Number(process.env.KUBESEG_PROPERTY_RUNS ?? 60);

// ------------------------------------------------------------------------------------------------
// Vocabulary: small, so that selectors often match.

const TEAM_NAMESPACES = ['shop', 'data', 'ops'];
const NAMESPACES = [...TEAM_NAMESPACES, 'kube-system', 'default'];
const APPS = ['web', 'api', 'db', 'dashboard'];
const TIERS = ['front', 'back'];
const PORTS = [
  { name: 'http', containerPort: 80 }, { name: 'https', containerPort: 443 }, { name: 'metrics', containerPort: 9090 },
  { containerPort: 8080 }, { name: 'grpc', containerPort: 44134 },
];
/** Mostly plain apps; some are sensitive interfaces that the dashboard, tiller and TA9005 checks recognise. */
const IMAGES = [
  'registry.example.com/app:1', 'registry.example.com/app:1', 'registry.example.com/app:1',
  'kubernetesui/dashboard:v2.7.0', 'ghcr.io/helm/tiller:v2.17.0', 'grafana/grafana:10.4.0', 'jupyter/base-notebook:latest',
];
const CIDRS = ['0.0.0.0/0', '10.0.0.0/8', '10.0.1.0/24', '169.254.169.254/32', '192.168.0.0/16'];
const EXCEPTS: Record<string, string[]> = {
  '0.0.0.0/0': ['169.254.169.254/32', '10.0.0.0/8', '10.0.1.20/32'], '10.0.0.0/8': ['10.0.1.0/24'], '10.0.1.0/24': ['10.0.1.5/32'],
  '169.254.169.254/32': [], '192.168.0.0/16': [],
};
const NODE_ADDRESS = '10.0.1.5';
const API_SERVER_ADDRESS = '10.0.1.20';

// ------------------------------------------------------------------------------------------------
// Generators

const labelsArb = fc.record({ app: fc.constantFrom(...APPS), tier: fc.constantFrom(...TIERS) }, { requiredKeys: [] });

const selectorArb: fc.Arbitrary<Obj> = fc.oneof(
  fc.constant({}),
  labelsArb.map((matchLabels) => ({ matchLabels })),
  fc.record({ key: fc.constantFrom('app', 'tier'), values: fc.subarray([...APPS, ...TIERS], { minLength: 1, maxLength: 2 }) })
    .map(({ key, values }) => ({ matchExpressions: [{ key, operator: 'In', values }] })),
);

const namespaceSelectorArb: fc.Arbitrary<Obj> = fc.oneof(
  fc.constant({}),
  fc.constantFrom(...NAMESPACES).map((ns) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } })),
  fc.constantFrom('a', 'b').map((team) => ({ matchLabels: { team } })),
);

const peerArb: fc.Arbitrary<Obj> = fc.oneof(
  selectorArb.map((podSelector) => ({ podSelector })),
  namespaceSelectorArb.map((namespaceSelector) => ({ namespaceSelector })),
  fc.record({ namespaceSelector: namespaceSelectorArb, podSelector: selectorArb }),
  fc.constantFrom(...CIDRS).chain((cidr) => fc.subarray(EXCEPTS[cidr]!).map((except) => ({ ipBlock: except.length > 0 ? { cidr, except } : { cidr } }))),
);

const numberedPortArb: fc.Arbitrary<Obj> = fc.oneof(
  fc.constantFrom(53, 80, 443, 6443, 10250, 44134).map((port) => ({ protocol: 'TCP', port })),
  fc.constant({ protocol: 'UDP', port: 53 }),
  fc.constant({ protocol: 'TCP', port: 1, endPort: 1024 }),
);
/** Named ports only in ingress rules: egress ones may point at ipBlocks, where a name is invalid. */
const namedPortArb: fc.Arbitrary<Obj> = fc.constantFrom('http', 'metrics', 'dns').map((port) => ({ port }));

/** A rule's `from`/`to` or `ports`: absent (everything), or one or two entries. */
const listArb = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T[] | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: fc.array(arb, { minLength: 1, maxLength: 2 }), weight: 3 });

const ruleArb = (direction: 'from' | 'to'): fc.Arbitrary<Obj> =>
  fc.record({ peers: listArb(peerArb), ports: listArb(direction === 'from' ? fc.oneof(numberedPortArb, namedPortArb) : numberedPortArb) })
    .map(({ peers, ports }) => ({ ...(peers && { [direction]: peers }), ...(ports && { ports }) }));

const policyArb: fc.Arbitrary<Obj> = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  podSelector: selectorArb,
  policyTypes: fc.constantFrom(undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']),
  ingress: fc.option(fc.array(ruleArb('from'), { maxLength: 2 }), { nil: undefined }),
  egress: fc.option(fc.array(ruleArb('to'), { maxLength: 2 }), { nil: undefined }),
}).map(({ namespace, podSelector, policyTypes, ingress, egress }) => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
  metadata: { name: 'np', namespace },
  spec: { podSelector, ...(policyTypes && { policyTypes }), ...(ingress && { ingress }), ...(egress && { egress }) },
}));

const deploymentArb: fc.Arbitrary<Obj> = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  labels: labelsArb,
  image: fc.constantFrom(...IMAGES),
  ports: fc.subarray(PORTS, { maxLength: 3 }),
  hostNetwork: fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, { arbitrary: fc.constant(true), weight: 1 }),
  // A controller's own ClusterRole calls the API server and the kubelet: the need-aware paths.
  controller: fc.boolean(),
}).map(({ namespace, labels, image, ports, hostNetwork, controller }) => ({
  apiVersion: 'apps/v1', kind: 'Deployment',
  metadata: { name: 'app', namespace },
  spec: {
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: { ...(hostNetwork && { hostNetwork }), ...(controller && { serviceAccountName: 'controller' }), containers: [{ name: 'main', image, ports }] },
    },
  },
}));

/** Gives objects of one kind and namespace distinct names (`np-1`, `np-2`, ...). */
function nameUniquely(objects: readonly Obj[]): Obj[] {
  const seen = new Map<string, number>();
  return objects.map((o) => {
    const metadata = o.metadata as { name: string; namespace: string };
    const key = `${o.kind as string}|${metadata.namespace}|${metadata.name}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return { ...o, metadata: { ...metadata, name: `${metadata.name}-${n}` } };
  });
}

/** What every cluster has besides its workloads and policies: namespaces, a node, the API server, RBAC. */
function platform(teamLabels: readonly string[]): Obj[] {
  return [
    ...NAMESPACES.map((name, i) => ({
      apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(i < teamLabels.length && { labels: { team: teamLabels[i] } }) },
    })),
    ...NAMESPACES.flatMap((namespace) => ['default', 'controller'].map((name) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace } }))),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'controller' },
      rules: [{ apiGroups: [''], resources: ['secrets', 'nodes/metrics'], verbs: ['get', 'list'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'controllers' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'controller' },
      subjects: NAMESPACES.map((namespace) => ({ kind: 'ServiceAccount', name: 'controller', namespace })),
    },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, status: { addresses: [{ type: 'InternalIP', address: NODE_ADDRESS }] } },
    {
      apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default' },
      subsets: [{ addresses: [{ ip: API_SERVER_ADDRESS }], ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }],
    },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'coredns', namespace: 'kube-system' },
      spec: { template: { metadata: { labels: { 'k8s-app': 'kube-dns' } }, spec: { containers: [{ name: 'coredns', image: 'coredns', ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] }] } } },
    },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'view' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: 'view', namespace: 'shop' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'shop' }],
    },
  ];
}

interface Cluster {
  readonly base: Obj[];
  readonly policies: Obj[];
}

const clusterArb: fc.Arbitrary<Cluster> = fc.record({
  teamLabels: fc.array(fc.constantFrom('a', 'b'), { minLength: 3, maxLength: 3 }),
  deployments: fc.array(deploymentArb, { minLength: 1, maxLength: 6 }),
  policies: fc.array(policyArb, { maxLength: 5 }),
}).map(({ teamLabels, deployments, policies }) => ({
  base: [...platform(teamLabels), ...nameUniquely(deployments)],
  policies: nameUniquely(policies),
}));

function defaultDeny(namespace: string): Obj {
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'kubeseg-test-default-deny', namespace },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  };
}

/** Ways to make a policy's ingress admit more (never fewer) connections; its selection and types stay. */
const WIDENINGS = ['admit-everyone', 'every-namespace-peer', 'any-port'] as const;

function widen(policy: Obj, how: (typeof WIDENINGS)[number]): Obj {
  const spec = policy.spec as Obj;
  const rules = (spec.ingress as Obj[] | undefined) ?? [];
  const widenedRules = how === 'admit-everyone' ? [...rules, {}]
    : how === 'every-namespace-peer' ? rules.map((r) => (Array.isArray(r.from) ? { ...r, from: [...(r.from as Obj[]), { namespaceSelector: {} }] } : r))
    : rules.map(({ ports: _ports, ...rest }) => rest);
  return { ...policy, spec: { ...spec, ingress: widenedRules } };
}

// ------------------------------------------------------------------------------------------------
// Running the catalog

function snapshotOf(objects: readonly Obj[]): EvidenceSnapshot {
  return snapshotFromObjects({
    objects: objects.map((object) => ({ source: 'property', object })),
    identity: { name: 'property', source: 'manifests' },
    cloudFile: { vpcCni: { enableNetworkPolicy: true }, apiServer: { endpoint: `https://${API_SERVER_ADDRESS}` } },
  });
}

interface Outcome {
  /** Exposed subjects per technique id. */
  readonly exposed: ReadonlyMap<string, number>;
  readonly findings: readonly Finding[];
}

function assess(objects: readonly Obj[]): Outcome {
  const result = runTechniques(snapshotOf(objects), TECHNIQUES);
  if (!result.ok) throw new Error(`the generated cluster was rejected: ${result.diagnostics.all.map((d) => d.message).join('; ')}`);
  const score = scoreCluster(TECHNIQUES.map((t) => t.meta), result.run.findings);
  return { exposed: new Map(score.techniques.map((t) => [t.id, t.exposed])), findings: result.run.findings };
}

/** Techniques whose exposed count went up from `before` to `after`, with both counts. */
function raised(before: Outcome, after: Outcome): string[] {
  return [...after.exposed].filter(([id, n]) => n > (before.exposed.get(id) ?? 0)).map(([id, n]) => `${id}: ${before.exposed.get(id)} → ${n}`);
}

/** Findings (by stable id) that passed in `before` and fail in `after`. */
function passToFail(before: Outcome, after: Outcome): string[] {
  const passed = new Set(before.findings.filter((f) => f.status === 'pass').map((f) => f.id));
  return after.findings.filter((f) => f.status === 'fail' && passed.has(f.id)).map((f) => `${f.technique} ${f.check} ${f.resource.namespace}/${f.resource.name}: ${f.message}`);
}

describe('technique catalog properties', () => {
  it('never exposes more, nor fails a passing finding, when a namespace gets a default-deny policy', () => {
    fc.assert(fc.property(clusterArb, fc.constantFrom(...NAMESPACES), ({ base, policies }, namespace) => {
      // Prepare
      const objects = [...base, ...policies];

      // Act
      const before = assess(objects);
      const after = assess([...objects, defaultDeny(namespace)]);

      // Assess
      expect(raised(before, after)).toEqual([]);
      expect(passToFail(before, after)).toEqual([]);
    }), { numRuns: NUM_RUNS });
  });

  it('never turns a pass into a fail or unknown when every suggested remediation is applied, and the what-if scores that', () => {
    fc.assert(fc.property(clusterArb, ({ base, policies }) => {
      // Prepare
      const snapshot = snapshotOf([...base, ...policies]);
      const assessment = assessCluster(snapshot, TECHNIQUES);
      const passed = new Set(assessment.findings.filter((f) => f.status === 'pass').map((f) => f.id));

      // Act
      const after = runTechniques(remediatedSnapshot(snapshot, assessment.bundle).snapshot, TECHNIQUES);

      // Assess
      if (!after.ok) throw new Error('the remediated cluster was rejected');
      const worse = after.run.findings.filter((f) => passed.has(f.id) && f.status !== 'pass');
      expect(worse.map((f) => `${f.technique} ${f.resource.namespace}/${f.resource.name}: ${f.status} ${f.message}`)).toEqual([]);
      expect(assessment.whatIf?.score).toBe(scoreCluster(TECHNIQUES.map((t) => t.meta), after.run.findings).score);
    }), { numRuns: NUM_RUNS });
  });

  it('never takes a MS-TA9034 failure away when a NetworkPolicy\'s ingress is widened', () => {
    fc.assert(fc.property(clusterArb, fc.nat(), fc.constantFrom(...WIDENINGS), ({ base, policies }, pick, widening) => {
      fc.pre(policies.length > 0);
      // Prepare
      const at = pick % policies.length;
      const widened = policies.map((p, i) => (i === at ? widen(p, widening) : p));

      // Act
      const before = assess([...base, ...policies]);
      const after = assess([...base, ...widened]);

      // Assess
      const failing = (o: Outcome): Set<string> => new Set(o.findings.filter((f) => f.technique === 'MS-TA9034' && f.status === 'fail').map((f) => f.id));
      const stillFailing = failing(after);
      const lost = before.findings.filter((f) => failing(before).has(f.id) && !stillFailing.has(f.id));
      expect(lost.map((f) => `${f.check} ${f.resource.namespace}/${f.resource.name}: ${f.message}`)).toEqual([]);
      expect(after.exposed.get('MS-TA9034')!).toBeGreaterThanOrEqual(before.exposed.get('MS-TA9034')!);
    }), { numRuns: NUM_RUNS });
  });

  it('never exposes less when every NetworkPolicy is removed', () => {
    fc.assert(fc.property(clusterArb, ({ base, policies }) => {
      // Prepare
      const objects = [...base, ...policies];

      // Act
      const withPolicies = assess(objects);
      const withoutPolicies = assess(base);

      // Assess
      expect(raised(withoutPolicies, withPolicies)).toEqual([]);
    }), { numRuns: NUM_RUNS });
  });

  it('generates clusters on which the catalog finds exposed and protected subjects, and a default deny changes something', () => {
    // Prepare: a sample of generated clusters, so that the properties above are not vacuous
    const samples = fc.sample(clusterArb, { numRuns: 30, seed: 7 });

    // Act
    const outcomes = samples.map(({ base, policies }) => ({
      before: assess([...base, ...policies]),
      after: assess([...base, ...policies, ...TEAM_NAMESPACES.map(defaultDeny)]),
    }));

    // Assess
    expect(outcomes.some(({ before }) => before.findings.some((f) => f.status === 'fail'))).toBe(true);
    expect(outcomes.some(({ before }) => before.findings.some((f) => f.status === 'pass'))).toBe(true);
    expect(outcomes.some(({ before, after }) => raised(after, before).length > 0)).toBe(true);
  });
});

// ------------------------------------------------------------------------------------------------
// The remediation bundle: what `kubectl apply -f remediation.yaml` would be given.

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const QUOTED = "'(?:[^']|'\\\\'')*'";
const PATCH_COMMAND = new RegExp(`^# kubectl patch ${QUOTED} ${QUOTED} -n ${QUOTED} --type strategic -p ${QUOTED}$`);

describe('the remediation bundle', () => {
  it('holds only manifests the API server accepts, each object once, and reads back from remediation.yaml as it is', () => {
    fc.assert(fc.property(clusterArb, ({ base, policies }) => {
      // Prepare
      const snapshot = snapshotOf([...base, ...policies]);

      // Act
      const { bundle } = assessCluster(snapshot, TECHNIQUES);
      const yaml = bundleYaml(bundle, snapshot.cluster, 'remediation.yaml');

      // Assess: valid as the API server validates (the engine's parser is that validator for policies)
      const diagnostics = new DiagnosticList();
      const readBack = parseManifestText('remediation.yaml', yaml, diagnostics).map((o) => o.object);
      expect(diagnostics.all.map((d) => d.message)).toEqual([]);
      expect(readBack).toEqual(bundle.manifests);
      for (const m of bundle.manifests as Obj[]) {
        const meta = m.metadata as { name: string; namespace: string };
        expect(manifestProblem(m)).toBeUndefined();
        expect(meta.name.length <= 253 && DNS_SUBDOMAIN.test(meta.name)).toBe(true);
        expect(DNS_LABEL.test(meta.namespace)).toBe(true);
      }
      const suggested = bundle.manifests.filter((m) => (m as Obj).kind === 'NetworkPolicy');
      expect(analyzeObjects(suggested.map((object) => ({ source: 'bundle', object: object as Obj })), diagnostics)).toBeDefined();
      expect(diagnostics.all.filter((d) => d.severity === 'fatal').map((d) => d.message)).toEqual([]);
      // One document per object
      const keys = (bundle.manifests as Obj[]).map((o) => {
        const meta = o.metadata as { name: string; namespace: string };
        return `${String(o.kind)}|${meta.namespace}|${meta.name}`;
      });
      expect(new Set(keys).size).toBe(keys.length);
      // Every patch command has its arguments quoted
      const commands = yaml.split('\n').filter((line) => line.startsWith('# kubectl'));
      expect(commands).toHaveLength(bundle.patches.filter((p) => p.target.kind !== 'Pod').length);
      for (const line of commands) expect(line).toMatch(PATCH_COMMAND);
    }), { numRuns: NUM_RUNS });
  });
});
