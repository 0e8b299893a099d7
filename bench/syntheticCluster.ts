/**
 * A seeded synthetic cluster for benchmarks: raw Kubernetes objects, as `kubectl get -o yaml` or a
 * manifest directory would hold them. Same parameters and seed → byte-identical objects.
 *
 * Shape (what real multi-team clusters look like, scaled by the parameters):
 *  - platform namespaces `kube-system` (CoreDNS), `monitoring` (Prometheus), `ingress-nginx`;
 *  - team namespaces labelled `team`, `env`, `tier`, of uneven sizes;
 *  - Deployments (StatefulSets for data stores) of ~5 replicas on average, so pods ≈ Σ replicas,
 *    labelled `app`, `tier`, `team`, `version`, `app.kubernetes.io/part-of`, sometimes `monitoring`
 *    and `track: canary`; container ports partly named (http, grpc, metrics, dns, ...);
 *  - a Service per workload, an Ingress per namespace with a frontend;
 *  - NetworkPolicies: per-namespace default deny (ingress, or ingress and egress), DNS egress to
 *    kube-system (UDP/TCP 53), same-namespace allows, Prometheus scraping by named port, and
 *    per-app policies mixing podSelector + namespaceSelector peers, matchExpressions
 *    (In / NotIn / Exists), ipBlocks with `except`, named ports and endPort ranges;
 *  - optionally two AdminNetworkPolicies and a BaselineAdminNetworkPolicy;
 *  - optionally (`clusterObjects`, for `scan`) what the technique checks read besides workloads
 *    and policies: one Node per 30 pods, the `kubernetes` Endpoints, the aws-node and kube-proxy
 *    DaemonSets, a ServiceAccount, a ConfigMap and a Secret per namespace, and RBAC bindings.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { SourcedObject } from '../lib/core/manifests/parseManifestText.js';

export interface SyntheticParams {
  /** Total pods (Σ replicas). */
  readonly pods: number;
  /** Total NetworkPolicies (admin policies come on top). */
  readonly policies: number;
  /** Total namespaces, including the three platform ones; at least 4. */
  readonly namespaces: number;
  readonly seed: number;
  /** Add two AdminNetworkPolicies and a BaselineAdminNetworkPolicy (default true). */
  readonly adminPolicies?: boolean;
  /**
   * Add the objects technique checks read besides workloads and policies (default false, so the
   * engine benchmark's clusters stay as they were). Generated without the seeded random stream.
   */
  readonly clusterObjects?: boolean;
}

type Obj = Record<string, unknown>;
type Protocol = 'TCP' | 'UDP';

