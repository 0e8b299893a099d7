/**
 * grant-access against aws-sdk-client-mock (EKS) and the HTTPS fake Kubernetes API, which accepts
 * as the admin only EKS tokens signed with the caller's keys for this cluster (checked with an
 * independent SigV4 computation), and checks RBAC for a second token
 * that holds nothing but the kubeseg:readers group.
 */
import {
  AccessDeniedException, CreateAccessEntryCommand, DescribeAccessEntryCommand, DescribeClusterCommand, EKSClient,
  ResourceInUseException, UpdateAccessEntryCommand,
} from '@aws-sdk/client-eks';
import { KubeConfig } from '@kubernetes/client-node';
import { mockClient } from 'aws-sdk-client-mock';
// The matchers' types (vitest's setupFiles installs them at run time).
import type {} from 'aws-sdk-client-mock-vitest/extend';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { grantAccess, type GrantResult } from '../../lib/adapters/aws/grantAccess.js';
import { collectCluster } from '../../lib/adapters/k8s/collectCluster.js';
import { readerClusterRole, readerClusterRoleBinding } from '../../lib/core/access/readerRole.js';
import type { GrantRequest } from '../../lib/core/access/grantRequest.js';
import { API_SERVER_STEP, EVIDENCE_KIND_NAMES } from '../../lib/core/evidence/snapshot.js';
import { run } from '../helpers/cli.js';
import { startFakeKubeApi, testTls, type FakeKubeApi } from '../helpers/fakeKubeApi.js';
import { isEksTokenFor } from '../helpers/sigv4.js';

const eksMock = mockClient(EKSClient);
const CLUSTER = 'prod-a';
const REGION = 'eu-west-1';
const ROLE = 'arn:aws:iam::123456789012:role/kubeseg-collector';
const CLUSTER_ARN = `arn:aws:eks:${REGION}:123456789012:cluster/${CLUSTER}`;
const REQUEST: GrantRequest = { clusterName: CLUSTER, region: REGION, principalArn: ROLE, group: 'kubeseg:readers' };
const READER_TOKEN = 'reader-only-token';
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example-key' };

const OBJECTS = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'shop', labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: 'shop' }, data: { password: 'c2VjcmV0' } },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'shop' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r', namespace: 'shop' }, rules: [] },
];

let api: FakeKubeApi;
let eksTokens: string[];

beforeAll(() => void testTls());
beforeEach(async () => {
  eksMock.reset();
  eksTokens = [];
  api = await startFakeKubeApi({
    objects: OBJECTS,
    extraGroupVersions: ['route.openshift.io/v1', 'policy.networking.k8s.io/v1alpha1'],
    acceptsToken: (t) => {
      const ok = isEksTokenFor(t, KEYS, REGION, CLUSTER);
      if (ok) eksTokens.push(t);
      return ok;
    },
    groupTokens: { [READER_TOKEN]: ['kubeseg:readers'] },
  });
  describeCluster('API_AND_CONFIG_MAP');
  eksMock.on(CreateAccessEntryCommand).resolves({ accessEntry: { principalArn: ROLE, kubernetesGroups: ['kubeseg:readers'], type: 'STANDARD' } });
});
afterEach(async () => {
  await api.close();
  vi.unstubAllEnvs();
});
afterAll(() => eksMock.restore());

function describeCluster(mode: string | undefined, caPem = api.caPem): void {
  eksMock.on(DescribeClusterCommand).resolves({
    cluster: {
      name: CLUSTER, arn: CLUSTER_ARN, endpoint: api.url, certificateAuthority: { data: Buffer.from(caPem).toString('base64') },
      ...(mode !== undefined && { accessConfig: { authenticationMode: mode as 'API' } }),
    },
  });
}

const grant = (request: GrantRequest = REQUEST): Promise<GrantResult> =>
  grantAccess(request, { eks: new EKSClient({ region: REGION, credentials: KEYS }), timeoutMs: 5000 });

