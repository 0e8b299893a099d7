/**
 * The live collector against an HTTPS fake API server: pagination, 403, timeouts, 410 Gone,
 * untrusted CA, a server that is down, and API groups the cluster does not serve.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectCluster, type CollectOptions } from '../../lib/adapters/k8s/collectCluster.js';
import { loadKubeconfigTargets } from '../../lib/adapters/k8s/kubeconfig.js';
import { evidenceStatus, type EvidenceSnapshot } from '../../lib/core/evidence/snapshot.js';
import { startFakeKubeApi, testTls, writeKubeconfig, type FakeKubeApi, type FakeKubeApiOptions } from '../helpers/fakeKubeApi.js';

const namespaces = Array.from({ length: 7 }, (_, i) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${i}` } }));
const pods = Array.from({ length: 12 }, (_, i) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: `pod-${i}`, namespace: `ns-${i % 7}`, labels: { app: `a${i}` } },
  spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
}));
const roles = [{ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'reader', namespace: 'ns-0' }, rules: [] }];
const OBJECTS = [...namespaces, ...pods, ...roles];

let dir: string;
let api: FakeKubeApi | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeseg-k8s-'));
  testTls();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function collect(options: Partial<FakeKubeApiOptions>, collectOptions: CollectOptions = {}, caPem?: string): Promise<EvidenceSnapshot> {
  api = await startFakeKubeApi({ objects: OBJECTS, ...options });
  const file = writeKubeconfig(join(dir, `config-${Math.random().toString(36).slice(2)}`), [
    { context: 'test', server: api.url, caPem: caPem ?? api.caPem, token: api.token },
  ]);
  const [target] = loadKubeconfigTargets({ kubeconfig: file, contexts: ['test'] });
  return collectCluster(target!, { pageSize: 5, timeoutMs: 2000, ...collectOptions });
}

const named = (s: EvidenceSnapshot, kind: string): string[] => s.objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort();

describe('collectCluster', () => {
  it('lists every page of a kind with limit and continue', async () => {
    // Prepare / Act
    const snapshot = await collect({});
    // Assess
    expect(named(snapshot, 'Pod')).toHaveLength(12);
    expect(named(snapshot, 'Namespace')).toEqual(namespaces.map((n) => n.metadata.name));
    const podPages = api!.requests.filter((r) => r.startsWith('GET /api/v1/pods'));
    expect(podPages).toEqual(['GET /api/v1/pods?limit=5', 'GET /api/v1/pods?continue=5&limit=5', 'GET /api/v1/pods?continue=10&limit=5']);
    expect(snapshot.objects.find((o) => o.kind === 'Pod')).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    expect(evidenceStatus(snapshot, 'workloads')).toEqual({ step: 'workloads', status: 'ok', detail: '12 objects' });
    expect(evidenceStatus(snapshot, 'api server').status).toBe('ok');
  });

  it('records a 403 as a forbidden step naming verb and resource, and collects the rest', async () => {
    // Prepare / Act
    const snapshot = await collect({ forbidden: ['roles.rbac.authorization.k8s.io'] });
    // Assess
    expect(evidenceStatus(snapshot, 'rbac')).toEqual({ step: 'rbac', status: 'forbidden', detail: '403 Forbidden: list roles.rbac.authorization.k8s.io' });
    expect(named(snapshot, 'Pod')).toHaveLength(12);
    expect(evidenceStatus(snapshot, 'workloads').status).toBe('ok');
  });

  it('makes a step that times out an error with the reason, and collects the rest', async () => {
    // Prepare / Act
    const snapshot = await collect({ slow: ['configmaps'], slowMs: 3000 }, { timeoutMs: 300 });
    // Assess
    expect(evidenceStatus(snapshot, 'configmaps')).toEqual({ step: 'configmaps', status: 'error', detail: 'timed out after 0.3 s: list configmaps' });
    expect(named(snapshot, 'Pod')).toHaveLength(12);
  });

  it('restarts a list after a 410 Gone and succeeds', async () => {
    // Prepare / Act
    const snapshot = await collect({ gone: { resource: 'pods', times: 2 } });
    // Assess
    expect(named(snapshot, 'Pod')).toHaveLength(12);
    expect(evidenceStatus(snapshot, 'workloads').status).toBe('ok');
    expect(api!.requests.filter((r) => r === 'GET /api/v1/pods?limit=5')).toHaveLength(3);
  });

  it('gives up after the third 410 Gone: that step is an error', async () => {
    // Prepare / Act
    const snapshot = await collect({ gone: { resource: 'pods', times: 3 } });
    // Assess
    expect(evidenceStatus(snapshot, 'workloads')).toMatchObject({ status: 'error', detail: expect.stringContaining('410 Gone 3 times') });
    expect(snapshot.objects.some((o) => o.kind === 'Pod')).toBe(false);
    expect(evidenceStatus(snapshot, 'namespaces').status).toBe('ok');
  });

  it('reports a server whose CA is not trusted as unreachable, with the reason', async () => {
    // Prepare / Act
    const snapshot = await collect({}, {}, testTls().otherCaPem);
    // Assess
    const step = evidenceStatus(snapshot, 'api server');
    expect(step.status).toBe('error');
    expect(step.detail).toMatch(/^unreachable: get \/api: .*(certificate|verify)/);
    expect(snapshot.objects).toEqual([]);
    expect(snapshot.collection.every((s) => s.status === 'error')).toBe(true);
    expect(evidenceStatus(snapshot, 'rbac').detail).toBe('not collected: the API server is unreachable');
  });

  it('reports a server that is down as unreachable', async () => {
    // Prepare: a port that was just free
    const down = await startFakeKubeApi({ objects: [] });
    const { url, caPem, token } = down;
    await down.close();
    const file = writeKubeconfig(join(dir, 'down'), [{ context: 'down', server: url, caPem, token }]);
    const [target] = loadKubeconfigTargets({ kubeconfig: file, contexts: ['down'] });
    // Act
    const snapshot = await collectCluster(target!, { timeoutMs: 2000 });
    // Assess
    expect(snapshot.cluster).toEqual({ name: 'down', source: 'kubeconfig' });
    expect(evidenceStatus(snapshot, 'api server').detail).toMatch(/^unreachable: get \/api: .*ECONNREFUSED/);
  });

  it('reports a kind in an API group the cluster does not serve as absent, and records policy-engine groups', async () => {
    // Prepare / Act
    const without = await collect({});
    await api!.close();
    const withGroups = await collect({ extraGroupVersions: ['policy.networking.k8s.io/v1alpha1', 'cilium.io/v2'] });
    // Assess
    expect(evidenceStatus(without, 'adminnetworkpolicies')).toEqual({
      step: 'adminnetworkpolicies', status: 'absent', detail: 'not served by the API server: policy.networking.k8s.io/v1alpha1',
    });
    expect(evidenceStatus(without, 'services').status).toBe('ok'); // Route (route.openshift.io) is absent, the rest served
    expect(without.policyEngineGroups).toEqual([]);
    expect(evidenceStatus(withGroups, 'adminnetworkpolicies')).toEqual({ step: 'adminnetworkpolicies', status: 'ok', detail: '0 objects' });
    expect(withGroups.policyEngineGroups).toEqual(['cilium.io']);
  });

  it('reports a resource its served group/version lacks (404) as absent', async () => {
    // Prepare / Act
    const snapshot = await collect({ missing: ['networkpolicies.networking.k8s.io', 'endpointslices.discovery.k8s.io'] });
    // Assess
    expect(evidenceStatus(snapshot, 'networkpolicies')).toEqual({
      step: 'networkpolicies', status: 'absent', detail: 'not served by the API server: networkpolicies.networking.k8s.io',
    });
    expect(evidenceStatus(snapshot, 'services').status).toBe('ok');
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    // Prepare / Act
    const snapshot = await collect({ latencyMs: 20 }, { concurrency: 2 });
    // Assess
    expect(named(snapshot, 'Pod')).toHaveLength(12);
    expect(api!.maxInFlight()).toBe(2);
  });

  it('reports a server whose discovery times out as unreachable', async () => {
    // Prepare / Act
    const snapshot = await collect({ latencyMs: 1000 }, { timeoutMs: 200 });
    // Assess
    expect(evidenceStatus(snapshot, 'api server')).toEqual({ step: 'api server', status: 'error', detail: 'unreachable: timed out after 0.2 s: get /api' });
  });

  it('records a missing token as forbidden on every step', async () => {
    // Prepare
    api = await startFakeKubeApi({ objects: OBJECTS });
    const file = writeKubeconfig(join(dir, 'notoken'), [{ context: 't', server: api.url, caPem: api.caPem, token: 'wrong' }]);
    const [target] = loadKubeconfigTargets({ kubeconfig: file, contexts: ['t'] });
    // Act
    const snapshot = await collectCluster(target!);
    // Assess
    expect(evidenceStatus(snapshot, 'workloads')).toEqual({ step: 'workloads', status: 'forbidden', detail: '401 Unauthorized: get /api' });
  });

  it('tries every kind when the server lists no API groups, and a kind it does not serve is absent', async () => {
    // Prepare / Act
    const snapshot = await collect({ noGroupDiscovery: true });
    // Assess
    expect(evidenceStatus(snapshot, 'api server').status).toBe('ok');
    expect(named(snapshot, 'Pod')).toHaveLength(12);
    expect(evidenceStatus(snapshot, 'rbac')).toMatchObject({ status: 'ok' });
    expect(evidenceStatus(snapshot, 'adminnetworkpolicies').status).toBe('absent');
    expect(snapshot.policyEngineGroups).toBeUndefined();
  });

  it('asks a target\'s bearer token source on every request, over the kubeconfig user, and names the cluster by its identity', async () => {
    // Prepare
    api = await startFakeKubeApi({ objects: OBJECTS });
    const file = writeKubeconfig(join(dir, 'config-stale'), [{ context: 'eks', server: api.url, caPem: api.caPem, token: 'stale-token' }]);
    const [target] = loadKubeconfigTargets({ kubeconfig: file, contexts: ['eks'] });
    let asked = 0;
    const bearerToken = async (): Promise<string> => {
      asked++;
      return api!.token;
    };
    const identity = { name: 'payments', account: '123456789012', region: 'eu-west-1', source: 'eks' as const };

    // Act
    const snapshot = await collectCluster({ ...target!, identity, bearerToken }, { pageSize: 5, timeoutMs: 2000 });

    // Assess
    expect(snapshot.cluster).toEqual(identity);
    expect(named(snapshot, 'Pod')).toHaveLength(12);
    expect(snapshot.collection.every((s) => s.status === 'ok' || s.status === 'absent')).toBe(true);
    expect(asked).toBe(api.requests.length);
  });
});

describe('loadKubeconfigTargets', () => {
  it('gives each context its own KubeConfig, and names a missing context', () => {
    // Prepare
    const file = writeKubeconfig(join(dir, 'two'), [
      { context: 'a', server: 'https://127.0.0.1:1', caPem: testTls().caPem, token: 't1' },
      { context: 'b', server: 'https://127.0.0.1:2', caPem: testTls().caPem, token: 't2' },
    ]);
    // Act
    const targets = loadKubeconfigTargets({ kubeconfig: file, allContexts: true });
    // Assess
    expect(targets.map((t) => [t.context, t.kubeConfig.getCurrentCluster()?.server])).toEqual([['a', 'https://127.0.0.1:1'], ['b', 'https://127.0.0.1:2']]);
    expect(targets[0]!.kubeConfig).not.toBe(targets[1]!.kubeConfig);
    expect(() => loadKubeconfigTargets({ kubeconfig: file, contexts: ['c'] })).toThrow(`kubeconfig ${file}: no context 'c'`);
    expect(() => loadKubeconfigTargets({ kubeconfig: join(dir, 'nope') })).toThrow('no such file');
  });

  it('merges the files of KUBECONFIG as kubectl does: the first to name a context, cluster or user wins', () => {
    // Prepare
    const ca = testTls().caPem;
    const first = writeKubeconfig(join(dir, 'first'), [{ context: 'a', server: 'https://127.0.0.1:1', caPem: ca, token: 't1' }]);
    const second = writeKubeconfig(join(dir, 'second'), [
      { context: 'a', server: 'https://127.0.0.1:9', caPem: ca, token: 'shadowed' },
      { context: 'b', server: 'https://127.0.0.1:2', caPem: ca, token: 't2' },
    ]);
    const env = { KUBECONFIG: [first, join(dir, 'absent'), second].join(':') };
    // Act
    const targets = loadKubeconfigTargets({ env, allContexts: true });
    // Assess
    expect(targets.map((t) => [t.context, t.kubeConfig.getCurrentCluster()?.server, t.kubeConfig.getCurrentUser()?.token]))
      .toEqual([['a', 'https://127.0.0.1:1', 't1'], ['b', 'https://127.0.0.1:2', 't2']]);
    expect(() => loadKubeconfigTargets({ env: { KUBECONFIG: join(dir, 'absent') }, allContexts: true })).toThrow('no such file');
  });

  it('reads KUBECONFIG, else ~/.kube/config', async () => {
    // Prepare
    const { kubeconfigPath } = await import('../../lib/adapters/k8s/kubeconfig.js');
    // Act / Assess
    expect(kubeconfigPath({ env: { KUBECONFIG: '/x/one:/x/two' }, home: '/h' })).toBe('/x/one:/x/two');
    expect(kubeconfigPath({ env: {}, home: '/h' })).toBe('/h/.kube/config');
    expect(kubeconfigPath({ kubeconfig: '/k', env: { KUBECONFIG: '/x' } })).toBe('/k');
  });
});