interface PortPlan {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

interface AppPlan {
  readonly kind: 'Deployment' | 'StatefulSet';
  readonly name: string;
  readonly namespace: NamespacePlan;
  readonly replicas: number;
  readonly role: Role;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly PortPlan[];
}

interface NamespacePlan {
  readonly name: string;
  readonly team: string;
  readonly env: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly apps: AppPlan[];
}

interface Role {
  readonly role: string;
  readonly tier: 'frontend' | 'backend' | 'worker' | 'data' | 'platform';
  readonly weight: number;
  readonly kind: AppPlan['kind'];
  readonly ports: readonly PortPlan[];
}

const HTTP: PortPlan = { name: 'http', port: 8080, protocol: 'TCP' };
const GRPC: PortPlan = { name: 'grpc', port: 9000, protocol: 'TCP' };
const METRICS: PortPlan = { name: 'metrics', port: 9090, protocol: 'TCP' };

const ROLES: readonly Role[] = [
  { role: 'web', tier: 'frontend', weight: 2, kind: 'Deployment', ports: [HTTP, METRICS] },
  { role: 'gateway', tier: 'frontend', weight: 1, kind: 'Deployment', ports: [HTTP, { port: 8443, protocol: 'TCP' }, METRICS] },
  { role: 'api', tier: 'backend', weight: 4, kind: 'Deployment', ports: [HTTP, GRPC, METRICS] },
  { role: 'svc', tier: 'backend', weight: 3, kind: 'Deployment', ports: [GRPC, METRICS] },
  { role: 'worker', tier: 'worker', weight: 2, kind: 'Deployment', ports: [METRICS] },
  { role: 'postgres', tier: 'data', weight: 1, kind: 'StatefulSet', ports: [{ name: 'postgres', port: 5432, protocol: 'TCP' }] },
  { role: 'redis', tier: 'data', weight: 1, kind: 'StatefulSet',
    ports: [{ name: 'redis', port: 6379, protocol: 'TCP' }, { name: 'metrics', port: 9121, protocol: 'TCP' }] },
];

/** Role of the platform workloads (CoreDNS, Prometheus, ...): their ports are set one by one. */
const PLATFORM_ROLE: Role = { role: 'platform', tier: 'platform', weight: 0, kind: 'Deployment', ports: [] };

const TEAMS = ['payments', 'checkout', 'search', 'catalog', 'identity', 'billing', 'shipping', 'growth',
  'data', 'ml', 'mobile', 'support', 'fraud', 'ledger', 'media', 'ads'];
const NOUNS = ['orders', 'users', 'cart', 'auth', 'search', 'catalog', 'invoices', 'shipping', 'inventory',
  'pricing', 'reviews', 'notify', 'ledger', 'profile', 'session', 'media', 'reports', 'quotes', 'events', 'rates'];
const ENVS = ['prod', 'prod', 'staging', 'dev'];
const NS_TIERS = ['frontend', 'backend', 'data', 'mixed'];
/** Replica counts drawn uniformly from this list: mean 5.45, like real fleets (many small, a few large). */
const REPLICAS = [1, 2, 2, 3, 3, 4, 5, 6, 8, 10, 16];

const LB_RESERVED = ['192.168.0.0/24', '192.168.100.0/24', '192.168.200.0/24', '192.168.255.0/24'];

const NAME_LABEL = 'kubernetes.io/metadata.name';
const DNS_PEER = {
  namespaceSelector: { matchLabels: { [NAME_LABEL]: 'kube-system' } },
  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
};
const DNS_PORTS = [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }];

/** mulberry32: a tiny seedable 32-bit PRNG, plenty for synthetic data (never Math.random). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  private readonly next: () => number;

  constructor(seed: number) {
    this.next = mulberry32(seed);
  }

  float(): number {
    return this.next();
  }

  /** Integer in [lo, hi], inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Up to `k` distinct items, in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, k);
  }
}

/** Generates the cluster. Objects come namespace by namespace, as a `kubectl get` dump would. */
export function generateCluster(params: SyntheticParams): SourcedObject[] {
  if (params.namespaces < 4) throw new Error('a synthetic cluster needs at least 4 namespaces (3 platform + 1 team)');
  const rng = new Rng(params.seed);
  const platform = platformNamespaces();
  const teamNamespaces = makeTeamNamespaces(rng, params.namespaces - platform.length);
  const platformPods = platform.reduce((n, ns) => n + ns.apps.reduce((m, a) => m + a.replicas, 0), 0);
  placeApps(rng, teamNamespaces, Math.max(teamNamespaces.length, params.pods - platformPods));
  const allApps = teamNamespaces.flatMap((ns) => ns.apps);

  const objects: Obj[] = [];
  for (const ns of [...platform, ...teamNamespaces]) {
    objects.push(namespaceObject(ns));
    for (const app of ns.apps) objects.push(workloadObject(app), serviceObject(app));
    const ingress = ingressObject(ns);
    if (ingress) objects.push(ingress);
  }
  const platformNetpols = platformPolicies().slice(0, params.policies);
  objects.push(...platformNetpols);
  const perNamespace = splitEvenly(params.policies - platformNetpols.length, teamNamespaces.length);
  teamNamespaces.forEach((ns, i) => objects.push(...namespacePolicies(rng, ns, perNamespace[i]!, allApps)));
  if (params.adminPolicies ?? true) objects.push(...adminPolicies());
  if (params.clusterObjects ?? false) objects.push(...clusterObjects(params.pods, [...platform, ...teamNamespaces]));
  return objects.map((object) => ({ source: 'synthetic', object }));
}

