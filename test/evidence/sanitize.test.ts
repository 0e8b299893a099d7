/**
 * Unit tests of `sanitizeObject`: what of an object survives into an evidence snapshot. Values of
 * environment variables, ConfigMaps and Secrets never do; keys, names and references do, because
 * the checks read them.
 */
import { describe, expect, it } from 'vitest';
import { looksLikeCredential, sanitizeObject } from '../../lib/core/evidence/sanitize.js';

type Json = Record<string, unknown>;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** A container with every field the sanitiser treats specially. */
function container(): Json {
  return {
    name: 'app',
    image: 'registry.example.com/app:1.0',
    command: ['/bin/app', '--token', 'sekret-command'],
    args: ['--verbose', '--port=8080', '--enable-network-policy=true', '-v', '--db-url=postgres://u:p@db/x', 'positional-secret', '--mode', 'fast'],
    ports: [{ name: 'http', containerPort: 8080 }],
    env: [
      { name: 'DB_PASSWORD', value: 'sekret-1' },
      { name: 'GREETING', value: 'hello' },
      { name: 'EMPTY', value: '' },
      { name: 'NO_VALUE' },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
    ],
    envFrom: [{ configMapRef: { name: 'settings' } }],
  };
}

/** The one container of a Deployment, CronJob or Pod after sanitising. */
function sanitizedContainer(object: Json, path: readonly string[]): Json {
  let node: unknown = sanitizeObject(object);
  for (const key of path) node = (node as Json)[key];
  return (node as Json[])[0]!;
}

describe('sanitizeObject: containers', () => {
  const pod = (): Json => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers: [container()] } });

  it('keeps environment variable names, marking literal values and whether the name looks like a credential', () => {
    // Act
    const c = sanitizedContainer(pod(), ['spec', 'containers']);

    // Assess
    expect(c.env).toEqual([
      { name: 'DB_PASSWORD', literal: true, credentialLike: true },
      { name: 'GREETING', literal: true, credentialLike: false },
      { name: 'EMPTY' },
      { name: 'NO_VALUE' },
      { name: 'API_TOKEN', valueFrom: { secretKeyRef: { name: 'api', key: 'token' } } },
    ]);
  });

  it('keeps envFrom references, ports, name and image', () => {
    // Act
    const c = sanitizedContainer(pod(), ['spec', 'containers']);

    // Assess
    expect(c).toMatchObject({
      name: 'app', image: 'registry.example.com/app:1.0', ports: [{ name: 'http', containerPort: 8080 }],
      envFrom: [{ configMapRef: { name: 'settings' } }],
    });
  });

  it('drops the command and keeps only harmless flags of the arguments', () => {
    // Act
    const c = sanitizedContainer(pod(), ['spec', 'containers']);

    // Assess
    expect(c.command).toBeUndefined();
    expect(c.args).toEqual(['--verbose', '--port=8080', '--enable-network-policy=true', '-v', '--mode']);
  });

  it('drops values next to a valueFrom', () => {
    // Prepare
    const object = pod();
    ((object.spec as Json).containers as Json[])[0]!.env = [{ name: 'X', value: 'sekret', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }];

    // Act
    const c = sanitizedContainer(object, ['spec', 'containers']);

    // Assess
    expect(c.env).toEqual([{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }]);
  });

  it('sanitises init and ephemeral containers as well', () => {
    // Prepare
    const object = pod();
    Object.assign(object.spec as Json, { initContainers: [container()], ephemeralContainers: [container()] });

    // Act
    const sanitized = JSON.stringify(sanitizeObject(object));

    // Assess
    expect(sanitized).not.toMatch(/sekret|hello|positional-secret|postgres:/);
    expect(sanitizedContainer(object, ['spec', 'initContainers']).env).toHaveLength(5);
    expect(sanitizedContainer(object, ['spec', 'ephemeralContainers']).command).toBeUndefined();
  });

  it('does not modify its input', () => {
    // Prepare
    const object = pod();
    const before = JSON.stringify(object);

    // Act
    sanitizeObject(object);

    // Assess
    expect(JSON.stringify(object)).toBe(before);
  });

  it('drops a numeric value given to a credential-like flag', () => {
    // Prepare
    const object = pod();
    ((object.spec as Json).containers as Json[])[0]!.args = ['--db-password=73519846', '--replicas=3'];

    // Act
    const c = sanitizedContainer(object, ['spec', 'containers']);

    // Assess
    expect(c.args).toEqual(['--replicas=3']);
  });

  it('drops literal values from exec probes, lifecycle hooks and probe HTTP headers', () => {
    // Prepare
    const object = pod();
    Object.assign(((object.spec as Json).containers as Json[])[0]!, {
      livenessProbe: { exec: { command: ['mysqladmin', '-psekret-probe', 'ping'] } },
      readinessProbe: { httpGet: { path: '/ready', port: 8080, httpHeaders: [{ name: 'Authorization', value: 'Bearer sekret-header' }] } },
      lifecycle: { postStart: { exec: { command: ['sh', '-c', 'login --token sekret-hook'] } } },
    });

    // Act
    const sanitized = JSON.stringify(sanitizeObject(object));

    // Assess
    expect(sanitized).not.toMatch(/sekret-(probe|header|hook)/);
  });
});

