import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { analyzeYaml, deployment, docs, messagesWith } from '../helpers/analyzeYaml.js';

interface Owner {
  readonly kind?: string;
  readonly name: string;
  readonly controller?: boolean;
}

/** A Pod in ns with labels and ownerReferences. */
function ownedPod(name: string, labels: Readonly<Record<string, string>>, owners: readonly Owner[]): string {
  const refs = owners.map((o) => `
  - apiVersion: apps/v1${o.kind !== undefined ? `\n    kind: ${o.kind}` : ''}
    name: ${o.name}
    uid: 1234${o.controller !== undefined ? `\n    controller: ${o.controller}` : ''}`).join('');
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ns
  labels:${Object.entries(labels).map(([k, v]) => `\n    ${k}: ${v}`).join('')}${owners.length > 0 ? `\n  ownerReferences:${refs}` : ''}
spec:
  containers:
  - name: main
    image: nginx`;
}

const CLIENT = deployment('ns', 'client', { app: 'client' });

function peers(lines: readonly string[]): string[] {
  const out = new Set<string>();
  for (const l of lines) {
    const [src, rest] = l.split(' => ');
    out.add(src!);
    out.add(rest!.split(' : ')[0]!);
  }
  return [...out].filter((p) => !p.endsWith('[External]')).sort();
}

describe('pods and their owners', () => {
  it('collapses pods with the same controlling owner into one peer named after the owner', () => {
    // Prepare
    const yaml = docs(CLIENT,
      ownedPod('web-abc-1', { app: 'web' }, [{ kind: 'ReplicaSet', name: 'web-abc', controller: true }]),
      ownedPod('web-abc-2', { app: 'web' }, [{ kind: 'ReplicaSet', name: 'web-abc', controller: true }]));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.workloadLines).toEqual([
      'ns/client[Deployment] => ns/web-abc[ReplicaSet] : All Connections',
      'ns/web-abc[ReplicaSet] => ns/client[Deployment] : All Connections',
    ]);
    expect(r.analysis?.model.workloads.map((w) => w.id)).toEqual(['ns/client[Deployment]', 'ns/web-abc[ReplicaSet]']);
  });

  it('ignores owner references that are not the controller', () => {
    // Prepare
    const yaml = docs(CLIENT,
      ownedPod('p1', { app: 'p' }, [{ kind: 'ReplicaSet', name: 'rs' }, { kind: 'StatefulSet', name: 'sts', controller: false }]));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(peers(r.lines)).toEqual(['ns/client[Deployment]', 'ns/p1[Pod]']);
  });

  it('names a pod after an owner without kind as [Pod]', () => {
    // Prepare
    const yaml = docs(CLIENT, ownedPod('p1', { app: 'p' }, [{ name: 'mystery', controller: true }]));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(peers(r.lines)).toEqual(['ns/client[Deployment]', 'ns/mystery[Pod]']);
  });

  it('keeps a static pod owned by a Node as a bare pod', () => {
    // Prepare
    const yaml = docs(CLIENT, ownedPod('kube-proxy-node1', { app: 'proxy' }, [{ kind: 'Node', name: 'node1', controller: true }]));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(peers(r.lines)).toEqual(['ns/client[Deployment]', 'ns/kube-proxy-node1[Pod]']);
  });

  it('uses the first controller owner among several references', () => {
    // Prepare
    const yaml = docs(CLIENT, ownedPod('job-x-1', { app: 'j' }, [
      { kind: 'ConfigMap', name: 'cfg' },
      { kind: 'Job', name: 'job-x', controller: true },
    ]));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(peers(r.lines)).toEqual(['ns/client[Deployment]', 'ns/job-x[Job]']);
  });

  it('takes labels and ports of a bare pod from the Pod itself', () => {
    // Prepare
    const yaml = docs(CLIENT, `kind: Pod
metadata:
  name: solo
  namespace: ns
  labels:
    app: solo
spec:
  initContainers:
  - name: init
    ports:
    - containerPort: 9999
      name: http
  containers:
  - name: one
    ports:
    - containerPort: 8080
      name: web
  - name: two
    ports:
    - containerPort: 53
      name: dns
      protocol: UDP`, `kind: NetworkPolicy
metadata:
  name: solo
  namespace: ns
spec:
  podSelector:
    matchLabels:
      app: solo
  ingress:
  - ports:
    - port: web
    - port: dns
      protocol: UDP
    - port: http`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess: init container ports serve no traffic, so "http" resolves to nothing
    expect(r.workloadLines).toContain('ns/client[Deployment] => ns/solo[Pod] : TCP 8080,UDP 53');
    expect(messagesWith(r.warnings, 'port name: "http" has no match')).toHaveLength(1);
  });
});

describe('workload resources', () => {
  const TEMPLATE = `    metadata:
      labels:
        tier: locked
    spec:
      containers:
      - name: main
        image: busybox`;

  const kinds: readonly [kind: string, spec: string][] = [
    ['Deployment', `  replicas: 3\n  template:\n${TEMPLATE}`],
    ['ReplicaSet', `  replicas: 2\n  template:\n${TEMPLATE}`],
    ['ReplicationController', `  template:\n${TEMPLATE}`],
    ['StatefulSet', `  replicas: 5\n  template:\n${TEMPLATE}`],
    ['DaemonSet', `  template:\n${TEMPLATE}`],
    ['Job', `  parallelism: 4\n  template:\n${TEMPLATE}`],
    ['CronJob', `  schedule: "* * * * *"\n  jobTemplate:\n    spec:\n      template:\n${TEMPLATE.replace(/^/gm, '    ')}`],
  ];

  it.each(kinds)('lists a %s as one peer selected by its pod template labels', (kind, spec) => {
    // Prepare: the object's own metadata.labels must not count; only the template's tier=locked
    const yaml = docs(CLIENT, `apiVersion: whatever/v1
kind: ${kind}
metadata:
  name: w
  namespace: ns
  labels:
    app: w
spec:
${spec}`, `kind: NetworkPolicy
metadata:
  name: lock
  namespace: ns
spec:
  podSelector:
    matchLabels:
      tier: locked
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: client
    ports:
    - port: 443`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
    expect(r.workloadLines).toEqual([
      `ns/client[Deployment] => ns/w[${kind}] : TCP 443`,
      `ns/w[${kind}] => ns/client[Deployment] : All Connections`,
    ]);
  });

  it('ignores replicas, including zero, and never lists a workload\'s connection to itself', () => {
    // Prepare
    const yaml = docs(`kind: Deployment
metadata:
  name: zero
  namespace: ns
spec:
  replicas: 0
  template:
    metadata:
      labels:
        app: zero`, `kind: StatefulSet
metadata:
  name: many
  namespace: ns
spec:
  replicas: 10
  template:
    metadata:
      labels:
        app: many`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.workloadLines).toEqual([
      'ns/many[StatefulSet] => ns/zero[Deployment] : All Connections',
      'ns/zero[Deployment] => ns/many[StatefulSet] : All Connections',
    ]);
  });

  it('keeps workloads of different kinds with the same name apart', () => {
    // Prepare
    const yaml = docs(deployment('ns', 'x', { app: 'x' }), `kind: StatefulSet
metadata:
  name: x
  namespace: ns
spec:
  template:
    metadata:
      labels:
        app: x`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(peers(r.lines)).toEqual(['ns/x[Deployment]', 'ns/x[StatefulSet]']);
  });
});

  // `kubectl get all -o yaml` lists pods before the ReplicaSet that controls them.
  it('treats a ReplicaSet and the pods it controls as one peer, whatever their order, without warnings', () => {
    // Prepare
    const owner = [{ kind: 'ReplicaSet', name: 'web-abc', controller: true }];
    const replicaSet = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-abc
  namespace: ns
spec:
  replicas: 2
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: main
        image: nginx`;
    const podsFirst = docs(CLIENT, ownedPod('web-abc-x1', { app: 'web' }, owner), ownedPod('web-abc-x2', { app: 'web' }, owner), replicaSet);

    // Act
    const r = analyzeYaml(podsFirst);

    // Assess
    expect(r.workloadLines).toEqual([
      'ns/client[Deployment] => ns/web-abc[ReplicaSet] : All Connections',
      'ns/web-abc[ReplicaSet] => ns/client[Deployment] : All Connections',
    ]);
    expect(r.warnings.filter((w) => !w.includes('no relevant Kubernetes network policy resources'))).toEqual([]);
  });

  it('counts a workload\'s pods from its declared replicas, or from the Pod objects read', () => {
    // Prepare
    const owner = [{ kind: 'ReplicaSet', name: 'web-abc', controller: true }];
    const pods = [ownedPod('web-abc-x1', { app: 'web' }, owner), ownedPod('web-abc-x2', { app: 'web' }, owner),
      ownedPod('web-abc-x3', { app: 'web' }, owner)];
    const job = `apiVersion: batch/v1
kind: Job
metadata: { name: migrate, namespace: ns }
spec:
  parallelism: 4
  template:
    metadata: { labels: { app: migrate } }
    spec: { containers: [{ name: main, image: migrate }] }`;

    // Act
    const r = analyzeYaml(docs(CLIENT, ...pods, job));

    // Assess
    const counts = Object.fromEntries(r.analysis!.model.workloads.map((w) => [w.id, w.podCount]));
    expect(counts).toEqual({ 'ns/client[Deployment]': 1, 'ns/web-abc[ReplicaSet]': 3, 'ns/migrate[Job]': 4 });
  });