// ---------------------------------------------------------------------------------------------
// Namespaces and workloads

function platformNamespaces(): NamespacePlan[] {
  const ns = (name: string, labels: Record<string, string>): NamespacePlan => ({ name, team: 'platform', env: 'prod', labels, apps: [] });
  const kubeSystem = ns('kube-system', {});
  const monitoring = ns('monitoring', { team: 'platform', env: 'prod', tier: 'platform' });
  const ingressNginx = ns('ingress-nginx', { team: 'platform', env: 'prod', tier: 'platform' });
  const app = (namespace: NamespacePlan, name: string, replicas: number, labels: Record<string, string>, ports: PortPlan[]): void => {
    namespace.apps.push({ kind: 'Deployment', name, namespace, replicas, role: PLATFORM_ROLE, labels, ports });
  };
  app(kubeSystem, 'coredns', 2, { 'k8s-app': 'kube-dns' }, [
    { name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }, { name: 'metrics', port: 9153, protocol: 'TCP' }]);
  app(monitoring, 'prometheus', 2, { app: 'prometheus', tier: 'platform' }, [{ name: 'web', port: 9090, protocol: 'TCP' }]);
  app(monitoring, 'grafana', 1, { app: 'grafana', tier: 'platform' }, [{ name: 'http', port: 3000, protocol: 'TCP' }]);
  app(ingressNginx, 'ingress-nginx-controller', 3, { 'app.kubernetes.io/name': 'ingress-nginx', tier: 'platform' }, [
    { name: 'http', port: 80, protocol: 'TCP' }, { name: 'https', port: 443, protocol: 'TCP' }, { name: 'metrics', port: 10254, protocol: 'TCP' }]);
  return [kubeSystem, monitoring, ingressNginx];
}

function makeTeamNamespaces(rng: Rng, count: number): NamespacePlan[] {
  const teamCount = Math.max(1, Math.min(40, Math.ceil(count / 5)));
  const teams = Array.from({ length: teamCount }, (_, i) => (i < TEAMS.length ? TEAMS[i]! : `${TEAMS[i % TEAMS.length]}${Math.floor(i / TEAMS.length) + 1}`));
  return Array.from({ length: count }, (_, i) => {
    const team = rng.pick(teams);
    const env = rng.pick(ENVS);
    const name = `${team}-${env}-${String(i).padStart(3, '0')}`;
    const labels: Record<string, string> = { team, env, tier: rng.pick(NS_TIERS) };
    if (env === 'prod' && rng.chance(0.3)) labels.compliance = 'pci';
    return { name, team, env, labels, apps: [] };
  });
}

/** Fills namespaces with workloads until `pods` replicas are placed; namespaces get uneven weights. */
function placeApps(rng: Rng, namespaces: NamespacePlan[], pods: number): void {
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < namespaces.length; i++) cumulative.push((total += 0.3 + rng.float() * 1.7));
  const weightedNamespace = (): NamespacePlan => {
    const x = rng.float() * total;
    let lo = 0;
    while (cumulative[lo]! < x) lo++;
    return namespaces[lo]!;
  };
  const roleTotal = ROLES.reduce((n, r) => n + r.weight, 0);
  const pickRole = (): Role => {
    let x = rng.float() * roleTotal;
    for (const r of ROLES) if ((x -= r.weight) < 0) return r;
    return ROLES[0]!;
  };
  let left = pods;
  for (let i = 0; left > 0; i++) {
    const ns = i < namespaces.length ? namespaces[i]! : weightedNamespace(); // every namespace gets one
    const replicas = Math.min(left, rng.pick(REPLICAS));
    const app = makeApp(rng, ns, pickRole(), replicas);
    ns.apps.push(app);
    left -= replicas;
    if (left > 0 && app.role.tier === 'backend' && rng.chance(0.08)) {
      ns.apps.push(canaryOf(app));
      left -= 1;
    }
  }
}

