/**
 * Test helper: an HTTPS fake Kubernetes API server. It serves a cluster from manifest objects with
 * discovery (`/api`, `/apis`), bearer-token auth (401 without the token) and real pagination
 * (`limit` / `continue`), and has switches for the failures a live collector must survive: a
 * resource that answers 403, one that answers too slowly, a 410 Gone in the middle of a list, and
 * latency on every request. The CA and the server certificate (SAN IP:127.0.0.1) are made with
 * openssl at test time.
 *
 * Writes, for what `kubeseg grant-access` applies: cluster-scoped objects can be read by name,
 * created (POST, 409 when they exist) and replaced (PUT, 409 on a stale resourceVersion), and the
 * lists serve them from then on. Other bearer tokens can be let in: as the admin (`acceptsToken`),
 * or as a principal in Kubernetes groups that holds only what the served ClusterRoleBindings grant
 * those groups (`groupTokens`), RBAC-checked on every request.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeKubeApiOptions {
  /** Raw API objects (with kind and apiVersion), as in manifests. */
  readonly objects: readonly Record<string, unknown>[];
  /** Group/versions served beside the built-in ones, e.g. `policy.networking.k8s.io/v1alpha1`, `cilium.io/v2`. */
  readonly extraGroupVersions?: readonly string[];
  /** Resources (`roles.rbac.authorization.k8s.io`, `pods`) that answer 403 Forbidden. */
  readonly forbidden?: readonly string[];
  /** Resources that answer 404 although their group/version is served. */
  readonly missing?: readonly string[];
  /** Resources that answer only after `slowMs`. */
  readonly slow?: readonly string[];
  readonly slowMs?: number;
  /** A resource whose second page answers 410 Gone, `times` times over. */
  readonly gone?: { readonly resource: string; readonly times: number };
  /** Added before every answer. */
  readonly latencyMs?: number;
  /** Further bearer tokens that act as the admin (beside the fixed `token`), e.g. any well-formed EKS token. */
  readonly acceptsToken?: (token: string) => boolean;
  /**
   * Bearer tokens of principals with only their groups' RBAC: a request passes when a ClusterRole
   * bound to one of the groups by a ClusterRoleBinding (as served at that moment) has a rule for the
   * verb and resource, or the non-resource URL. No built-in binding applies, not even `system:discovery`.
   */
  readonly groupTokens?: Readonly<Record<string, readonly string[]>>;
  /** `/apis` answers 404, as a minimal API server might; every group is still served. */
  readonly noGroupDiscovery?: boolean;
}

export interface FakeKubeApi {
  readonly url: string;
  readonly token: string;
  /** The CA that signed the server certificate, PEM. */
  readonly caPem: string;
  /** Every request, as `GET /api/v1/pods?limit=500`. */
  readonly requests: string[];
  /** The objects served now: those given, then those created or replaced through the API. */
  objects(): readonly Record<string, unknown>[];
  /** The most requests that were in flight at once. */
  maxInFlight(): number;
  close(): Promise<void>;
}

interface Tls { readonly caPem: string; readonly otherCaPem: string; readonly key: string; readonly cert: string }

let tls: Tls | undefined;