describe('workloads that another workload made (a live cluster lists both)', () => {
  /** A resource of `kind` with a pod template labelled `labels`, controlled by `maker` if given. */
  function resource(kind: string, name: string, labels: Readonly<Record<string, string>>, replicas: number, maker?: Owner): string {
    const apiVersion = kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1';
    const template = { metadata: { labels }, spec: { containers: [{ name: 'main', image: 'app' }] } };
    const spec = kind === 'CronJob' ? { schedule: '@daily', jobTemplate: { spec: { template } } }
      : { [kind === 'Job' ? 'parallelism' : 'replicas']: replicas, template };
    const ownerReferences = maker && [{ apiVersion, kind: maker.kind, name: maker.name, uid: 'u1', controller: true }];
    return stringify({ apiVersion, kind, metadata: { name, namespace: 'ns', ...(ownerReferences && { ownerReferences }) }, spec });
  }

  const web = deployment('ns', 'web', { app: 'web' });
  const rsOwner = [{ kind: 'ReplicaSet', name: 'web-5d8f', controller: true }];

  it('names the pods of a Deployment\'s ReplicaSet after the Deployment, whatever the order, and counts them once', () => {
    // Prepare: pods first, as `kubectl get all -o yaml` lists them
    const yaml = docs(CLIENT, ownedPod('web-5d8f-a', { app: 'web', 'pod-template-hash': '5d8f' }, rsOwner),
      ownedPod('web-5d8f-b', { app: 'web', 'pod-template-hash': '5d8f' }, rsOwner),
      resource('ReplicaSet', 'web-5d8f', { app: 'web', 'pod-template-hash': '5d8f' }, 2, { kind: 'Deployment', name: 'web' }), web);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.workloadLines).toEqual([
      'ns/client[Deployment] => ns/web[Deployment] : All Connections',
      'ns/web[Deployment] => ns/client[Deployment] : All Connections',
    ]);
    expect(r.analysis!.model.workloads.find((w) => w.id === 'ns/web[Deployment]')?.podCount).toBe(1);
    expect(r.warnings.filter((w) => !w.includes('no relevant Kubernetes network policy resources'))).toEqual([]);
  });

  it('leaves out an old ReplicaSet\'s template, so a rollout\'s earlier labels do not split the Deployment', () => {
    // Prepare: the old ReplicaSet (scaled to zero) had other labels, and a policy tells them apart
    const old = resource('ReplicaSet', 'web-1a2b', { app: 'web', version: 'v1' }, 0, { kind: 'Deployment', name: 'web' });
    const policy = `kind: NetworkPolicy
metadata: { name: np, namespace: ns }
spec:
  podSelector: { matchLabels: { version: v1 } }`;

    // Act
    const r = analyzeYaml(docs(CLIENT, web, old, policy));

    // Assess
    expect(r.errors).toEqual([]);
    expect(r.analysis!.model.workloads.map((w) => w.id)).toEqual(['ns/client[Deployment]', 'ns/web[Deployment]']);
  });

  it('describes a workload by the pods it runs when they are listed, else by its template', () => {
    // Prepare: the controller adds pod-template-hash to the pods, which the Deployment's template leaves out
    const listed = docs(CLIENT, web, resource('ReplicaSet', 'web-5d8f', { app: 'web', 'pod-template-hash': '5d8f' }, 1, { kind: 'Deployment', name: 'web' }),
      ownedPod('web-5d8f-a', { app: 'web', 'pod-template-hash': '5d8f' }, rsOwner));

    // Act
    const [live, manifests] = [analyzeYaml(listed), analyzeYaml(docs(CLIENT, web))];

    // Assess
    const shapesOfWeb = (r: typeof live) => r.analysis!.model.workloads.find((w) => w.id === 'ns/web[Deployment]')?.pods.map((p) => p.labels);
    expect(shapesOfWeb(live)).toEqual([{ app: 'web', 'pod-template-hash': '5d8f' }]);
    expect(shapesOfWeb(manifests)).toEqual([{ app: 'web' }]);
  });

  it('keeps a ReplicaSet whose Deployment is not in the input as a workload of its own', () => {
    // Act
    const r = analyzeYaml(docs(CLIENT, resource('ReplicaSet', 'web-5d8f', { app: 'web' }, 2, { kind: 'Deployment', name: 'web' })));

    // Assess
    expect(r.analysis!.model.workloads.map((w) => w.id)).toEqual(['ns/client[Deployment]', 'ns/web-5d8f[ReplicaSet]']);
  });

  it('names a CronJob\'s Jobs and their pods after the CronJob', () => {
    // Prepare
    const jobOwner = [{ kind: 'Job', name: 'backup-2911', controller: true }];
    const yaml = docs(CLIENT, resource('CronJob', 'backup', { app: 'backup' }, 1),
      resource('Job', 'backup-2911', { app: 'backup' }, 1, { kind: 'CronJob', name: 'backup' }),
      ownedPod('backup-2911-x', { app: 'backup' }, jobOwner));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.analysis!.model.workloads.map((w) => w.id)).toEqual(['ns/client[Deployment]', 'ns/backup[CronJob]']);
  });
});