function makeApp(rng: Rng, ns: NamespacePlan, role: Role, replicas: number): AppPlan {
  const noun = rng.pick(NOUNS);
  let name = `${noun}-${role.role}`;
  for (let n = 2; ns.apps.some((a) => a.name === name); n++) name = `${noun}-${role.role}-${n}`;
  const labels: Record<string, string> = {
    app: name, tier: role.tier, team: ns.team, version: rng.pick(['v1', 'v1', 'v2', 'v3']), 'app.kubernetes.io/part-of': noun,
  };
  if (role.tier !== 'data' && rng.chance(0.7)) labels.monitoring = 'enabled';
  // A few workloads carry an extra unnamed sidecar port (e.g. a service-mesh admin port).
  const ports = rng.chance(0.15) ? [...role.ports, { port: 15020, protocol: 'TCP' as const }] : role.ports;
  return { kind: role.kind, name, namespace: ns, replicas, role, labels, ports };
}

/** A one-replica canary sharing the app label: two workloads behind one selector. */
function canaryOf(app: AppPlan): AppPlan {
  const version = app.labels.version === 'v3' ? 'v4' : 'v3';
  return { ...app, name: `${app.name}-canary`, replicas: 1, labels: { ...app.labels, version, track: 'canary' } };
}

function namespaceObject(ns: NamespacePlan): Obj {
  const metadata: Obj = { name: ns.name };
  if (Object.keys(ns.labels).length > 0) metadata.labels = { ...ns.labels };
  return { apiVersion: 'v1', kind: 'Namespace', metadata };
}

function workloadObject(app: AppPlan): Obj {
  const container = {
    name: app.name.split('-')[0],
    image: `registry.example.com/${app.namespace.team}/${app.name}:1.${app.replicas}.0`,
    ports: app.ports.map((p) => ({ ...(p.name && { name: p.name }), containerPort: p.port, protocol: p.protocol })),
  };
  return {
    apiVersion: 'apps/v1',
    kind: app.kind,
    metadata: { name: app.name, namespace: app.namespace.name, labels: { ...app.labels } },
    spec: {
      replicas: app.replicas,
      ...(app.kind === 'StatefulSet' && { serviceName: app.name }),
      selector: { matchLabels: app.labels.app ? { app: app.labels.app, ...(app.labels.track && { track: app.labels.track }) } : { ...app.labels } },
      template: { metadata: { labels: { ...app.labels } }, spec: { containers: [container] } },
    },
  };
}

function serviceObject(app: AppPlan): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app.name, namespace: app.namespace.name },
    spec: {
      selector: { ...app.labels },
      ports: app.ports.map((p, i) => ({ name: p.name ?? `port-${i}`, port: p.port, targetPort: p.name ?? p.port, protocol: p.protocol })),
    },
  };
}

function ingressObject(ns: NamespacePlan): Obj | undefined {
  const frontends = ns.apps.filter((a) => a.role.tier === 'frontend' && a.ports.some((p) => p.name === 'http'));
  if (frontends.length === 0) return undefined;
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: `${ns.name}-public`, namespace: ns.name },
    spec: {
      ingressClassName: 'nginx',
      rules: frontends.map((a) => ({
        host: `${a.name}.${ns.name}.example.com`,
        http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: a.name, port: { name: 'http' } } } }] },
      })),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// NetworkPolicies

function policy(ns: string, name: string, spec: Obj): Obj {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

/** kube-system lets every namespace reach CoreDNS; monitoring denies ingress but lets Grafana in. */
function platformPolicies(): Obj[] {
  return [
    policy('kube-system', 'allow-dns', {
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP', port: 'dns' }, { protocol: 'TCP', port: 'dns-tcp' }] }],
    }),
    policy('monitoring', 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
    policy('monitoring', 'allow-grafana-to-prometheus', {
      podSelector: { matchLabels: { app: 'prometheus' } },
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'grafana' } } }], ports: [{ port: 'web' }] }],
    }),
  ];
}