describe('sanitizeObject: pod templates', () => {
  it('sanitises the pod template of a Deployment, and its metadata', () => {
    // Prepare
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns' },
      spec: {
        replicas: 2, selector: { matchLabels: { app: 'd' } },
        template: {
          metadata: { labels: { app: 'd' }, annotations: { [LAST_APPLIED]: '{"sekret":1}', 'prometheus.io/scrape': 'true' } },
          spec: { serviceAccountName: 'sa', hostNetwork: true, containers: [container()] },
        },
      },
    };

    // Act
    const out = sanitizeObject(deployment) as unknown as { spec: { template: { metadata: Json; spec: Json & { containers: Json[] } } } };

    // Assess
    expect(out.spec.template.metadata).toEqual({ labels: { app: 'd' }, annotations: { 'prometheus.io/scrape': 'true' } });
    expect(out.spec.template.spec).toMatchObject({ serviceAccountName: 'sa', hostNetwork: true });
    expect(out.spec.template.spec.containers[0]!.command).toBeUndefined();
    expect(out.spec).toMatchObject({ replicas: 2, selector: { matchLabels: { app: 'd' } } });
    expect(JSON.stringify(out)).not.toContain('sekret');
  });

  it('sanitises the job template of a CronJob', () => {
    // Prepare
    const cronJob = {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c', namespace: 'ns' },
      spec: {
        schedule: '*/5 * * * *',
        jobTemplate: { spec: { backoffLimit: 1, template: { metadata: { labels: { job: 'c' } }, spec: { containers: [container()] } } } },
      },
    };

    // Act
    const c = sanitizedContainer(cronJob, ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers']);
    const out = sanitizeObject(cronJob) as unknown as { spec: Json & { jobTemplate: { spec: Json } } };

    // Assess
    expect(c.env).toContainEqual({ name: 'DB_PASSWORD', literal: true, credentialLike: true });
    expect(c.command).toBeUndefined();
    expect(out.spec.schedule).toBe('*/5 * * * *');
    expect(out.spec.jobTemplate.spec.backoffLimit).toBe(1);
    expect(JSON.stringify(out)).not.toMatch(/sekret|hello/);
  });

  it.each(['StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'ReplicationController'])('sanitises the pod template of a %s', (kind) => {
    // Prepare
    const object = { kind, metadata: { name: 'w', namespace: 'ns' }, spec: { template: { spec: { containers: [container()] } } } };

    // Act
    const sanitized = JSON.stringify(sanitizeObject(object));

    // Assess
    expect(sanitized).not.toMatch(/sekret|hello|positional-secret/);
    expect(sanitized).toContain('DB_PASSWORD');
  });

  it('keeps no values of objects of kinds the checks do not read', () => {
    // Prepare
    const podTemplate = { apiVersion: 'v1', kind: 'PodTemplate', metadata: { name: 't', namespace: 'ns' }, template: { spec: { containers: [container()] } } };
    const kubeconfig = { apiVersion: 'v1', kind: 'Config', metadata: { name: 'k' }, users: [{ name: 'admin', user: { token: 'sekret-kubeconfig' } }] };

    // Act
    const sanitized = JSON.stringify([sanitizeObject(podTemplate), sanitizeObject(kubeconfig)]);

    // Assess
    expect(sanitized).not.toMatch(/sekret/);
  });
});