describe('pods of one owner with different labels', () => {
  const podsWithGap = docs(CLIENT,
    ownedPod('web-1', { app: 'web', version: 'v1' }, [{ kind: 'ReplicaSet', name: 'web', controller: true }]),
    ownedPod('web-2', { app: 'web', version: 'v2' }, [{ kind: 'ReplicaSet', name: 'web', controller: true }]));

  function policySelecting(selector: string): string {
    return `kind: NetworkPolicy
metadata:
  name: np
  namespace: ns
spec:
  podSelector:
${selector}`;
  }

  it('is fatal when a policy selector tells the pods apart', () => {
    // Prepare
    const yaml = docs(podsWithGap, policySelecting(`    matchLabels:
      version: v1`));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.analysis).toBeUndefined();
    expect(r.errors).toHaveLength(1);
    expect(messagesWith(r.errors, 'Found Pods of the same owner workload `ns/web`', 'version', 'NetworkPolicy "ns/np"')).toHaveLength(1);
  });

  it('is fatal when a rule peer selector tells the pods apart', () => {
    // Prepare
    const yaml = docs(podsWithGap, `kind: NetworkPolicy
metadata:
  name: client-in
  namespace: ns
spec:
  podSelector:
    matchLabels:
      app: client
  ingress:
  - from:
    - podSelector:
        matchExpressions:
        - key: version
          operator: NotIn
          values: [v2]`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(messagesWith(r.errors, 'Found Pods of the same owner workload `ns/web`', 'NetworkPolicy "ns/client-in"')).toHaveLength(1);
  });

  it('is harmless when no selector tells the pods apart', () => {
    // Prepare: app=web, Exists and In with both values treat v1 and v2 alike
    const yaml = docs(podsWithGap, `kind: NetworkPolicy
metadata:
  name: np
  namespace: ns
spec:
  podSelector:
    matchLabels:
      app: web
  ingress:
  - from:
    - podSelector:
        matchExpressions:
        - {key: version, operator: Exists}
        - {key: version, operator: In, values: [v1, v2]}`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess: client has no version label, so only web itself may connect to web
    expect(r.errors).toEqual([]);
    expect(r.workloadLines).toEqual(['ns/web[ReplicaSet] => ns/client[Deployment] : All Connections']);
  });

  it('is harmless without any policy', () => {
    // Prepare / Act
    const r = analyzeYaml(podsWithGap);

    // Assess
    expect(r.errors).toEqual([]);
    expect(r.workloadLines).toEqual([
      'ns/client[Deployment] => ns/web[ReplicaSet] : All Connections',
      'ns/web[ReplicaSet] => ns/client[Deployment] : All Connections',
    ]);
  });

  it('ignores a selector of another namespace', () => {
    // Prepare
    const yaml = docs(podsWithGap, policySelecting(`    matchLabels:
      version: v1`).replace('namespace: ns', 'namespace: elsewhere'));

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(r.errors).toEqual([]);
  });

  it('is fatal when an admin policy subject tells the pods apart', () => {
    // Prepare
    const yaml = docs(podsWithGap, `apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata:
  name: v2-only
spec:
  priority: 1
  subject:
    pods:
      namespaceSelector: {}
      podSelector:
        matchLabels:
          version: v2
  ingress:
  - name: deny
    action: Deny
    from:
    - namespaces: {}`);

    // Act
    const r = analyzeYaml(yaml);

    // Assess
    expect(messagesWith(r.errors, 'Found Pods of the same owner workload `ns/web`', 'AdminNetworkPolicy "v2-only"')).toHaveLength(1);
  });
});