/** `total` split into `parts` integers differing by at most one. */
function splitEvenly(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/** Exactly `budget` policies for one team namespace: baseline policies first, then per-app ones. */
function namespacePolicies(rng: Rng, ns: NamespacePlan, budget: number, allApps: readonly AppPlan[]): Obj[] {
  const out = baselinePolicies(rng, ns).slice(0, budget);
  const apps = rng.sample(ns.apps, ns.apps.length);
  // Variant 0 is an app's ingress policy, 1 its egress policy, 2+ extra ingress policies.
  for (let i = 0; out.length < budget; i++) {
    const app = apps[i % apps.length]!;
    const variant = Math.floor(i / apps.length);
    out.push(variant === 1 ? appEgressPolicy(rng, app, allApps) : appIngressPolicy(rng, app, allApps, variant));
  }
  return out;
}

function baselinePolicies(rng: Rng, ns: NamespacePlan): Obj[] {
  const out: Obj[] = [];
  const isolation = rng.float() < (ns.env === 'dev' ? 0.5 : 0.9) ? (rng.chance(0.4) ? 'all' : 'ingress') : 'none';
  if (isolation === 'ingress') out.push(policy(ns.name, 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }));
  if (isolation === 'all') {
    out.push(policy(ns.name, 'default-deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    out.push(policy(ns.name, 'allow-dns', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [DNS_PEER], ports: DNS_PORTS }] }));
  }
  if (rng.chance(0.6)) {
    out.push(policy(ns.name, 'allow-same-namespace', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }));
  }
  if (rng.chance(0.7)) {
    out.push(policy(ns.name, 'allow-prometheus-scrape', {
      podSelector: { matchExpressions: [{ key: 'monitoring', operator: 'Exists' }] },
      ingress: [{
        from: [{ namespaceSelector: { matchLabels: { [NAME_LABEL]: 'monitoring' } }, podSelector: { matchLabels: { app: 'prometheus' } } }],
        ports: [{ port: 'metrics' }],
      }],
    }));
  }
  if (ns.apps.some((a) => a.role.tier === 'frontend')) {
    out.push(policy(ns.name, 'allow-ingress-controller', {
      podSelector: { matchLabels: { tier: 'frontend' } },
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAME_LABEL]: 'ingress-nginx' } } }], ports: [{ port: 'http' }] }],
    }));
  }
  return out;
}

/** The port clause callers of `app` use: its main named port, a number, or an endPort range. */
function servingPorts(rng: Rng, app: AppPlan): Obj[] {
  const main = app.ports[0]!;
  const x = rng.float();
  if (x < 0.5 && main.name) return [{ protocol: main.protocol, port: main.name }];
  if (x < 0.8) return [{ protocol: main.protocol, port: main.port }];
  return [{ protocol: 'TCP', port: 8000, endPort: 8100 }, { protocol: 'TCP', port: main.port }];
}

function otherApp(rng: Rng, app: AppPlan, allApps: readonly AppPlan[]): AppPlan {
  const other = rng.pick(allApps);
  return other === app ? rng.pick(allApps) : other;
}

function appIngressPolicy(rng: Rng, app: AppPlan, allApps: readonly AppPlan[], variant: number): Obj {
  const ruleCount = rng.int(1, 3);
  const ingress = Array.from({ length: ruleCount }, () => ({ from: ingressPeers(rng, app, allApps), ports: servingPorts(rng, app) }));
  const name = variant === 0 ? `allow-${app.name}-ingress` : `allow-${app.name}-ingress-${variant}`;
  return policy(app.namespace.name, name, { podSelector: { matchLabels: { app: app.labels.app } }, policyTypes: ['Ingress'], ingress });
}