describe('sanitizeObject: ConfigMaps and Secrets', () => {
  it('keeps a ConfigMap\'s keys, data and binaryData alike, and which literal keys look like credentials', () => {
    // Prepare
    const configMap = {
      apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns' },
      data: { 'db_password': 'sekret-1', 'welcome.txt': 'hello', apiKey: '  ', SECRET_NAME: 'sekret-2', log_level: 'debug', dsn: 'mysql://u:sekret-3@db/x' },
      binaryData: { 'cert.der': 'c2VrcmV0', 'private-key': 'c2VrcmV0' },
    };

    // Act
    const out = sanitizeObject(configMap) as Json;

    // Assess
    expect(out.data).toBeUndefined();
    expect(out.binaryData).toBeUndefined();
    expect(out.dataKeys).toEqual(['SECRET_NAME', 'apiKey', 'cert.der', 'db_password', 'dsn', 'log_level', 'private-key', 'welcome.txt']);
    // A blank value holds no credential, SECRET_NAME names one, binaryData is not literal text; a URL with a password is one.
    expect(out.credentialKeys).toEqual(['db_password', 'dsn']);
    expect(JSON.stringify(out)).not.toMatch(/sekret|hello|debug|c2VrcmV0/);
  });

  it('gives a ConfigMap without data empty key lists', () => {
    // Act
    const out = sanitizeObject({ kind: 'ConfigMap', metadata: { name: 'cm' } }) as Json;

    // Assess
    expect(out).toMatchObject({ dataKeys: [], credentialKeys: [] });
  });

  it('keeps only the metadata of a Secret, which no check reads', () => {
    // Prepare
    const secret = {
      apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: 's', namespace: 'ns' },
      data: { password: 'c2VrcmV0LTE=', username: 'YWRtaW4=' },
      stringData: { username: 'admin', 'ca.crt': 'sekret-2' },
    };

    // Act
    const out = sanitizeObject(secret) as Json;

    // Assess
    expect(out).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' } });
  });
});

describe('sanitizeObject: metadata and status', () => {
  it('drops the last-applied-configuration annotation and managedFields, keeping labels and other annotations', () => {
    // Prepare
    const object = {
      kind: 'Secret', metadata: {
        name: 's', namespace: 'ns', labels: { app: 'x' }, managedFields: [{ manager: 'kubectl', fieldsV1: { 'f:data': {} } }],
        annotations: { [LAST_APPLIED]: '{"stringData":{"password":"sekret"}}', owner: 'team-a' },
      },
    };

    // Act
    const out = sanitizeObject(object);

    // Assess
    expect(out.metadata).toEqual({ name: 's', namespace: 'ns', labels: { app: 'x' }, annotations: { owner: 'team-a' } });
  });

  it('keeps only the addresses of a Node\'s status', () => {
    // Prepare
    const addresses = [{ type: 'InternalIP', address: '10.0.1.5' }, { type: 'Hostname', address: 'ip-10-0-1-5' }];
    const node = { kind: 'Node', metadata: { name: 'n1' }, spec: { providerID: 'aws:///eu-west-1a/i-1' }, status: { addresses, capacity: { cpu: '4' }, images: [{ names: ['x'] }] } };

    // Act
    const out = sanitizeObject(node) as Json;

    // Assess
    expect(out.status).toEqual({ addresses });
    expect(out.spec).toEqual({ providerID: 'aws:///eu-west-1a/i-1' });
  });

  it('gives a Node without status an empty address list', () => {
    // Act
    const out = sanitizeObject({ kind: 'Node', metadata: { name: 'n1' } }) as Json;

    // Assess
    expect(out.status).toEqual({ addresses: [] });
  });

  it('drops the status of every other kind', () => {
    // Act
    const out = sanitizeObject({ kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [] }, status: { podIP: '10.1.1.1', message: 'x' } }) as Json;

    // Assess
    expect(out).not.toHaveProperty('status');
  });
});