/** A CA, a server certificate it signs for 127.0.0.1, and an unrelated CA (for the untrusted-CA case). Made once per test file. */
export function testTls(): Tls {
  if (tls) return tls;
  const dir = mkdtempSync(join(tmpdir(), 'kubeseg-tls-'));
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    for (const ca of ['ca', 'other']) {
      ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${ca}.key`, '-out', `${ca}.pem`, '-days', '2', '-subj', `/CN=kubeseg test ${ca}`);
    }
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext');
    const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
    tls = { caPem: read('ca.pem'), otherCaPem: read('other.pem'), key: read('server.key'), cert: read('server.pem') };
    return tls;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Built-in group/versions every fake cluster serves. */
const BUILT_IN = ['apps/v1', 'batch/v1', 'discovery.k8s.io/v1', 'networking.k8s.io/v1', 'rbac.authorization.k8s.io/v1'];

/** Resource (plural) of each kind the fake serves; the fake's own table, so a wrong one in the collector shows. */
const PLURALS: Record<string, string> = {
  Namespace: 'namespaces', Pod: 'pods', ReplicationController: 'replicationcontrollers', Service: 'services', Endpoints: 'endpoints',
  ServiceAccount: 'serviceaccounts', ConfigMap: 'configmaps', Secret: 'secrets', Node: 'nodes', Deployment: 'deployments',
  ReplicaSet: 'replicasets', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets', Job: 'jobs', CronJob: 'cronjobs',
  EndpointSlice: 'endpointslices', Ingress: 'ingresses', NetworkPolicy: 'networkpolicies', Route: 'routes',
  AdminNetworkPolicy: 'adminnetworkpolicies', BaselineAdminNetworkPolicy: 'baselineadminnetworkpolicies', Role: 'roles',
  ClusterRole: 'clusterroles', RoleBinding: 'rolebindings', ClusterRoleBinding: 'clusterrolebindings',
};
const KIND_OF = new Map(Object.entries(PLURALS).map(([kind, plural]) => [plural, kind]));

const status = (code: number, reason: string, message: string): object => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

type Rule = { apiGroups?: string[]; resources?: string[]; nonResourceURLs?: string[]; verbs?: string[] };
type Obj = Record<string, unknown> & { metadata?: { name?: string; resourceVersion?: string } };

const nameOf = (o: Obj): string | undefined => o.metadata?.name;

/** RBAC as the API server evaluates cluster-wide grants: any rule of any ClusterRole bound to one of the groups. */
function rbacAllows(store: readonly Obj[], groups: readonly string[], verb: string, target: { group: string; plural: string } | { path: string }): boolean {
  const roleNames = store
    .filter((o) => o.kind === 'ClusterRoleBinding')
    .filter((b) => ((b.subjects ?? []) as { kind?: string; name?: string }[]).some((s) => s.kind === 'Group' && groups.includes(s.name ?? '')))
    .map((b) => (b.roleRef as { kind?: string; name?: string } | undefined)?.name);
  const rules = store
    .filter((o) => o.kind === 'ClusterRole' && roleNames.includes(nameOf(o)))
    .flatMap((r) => (r.rules ?? []) as Rule[]);
  const has = (list: string[] | undefined, value: string): boolean => (list ?? []).some((v) => v === '*' || v === value);
  return rules.some((rule) => has(rule.verbs, verb) && ('path' in target
    ? has(rule.nonResourceURLs, target.path)
    : has(rule.apiGroups, target.group) && has(rule.resources, target.plural)));
}

const VERBS: Record<string, string> = { POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

export async function startFakeKubeApi(options: FakeKubeApiOptions): Promise<FakeKubeApi> {
  const { caPem, key, cert } = testTls();
  const token = 'fake-token-0123456789';
  const requests: string[] = [];
  const served = new Set([...BUILT_IN, ...(options.extraGroupVersions ?? [])]);
  const store: Obj[] = [...options.objects];
  let resourceVersion = 1;
  let goneLeft = options.gone?.times ?? 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req.method ?? 'GET', Buffer.concat(chunks).toString('utf8')));
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}${url.search}`);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    const answer = (code: number, body: object, delay = options.latencyMs ?? 0): void => {
      setTimeout(() => {
        inFlight--;
        if (res.destroyed) return;
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      }, delay);
    };
    const notFound = (): void => answer(404, status(404, 'NotFound', 'the server could not find the requested resource'));

    function handle(method: string, body: string): void {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const admin = bearer === token || (options.acceptsToken?.(bearer) ?? false);
      const groups = admin ? undefined : options.groupTokens?.[bearer];
      if (!admin && !groups) return answer(401, status(401, 'Unauthorized', 'Unauthorized'));
      if (url.pathname === '/api' || url.pathname === '/apis') {
        if (groups && !rbacAllows(store, groups, 'get', { path: url.pathname })) {
          return answer(403, status(403, 'Forbidden', `forbidden: User "test" cannot get path "${url.pathname}"`));
        }
        if (url.pathname === '/api') return answer(200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] });
        if (options.noGroupDiscovery) return notFound();
        return answer(200, { kind: 'APIGroupList', apiVersion: 'v1', groups: groupList(served) });
      }
      const match = /^\/(?:api\/(v1)|apis\/([^/]+\/[^/]+))\/([a-z]+)(?:\/([^/]+))?$/.exec(url.pathname);
      const groupVersion = match?.[1] ?? match?.[2];
      const plural = match?.[3] ?? '';
      const name = match?.[4] === undefined ? undefined : decodeURIComponent(match[4]);
      const kind = KIND_OF.get(plural);
      if (!groupVersion || !kind || !(groupVersion === 'v1' || served.has(groupVersion))) return notFound();
      const apiGroup = groupVersion === 'v1' ? '' : groupVersion.split('/')[0]!;
      const resource = apiGroup === '' ? plural : `${plural}.${apiGroup}`;
      const verb = VERBS[method] ?? (name === undefined ? 'list' : 'get');
      if (options.missing?.includes(resource)) return notFound();
      if (options.forbidden?.includes(resource)) {
        return answer(403, status(403, 'Forbidden', `${resource} is forbidden: User "test" cannot list resource "${plural}" at the cluster scope`));
      }
      if (groups && !rbacAllows(store, groups, verb, { group: apiGroup, plural })) {
        return answer(403, status(403, 'Forbidden', `${resource} is forbidden: User "test" cannot ${verb} resource "${plural}" in API group "${apiGroup}" at the cluster scope`));
      }
      const ofResource = (o: Obj): boolean => o.kind === kind && o.apiVersion === groupVersion;
      if (method !== 'GET' || name !== undefined) return write(method, body, { kind, groupVersion, name, ofResource });
      const items = store
        .filter(ofResource)
        .map(({ kind: _kind, apiVersion: _apiVersion, ...rest }) => rest); // list items carry neither
      const limit = Number(url.searchParams.get('limit') ?? items.length) || items.length;
      const start = Number(url.searchParams.get('continue') ?? '0');
      if (start > 0 && options.gone?.resource === resource && goneLeft > 0) {
        goneLeft--;
        return answer(410, status(410, 'Expired', 'The provided continue parameter is too old'));
      }
      const next = start + limit < items.length ? String(start + limit) : undefined;
      const delay = options.slow?.includes(resource) ? (options.slowMs ?? 5000) : options.latencyMs;
      answer(200, {
        kind: `${kind}List`, apiVersion: groupVersion,
        metadata: { resourceVersion: '1', ...(next !== undefined && { continue: next }) },
        items: items.slice(start, start + limit),
      }, delay);
    }

    /** GET by name, POST to the collection, PUT by name: cluster-scoped objects only. */
    function write(method: string, body: string, r: { kind: string; groupVersion: string; name: string | undefined; ofResource: (o: Obj) => boolean }): void {
      const index = store.findIndex((o) => r.ofResource(o) && nameOf(o) === (r.name ?? nameOf(parse())));
      function parse(): Obj {
        try {
          return JSON.parse(body) as Obj;
        } catch {
          return {};
        }
      }
      if (method === 'GET') return index < 0 ? notFound() : answer(200, store[index]!);
      const incoming = parse();
      if (incoming.kind !== r.kind || incoming.apiVersion !== r.groupVersion || !nameOf(incoming)) {
        return answer(400, status(400, 'BadRequest', `the body is not a ${r.kind} of ${r.groupVersion} with a name`));
      }
      const stored = (): Obj => ({ ...incoming, metadata: { ...incoming.metadata, resourceVersion: String(++resourceVersion) } });
      if (method === 'POST' && r.name === undefined) {
        if (index >= 0) return answer(409, status(409, 'AlreadyExists', `${r.kind} "${nameOf(incoming)}" already exists`));
        store.push(stored());
        return answer(201, store.at(-1)!);
      }
      if (method === 'PUT' && r.name !== undefined) {
        if (index < 0) return notFound();
        if (nameOf(incoming) !== r.name) return answer(400, status(400, 'BadRequest', 'the name in the body does not match the URL'));
        const current = store[index]!.metadata?.resourceVersion;
        if (incoming.metadata?.resourceVersion !== undefined && incoming.metadata.resourceVersion !== current) {
          return answer(409, status(409, 'Conflict', 'the object has been modified; please apply your changes to the latest version and try again'));
        }
        store[index] = stored();
        return answer(200, store[index]!);
      }
      return answer(405, status(405, 'MethodNotAllowed', `${method} is not supported by the fake API`));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`, token, caPem, requests, maxInFlight: () => maxInFlight, objects: () => store,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function groupList(served: ReadonlySet<string>): object[] {
  const byGroup = new Map<string, string[]>();
  for (const gv of served) {
    const [group, version] = gv.split('/') as [string, string];
    byGroup.set(group, [...(byGroup.get(group) ?? []), version]);
  }
  return [...byGroup].map(([name, versions]) => ({
    name,
    versions: versions.map((version) => ({ groupVersion: `${name}/${version}`, version })),
    preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
  }));
}

export interface KubeconfigCluster {
  readonly context: string;
  readonly server: string;
  readonly caPem: string;
  readonly token: string;
}

/** A kubeconfig file with one context per cluster, each with its own cluster, CA and token user. */
export function writeKubeconfig(path: string, clusters: readonly KubeconfigCluster[]): string {
  const b64 = (s: string): string => Buffer.from(s).toString('base64');
  const doc = {
    apiVersion: 'v1', kind: 'Config', 'current-context': clusters[0]?.context,
    clusters: clusters.map((c) => ({ name: c.context, cluster: { server: c.server, 'certificate-authority-data': b64(c.caPem) } })),
    users: clusters.map((c) => ({ name: `${c.context}-user`, user: { token: c.token } })),
    contexts: clusters.map((c) => ({ name: c.context, context: { cluster: c.context, user: `${c.context}-user` } })),
  };
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return path;
}