/** One rule's `from` list: 1–2 peers of the kinds real policies use. */
function ingressPeers(rng: Rng, app: AppPlan, allApps: readonly AppPlan[]): Obj[] {
  const peer = (): Obj => {
    const x = rng.float();
    if (x < 0.25) {
      // Callers in the same namespace, by tier or by a few app names.
      return rng.chance(0.5)
        ? { podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend', 'backend'] }] } }
        : { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [...new Set(rng.sample(app.namespace.apps, 3).map((a) => a.labels.app!))].sort() }] } };
    }
    if (x < 0.55) {
      // A specific caller in another team's namespace.
      const caller = otherApp(rng, app, allApps);
      return { namespaceSelector: { matchLabels: { team: caller.namespace.team, env: caller.namespace.env } }, podSelector: { matchLabels: { app: caller.labels.app } } };
    }
    if (x < 0.75) {
      // Frontends of any non-dev team namespace.
      return {
        namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }, { key: 'team', operator: 'Exists' }] },
        podSelector: { matchLabels: { tier: 'frontend' } },
      };
    }
    if (x < 0.85) return { namespaceSelector: { matchLabels: { team: app.namespace.team } } };
    // The cloud load balancers' range, minus a reserved subnet (a cluster has only a few such blocks).
    return { ipBlock: { cidr: '192.168.0.0/16', except: [rng.pick(LB_RESERVED)] } };
  };
  return Array.from({ length: rng.int(1, 2) }, peer);
}

function appEgressPolicy(rng: Rng, app: AppPlan, allApps: readonly AppPlan[]): Obj {
  const egress: Obj[] = [{ to: [DNS_PEER], ports: [{ protocol: 'UDP', port: 53 }] }];
  const dependency = otherApp(rng, app, allApps);
  const depPort = dependency.ports[0]!;
  egress.push({
    to: [{ namespaceSelector: { matchLabels: { [NAME_LABEL]: dependency.namespace.name } }, podSelector: { matchLabels: { app: dependency.labels.app } } }],
    ports: [{ protocol: depPort.protocol, port: depPort.name ?? depPort.port }],
  });
  if (rng.chance(0.5)) {
    egress.push({
      to: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['data'] }] } }],
      ports: [{ protocol: 'TCP', port: 5432 }, { protocol: 'TCP', port: 6379 }],
    });
  }
  if (rng.chance(0.5)) {
    // The internet, but not the cloud metadata endpoint nor the private network.
    egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32', '10.0.0.0/8'] } }], ports: [{ protocol: 'TCP', port: 443 }] });
  }
  if (rng.chance(0.3)) {
    // A managed database subnet of the team's environment, its admin /24 excluded.
    const subnet = ENVS.indexOf(app.namespace.env) * 16;
    egress.push({
      to: [{ ipBlock: { cidr: `10.${40 + subnet}.0.0/16`, except: [`10.${40 + subnet}.255.0/24`] } }],
      ports: [{ protocol: 'TCP', port: 5432, endPort: 5439 }],
    });
  }
  return policy(app.namespace.name, `allow-${app.name}-egress`, { podSelector: { matchLabels: { app: app.labels.app } }, policyTypes: ['Egress'], egress });
}

// ---------------------------------------------------------------------------------------------
// Admin policies