describe('looksLikeCredential', () => {
  it.each(['DB_PASSWORD', 'passwd', 'client_secret', 'GITHUB_TOKEN', 'api-key', 'apiKey', 'AWS_SECRET_ACCESS_KEY', 'private.key', 'credentials',
    'DATABASE_CONNECTION_STRING', 'auth_key', 'authToken'])('treats a literal value under %s as a credential', (name) => {
    expect(looksLikeCredential(name, 'x9!Qm2-value')).toBe(true);
  });

  it.each(['GREETING', 'LOG_LEVEL', 'PORT', 'welcome.txt', 'keyboard', 'TOKENIZER_ADDR'])('treats a literal value under %s as innocuous', (name) => {
    expect(looksLikeCredential(name, 'x9!Qm2-value')).toBe(false);
  });

  it.each(['DB_PASSWORD_FILE', 'SECRET_NAME', 'TOKEN_PATH', 'AWS_ACCESS_KEY_ID', 'PASSWORD_MIN_LENGTH'])('treats %s as a pointer to a credential, not one', (name) => {
    expect(looksLikeCredential(name, '/etc/secrets/db')).toBe(false);
  });

  it.each(['', '   ', 'true', 'off', '8080'])('treats the setting value %j under a credential name as no credential', (value) => {
    expect(looksLikeCredential('server-tokens', value)).toBe(false);
  });

  it('treats a URL with a password as a credential whatever the name', () => {
    expect(looksLikeCredential('DATABASE_URL', 'postgresql://app:s3cret@db:5432/app')).toBe(true);
    expect(looksLikeCredential('DATABASE_URL', 'postgresql://db:5432/app')).toBe(false);
  });
});

describe('sanitizeObject: credentials by form', () => {
  const GITHUB = `ghp_${'aB3d'.repeat(9)}`;
  const AWS_KEY = `AKIA${'Q7ZX'.repeat(4)}`;
  const deployment = (): Json => ({
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'd', namespace: 'ns', annotations: { 'ci.example/token': GITHUB, owner: 'team-a', note: 'rotate the API key monthly' } },
    spec: {
      template: {
        metadata: { annotations: { 'vault.example/hook': `https://hooks.slack.com/services/T0123ABCD/B0456EFGH/${'aZ09'.repeat(6)}` } },
        spec: {
          containers: [{
            name: 'app', image: 'app',
            command: ['/bin/sync', `--key=${AWS_KEY}`],
            args: ['--verbose', 'postgresql://app:s3cret@db/app', '--token-file=/run/token'],
            env: [{ name: 'UPSTREAM', value: GITHUB }, { name: 'JWT_AUDIENCE', value: 'shop' }, { name: 'DB_PASSWORD', value: 'plain' }],
          }],
        },
      },
    },
  });

  it('records the form of env values, command words and arguments by position, never the value', () => {
    const out = sanitizeObject(deployment()) as Json;
    const c = sanitizedContainer(deployment(), ['spec', 'template', 'spec', 'containers']);
    expect(c.env).toEqual([
      { name: 'UPSTREAM', literal: true, credentialLike: true, credentialForm: 'github-token' },
      { name: 'JWT_AUDIENCE', literal: true, credentialLike: false },
      { name: 'DB_PASSWORD', literal: true, credentialLike: true },
    ]);
    expect(c.credentialArgs).toEqual([{ key: 'command[1]', form: 'aws-access-key-id' }, { key: 'args[1]', form: 'url-with-password' }]);
    expect(JSON.stringify(out)).not.toContain(GITHUB);
    expect(JSON.stringify(out)).not.toMatch(/AKIA|s3cret|hooks\.slack/);
  });

  it('drops annotations whose value has a credential\'s form, object and pod template alike, and records their keys', () => {
    const out = sanitizeObject(deployment()) as unknown as Json & { metadata: Json; spec: { template: Json & { metadata: Json } } };
    expect(out.metadata.annotations).toEqual({ owner: 'team-a', note: 'rotate the API key monthly' });
    expect(out.credentialAnnotations).toEqual([{ key: 'ci.example/token', form: 'github-token' }]);
    expect(out.spec.template.metadata.annotations).toEqual({});
    expect(out.spec.template.credentialAnnotations).toEqual([{ key: 'vault.example/hook', form: 'slack-webhook' }]);
  });

  it('records the forms of a ConfigMap\'s values by key, and counts them as credential keys whatever the key', () => {
    const out = sanitizeObject({
      kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'ns' },
      data: { 'settings.ini': `[aws]\naccess_key = ${AWS_KEY}\n`, 'use-jwt': 'true', 'tls.key': '-----BEGIN EC PRIVATE KEY-----\nMHc=' },
    }) as Json;
    expect(out.credentialKeys).toEqual(['settings.ini', 'tls.key']);
    expect(out.credentialForms).toEqual([{ key: 'settings.ini', form: 'aws-access-key-id' }, { key: 'tls.key', form: 'private-key' }]);
    expect(JSON.stringify(out)).not.toMatch(/AKIA|BEGIN/);
  });
});