const writes = (): string[] => api.requests.filter((r) => !r.startsWith('GET '));
const served = (kind: string): Record<string, unknown> | undefined => api.objects().find((o) => o.kind === kind && (o.metadata as { name: string }).name === 'kubeseg-reader');
const withoutVersion = (o: Record<string, unknown> | undefined): unknown => {
  const { resourceVersion: _rv, ...metadata } = (o?.metadata ?? {}) as Record<string, unknown>;
  return { ...o, metadata };
};

/** collectCluster as the principal that holds only the kubeseg:readers group. */
function collectAsReader() {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'c', server: api.url, caData: Buffer.from(api.caPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'reader', token: READER_TOKEN }], contexts: [{ name: 'c', cluster: 'c', user: 'reader' }], currentContext: 'c',
  });
  return collectCluster({ context: 'c', kubeConfig }, { timeoutMs: 5000 });
}

describe('grantAccess', () => {
  it('creates the access entry in the group and applies the role and binding as generated', async () => {
    // Act
    const result = await grant();
    // Assess
    expect(result).toEqual({
      kind: 'granted', accessEntry: 'created',
      applied: [{ kind: 'ClusterRole', name: 'kubeseg-reader', outcome: 'created' }, { kind: 'ClusterRoleBinding', name: 'kubeseg-reader', outcome: 'created' }],
    });
    expect(eksMock).toHaveReceivedCommandWith(CreateAccessEntryCommand, { clusterName: CLUSTER, principalArn: ROLE, kubernetesGroups: ['kubeseg:readers'], type: 'STANDARD' });
    expect(eksMock).toHaveReceivedCommandWith(DescribeClusterCommand, { name: CLUSTER });
    expect(withoutVersion(served('ClusterRole'))).toEqual(readerClusterRole());
    expect(withoutVersion(served('ClusterRoleBinding'))).toEqual(readerClusterRoleBinding('kubeseg:readers'));
    // Every Kubernetes request went as the caller's EKS identity (the fake knows no other admin token here).
    expect(eksTokens.length).toBe(api.requests.length);
    expect(writes()).toEqual(['POST /apis/rbac.authorization.k8s.io/v1/clusterroles', 'POST /apis/rbac.authorization.k8s.io/v1/clusterrolebindings']);
  });

  it('is refused by the API with a token signed for another cluster (the fake checks the signature)', async () => {
    const error = await grant({ ...REQUEST, clusterName: 'prod-b' }).catch((e: Error) => e);
    expect((error as Error).message).toContain('get clusterroles.rbac.authorization.k8s.io kubeseg-reader: HTTP 401');
    expect(eksTokens).toEqual([]);
  });

  it('changes nothing on a second run', async () => {
    // Prepare
    await grant();
    eksMock.on(CreateAccessEntryCommand).rejects(new ResourceInUseException({ message: 'The specified access entry resource is already in use on this cluster.', $metadata: {} }));
    eksMock.on(DescribeAccessEntryCommand).resolves({ accessEntry: { principalArn: ROLE, kubernetesGroups: ['kubeseg:readers'], type: 'STANDARD' } });
    const before = writes().length;
    // Act
    const again = await grant();
    // Assess
    expect(again).toEqual({
      kind: 'granted', accessEntry: 'unchanged',
      applied: [{ kind: 'ClusterRole', name: 'kubeseg-reader', outcome: 'unchanged' }, { kind: 'ClusterRoleBinding', name: 'kubeseg-reader', outcome: 'unchanged' }],
    });
    expect(writes().length).toBe(before);
    expect(eksMock).not.toHaveReceivedCommand(UpdateAccessEntryCommand);
  });

  it('adds the group to an existing entry and keeps its other groups', async () => {
    eksMock.on(CreateAccessEntryCommand).rejects(new ResourceInUseException({ message: 'in use', $metadata: {} }));
    eksMock.on(DescribeAccessEntryCommand).resolves({ accessEntry: { principalArn: ROLE, kubernetesGroups: ['platform:ops'], type: 'STANDARD' } });
    const result = await grant();
    expect(result.kind === 'granted' && result.accessEntry).toBe('updated');
    expect(eksMock).toHaveReceivedCommandWith(UpdateAccessEntryCommand, { clusterName: CLUSTER, principalArn: ROLE, kubernetesGroups: ['platform:ops', 'kubeseg:readers'] });
  });

  it('restores a role someone widened, keeping the labels others added', async () => {
    // Prepare: the role now also reads Secrets and carries a foreign label.
    await grant();
    const role = served('ClusterRole')!;
    const widened = { ...role, metadata: { ...(role.metadata as object), labels: { ...(role.metadata as { labels: object }).labels, team: 'x' } },
      rules: [...(role.rules as object[]), { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }] };
    await putWithCa(widened);
    // Act
    const result = await grant();
    // Assess
    expect(result.kind === 'granted' && result.applied[0]!.outcome).toBe('updated');
    const restored = served('ClusterRole')!;
    expect(restored.rules).toEqual(readerClusterRole().rules);
    expect((restored.metadata as { labels: Record<string, string> }).labels.team).toBe('x');
  });

  it('adds a second group to the binding without taking the role from the first', async () => {
    await grant();
    const result = await grant({ ...REQUEST, group: 'audit:readers' });
    expect(result.kind === 'granted' && result.applied.map((a) => a.outcome)).toEqual(['unchanged', 'updated']);
    expect((served('ClusterRoleBinding')!.subjects as { name: string }[]).map((s) => s.name)).toEqual(['kubeseg:readers', 'audit:readers']);
  });

  it('stops at a cluster that authenticates through aws-auth only, and gives the mapRoles entry instead', async () => {
    describeCluster('CONFIG_MAP');
    const result = await grant();
    expect(result.kind).toBe('config-map-only');
    expect(result.kind === 'config-map-only' && parseAllDocuments(result.mapRolesYaml)[0]!.toJSON())
      .toEqual([{ rolearn: ROLE, username: 'kubeseg:{{SessionName}}', groups: ['kubeseg:readers'] }]);
    expect(eksMock).not.toHaveReceivedCommand(CreateAccessEntryCommand);
    expect(api.requests).toEqual([]);
  });

  it('treats a cluster without accessConfig (made before access entries) as aws-auth only', async () => {
    describeCluster(undefined);
    expect((await grant()).kind).toBe('config-map-only');
  });

  it('names the EKS call that was denied, in one line', async () => {
    eksMock.on(CreateAccessEntryCommand).rejects(new AccessDeniedException({
      message: 'User: arn:aws:sts::123456789012:assumed-role/dev/s is not authorized to perform: eks:CreateAccessEntry', $metadata: {},
    }));
    const error = await grant().catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^eks:CreateAccessEntry was denied: User: .* is not authorized/);
    expect((error as Error).message).not.toContain('\n');
    expect(writes()).toEqual([]);
  });

  it('refuses an API server whose certificate the cluster CA did not sign, and writes nothing', async () => {
    describeCluster('API', testTls().otherCaPem);
    const error = await grant().catch((e: Error) => e);
    expect((error as Error).message).toMatch(/^the access entry is created, but applying the ClusterRole failed: get clusterroles.rbac.authorization.k8s.io kubeseg-reader: .*certificate/);
    expect(api.objects().some((o) => o.kind === 'ClusterRole')).toBe(false);
  });

  it('lets a principal holding only the group collect every evidence step, and read no Secret', async () => {
    // Prepare: before the grant, the same principal is refused even discovery (the fake enforces RBAC).
    const before = await collectAsReader();
    expect(before.collection.map((s) => s.status)).toEqual(EVIDENCE_KIND_NAMES.map(() => 'forbidden'));
    // Act
    await grant();
    const after = await collectAsReader();
    // Assess
    expect(after.collection.map((s) => s.step)).toEqual([API_SERVER_STEP, ...EVIDENCE_KIND_NAMES]);
    expect(after.collection.filter((s) => s.status !== 'ok')).toEqual([]);
    expect(after.objects.some((o) => o.kind === 'Pod' && o.metadata.name === 'web')).toBe(true);
    // The role gives nothing on Secrets: the same principal asking for them is refused.
    expect(await statusAsReader('/api/v1/secrets')).toBe(403);
  });
});