function adminPolicies(): Obj[] {
  const anp = (name: string, spec: Obj): Obj => ({ apiVersion: 'policy.networking.k8s.io/v1alpha1', kind: 'AdminNetworkPolicy', metadata: { name }, spec });
  return [
    anp('deny-dev-to-prod', {
      priority: 10,
      subject: { namespaces: { matchLabels: { env: 'prod' } } },
      ingress: [
        { name: 'allow-monitoring', action: 'Allow', from: [{ namespaces: { matchLabels: { [NAME_LABEL]: 'monitoring' } } }], ports: [{ namedPort: 'metrics' }] },
        { name: 'deny-dev', action: 'Deny', from: [{ namespaces: { matchLabels: { env: 'dev' } } }] },
      ],
    }),
    anp('platform-egress', {
      priority: 20,
      subject: { pods: { namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] }, podSelector: {} } },
      egress: [
        { name: 'allow-dns', action: 'Allow', to: [{ pods: { namespaceSelector: DNS_PEER.namespaceSelector, podSelector: DNS_PEER.podSelector } }],
          ports: [{ portNumber: { protocol: 'UDP', port: 53 } }, { portNumber: { protocol: 'TCP', port: 53 } }] },
        { name: 'deny-metadata', action: 'Deny', to: [{ networks: ['169.254.169.254/32'] }] },
        { name: 'pass-rest', action: 'Pass', to: [{ namespaces: {} }], ports: [{ portRange: { protocol: 'TCP', start: 1, end: 65535 } }] },
      ],
    }),
    {
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'BaselineAdminNetworkPolicy',
      metadata: { name: 'default' },
      spec: {
        subject: { namespaces: { matchExpressions: [{ key: 'compliance', operator: 'Exists' }] } },
        ingress: [{ name: 'deny-other-teams', action: 'Deny', from: [{ namespaces: { matchExpressions: [{ key: 'compliance', operator: 'DoesNotExist' }] } }] }],
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Cluster objects for technique checks (`clusterObjects`)

/** The API server's private endpoint addresses, as the `kubernetes` Endpoints list them. */
export const API_SERVER_ADDRESSES = ['10.0.0.10', '10.0.64.10'];

function clusterObjects(pods: number, namespaces: readonly NamespacePlan[]): Obj[] {
  const nodeCount = Math.max(3, Math.ceil(pods / 30));
  const nodes = Array.from({ length: nodeCount }, (_, i) => {
    const address = `10.0.${Math.floor(i / 250) + 1}.${(i % 250) + 4}`;
    return {
      apiVersion: 'v1', kind: 'Node', metadata: { name: `ip-${address.replaceAll('.', '-')}.eu-west-1.compute.internal` },
      status: { addresses: [{ type: 'InternalIP', address }, { type: 'Hostname', address: `ip-${address.replaceAll('.', '-')}` }] },
    };
  });
  const endpoints = {
    apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default' },
    subsets: [{ addresses: API_SERVER_ADDRESSES.map((ip) => ({ ip })), ports: [{ name: 'https', port: 443, protocol: 'TCP' }] }],
  };
  const daemonSet = (name: string, image: string, extra: Obj): Obj => ({
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name, namespace: 'kube-system' },
    spec: { selector: { matchLabels: { 'k8s-app': name } }, template: { metadata: { labels: { 'k8s-app': name } }, spec: { hostNetwork: true, containers: [{ name, image, ...extra }] } } },
  });
  const perNamespace = namespaces.flatMap((ns) => [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns.name } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `${ns.name}-settings`, namespace: ns.name }, data: { LOG_LEVEL: 'info', FEATURE_FLAGS: 'a,b' } },
    { apiVersion: 'v1', kind: 'Secret', metadata: { name: `${ns.name}-db`, namespace: ns.name }, type: 'Opaque', data: { password: 'c3ludGhldGlj' } },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `${ns.team}-edit`, namespace: ns.name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `team-${ns.team}` }],
    },
  ]);
  const clusterRoles = ['view', 'edit', 'admin', 'cluster-admin'].map((name) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name },
    rules: [{ apiGroups: ['*'], resources: ['*'], verbs: name === 'view' ? ['get', 'list', 'watch'] : ['*'] }],
  }));
  return [
    ...nodes, endpoints,
    daemonSet('aws-node', '602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.19.0', {}),
    daemonSet('kube-proxy', '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/kube-proxy:v1.31.0', {}),
    ...clusterRoles, ...perNamespace,
  ];
}

// ---------------------------------------------------------------------------------------------
// Writing to disk (for benchmarking the CLI end to end)

/** Writes one multi-document YAML file per namespace (cluster-scoped objects in `cluster.yaml`). */
export function writeClusterYaml(objects: readonly SourcedObject[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const byFile = new Map<string, string[]>();
  for (const { object } of objects) {
    const metadata = object.metadata as { namespace?: string } | undefined;
    const file = `${metadata?.namespace ?? (object.kind === 'Namespace' ? (object.metadata as { name: string }).name : 'cluster')}.yaml`;
    const docs = byFile.get(file) ?? [];
    docs.push(stringify(object));
    byFile.set(file, docs);
  }
  const written: string[] = [];
  for (const [file, docs] of byFile) {
    const path = join(dir, file);
    writeFileSync(path, docs.join('---\n'));
    written.push(path);
  }
  return written;
}