describe('kubeseg grant-access', () => {
  it('prints the plan on --dry-run and sends no AWS or Kubernetes request', async () => {
    const r = await run('grant-access', '--cluster', CLUSTER_ARN, '--principal', ROLE, '--dry-run');
    expect(r.code).toBe(0);
    expect(r.stdout.indexOf('CreateAccessEntry')).toBeLessThan(r.stdout.indexOf('kind: ClusterRole'));
    expect(r.stdout.indexOf('kind: ClusterRole\n')).toBeLessThan(r.stdout.indexOf('kind: ClusterRoleBinding'));
    expect(r.stdout).toContain(`principalArn: ${ROLE}`);
    expect(eksMock.calls()).toHaveLength(0);
    expect(api.requests).toEqual([]);
  });

  it('says what it created, as the caller\'s AWS identity', async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', KEYS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', KEYS.secretAccessKey);
    vi.stubEnv('AWS_PROFILE', '');
    const r = await run('grant-access', '--cluster', CLUSTER, '--region', REGION, '--principal', ROLE);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe([
      `Cluster ${CLUSTER} (${REGION}):`,
      `  access entry for ${ROLE} in group kubeseg:readers: created`,
      '  ClusterRole kubeseg-reader: created',
      '  ClusterRoleBinding kubeseg-reader: created',
      '',
    ].join('\n'));
  });

  it('exits 2 with one line naming the denied call', async () => {
    eksMock.on(DescribeClusterCommand).rejects(new AccessDeniedException({ message: 'not authorized to perform: eks:DescribeCluster', $metadata: {} }));
    vi.stubEnv('AWS_ACCESS_KEY_ID', KEYS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', KEYS.secretAccessKey);
    const r = await run('grant-access', '--cluster', CLUSTER_ARN, '--principal', ROLE);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: eks:DescribeCluster was denied: not authorized to perform: eks:DescribeCluster\n');
    expect(r.stdout).toBe('');
    // The secret key never shows.
    expect(r.stderr + r.stdout).not.toContain(KEYS.secretAccessKey);
  });

  it('exits 2 with the aws-auth entry for a CONFIG_MAP cluster', async () => {
    describeCluster('CONFIG_MAP');
    vi.stubEnv('AWS_ACCESS_KEY_ID', KEYS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', KEYS.secretAccessKey);
    const r = await run('grant-access', '--cluster', CLUSTER_ARN, '--principal', ROLE);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('authenticationMode CONFIG_MAP');
    expect(r.stdout).toContain(`rolearn: ${ROLE}`);
  });

  it.each([
    [['--cluster', CLUSTER, '--principal', ROLE], 'needs --region'],
    [['--cluster', CLUSTER_ARN, '--principal', 'arn:aws:iam::123456789012:user/bob'], 'not an IAM role ARN'],
    [['--cluster', CLUSTER_ARN, '--principal', ROLE, '--group', 'system:masters'], "'system:' is reserved"],
    [['--cluster', CLUSTER_ARN, '--region', 'us-east-1', '--principal', ROLE], 'is in eu-west-1, not in --region us-east-1'],
  ])('refuses %j in one line, before any AWS call', async (args, message) => {
    vi.stubEnv('AWS_REGION', '');
    const r = await run('grant-access', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(eksMock.calls()).toHaveLength(0);
  });
});

/** The HTTP status the reader-only principal gets for a GET. */
async function statusAsReader(path: string): Promise<number | undefined> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    request(`${api.url}${path}`, { ca: api.caPem, headers: { authorization: `Bearer ${READER_TOKEN}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    }).on('error', reject).end();
  });
}

/** A PUT with the test CA trusted, as a second admin would edit the role. */
async function putWithCa(body: object): Promise<void> {
  const { request } = await import('node:https');
  await new Promise<void>((resolve, reject) => {
    const req = request(`${api.url}/apis/rbac.authorization.k8s.io/v1/clusterroles/kubeseg-reader`, {
      method: 'PUT', ca: api.caPem, headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json' },
    }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`PUT answered ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
