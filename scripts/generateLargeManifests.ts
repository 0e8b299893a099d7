/**
 * Writes one large multi-document manifest file, to measure how kubeseg copes with big inputs
 * (never commit its output):
 *
 *   node --import tsx scripts/generateLargeManifests.ts --documents 130000 --out /tmp/130k.yaml
 *   node --import tsx scripts/generateLargeManifests.ts --bytes 200000000 --out /tmp/200mb.yaml
 *   /usr/bin/time -v ./bin/kubeseg scan /tmp/130k.yaml --format json > /dev/null
 *
 * Documents cycle through a Namespace, Deployments, Services, ConfigMaps and ServiceAccounts, in
 * namespaces of 50 workloads each, with a default-deny NetworkPolicy per namespace.
 */
import { createWriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface LargeManifestOptions {
  /** Stop after this many documents... */
  readonly documents?: number;
  /** ...or once the file holds this many bytes. */
  readonly bytes?: number;
  /** `tiny`: ConfigMaps of a few bytes each; `cluster`: the realistic mix above. */
  readonly shape?: 'tiny' | 'cluster';
}

const WORKLOADS_PER_NAMESPACE = 50;

/** The i-th document of a realistic cluster. */
function clusterDocument(i: number): string {
  const cycle = Math.floor(i / 4);
  const ns = `team-${Math.floor(cycle / WORKLOADS_PER_NAMESPACE)}`;
  const app = `app-${cycle % WORKLOADS_PER_NAMESPACE}`;
  // Each namespace opens with the Namespace and its default-deny policy, in place of its first app.
  if (cycle % WORKLOADS_PER_NAMESPACE === 0 && i % 4 === 0) return `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${ns}\n  labels: {team: "${ns}"}\n`;
  if (cycle % WORKLOADS_PER_NAMESPACE === 0 && i % 4 === 1) {
    return `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: default-deny, namespace: ${ns}}\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n`;
  }
  switch (i % 4) {
    case 0:
      return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${app}\n  namespace: ${ns}\n  labels: {app: ${app}}\nspec:\n  replicas: 2\n`
        + `  selector: {matchLabels: {app: ${app}}}\n  template:\n    metadata:\n      labels: {app: ${app}, tier: ${cycle % 3 === 0 ? 'front' : 'back'}}\n`
        + `    spec:\n      serviceAccountName: ${app}\n      containers:\n      - name: main\n        image: registry.example.com/${app}:1.${cycle % 10}\n`
        + `        ports: [{name: http, containerPort: 8080}]\n        env: [{name: LOG_LEVEL, value: info}, {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}]\n`
        + `        resources: {requests: {cpu: 100m, memory: 128Mi}}\n`;
    case 1:
      return `apiVersion: v1\nkind: Service\nmetadata: {name: ${app}, namespace: ${ns}}\nspec:\n  selector: {app: ${app}}\n  ports: [{name: http, port: 80, targetPort: http}]\n`;
    case 2:
      return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${app}-config, namespace: ${ns}}\ndata:\n  settings.yaml: |\n    feature: ${cycle % 2 === 0}\n    workers: 4\n`;
    default:
      return `apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: ${app}, namespace: ${ns}}\n`;
  }
}

function tinyDocument(i: number): string {
  return `kind: ConfigMap\nmetadata: {name: c${i}}\n`;
}

/** Writes the file and resolves with the number of documents and bytes written. */
export function writeLargeManifests(path: string, options: LargeManifestOptions): Promise<{ documents: number; bytes: number }> {
  const document = options.shape === 'tiny' ? tinyDocument : clusterDocument;
  const out = createWriteStream(path);
  let documents = 0;
  let bytes = 0;
  const done = (): boolean => (options.documents !== undefined && documents >= options.documents) || (options.bytes !== undefined && bytes >= options.bytes);
  return new Promise((resolve, reject) => {
    out.on('error', reject);
    const writeSome = (): void => {
      while (!done()) {
        const text = `${documents > 0 ? '---\n' : ''}${document(documents)}`;
        documents++;
        bytes += Buffer.byteLength(text);
        if (!out.write(text)) {
          out.once('drain', writeSome);
          return;
        }
      }
      out.end(() => resolve({ documents, bytes }));
    };
    writeSome();
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const out = arg('out');
  if (!out || (arg('documents') === undefined && arg('bytes') === undefined)) {
    console.error('usage: generateLargeManifests.ts (--documents N | --bytes N) [--shape tiny|cluster] --out FILE');
    process.exit(2);
  }
  const written = await writeLargeManifests(out, {
    ...(arg('documents') !== undefined && { documents: Number(arg('documents')) }),
    ...(arg('bytes') !== undefined && { bytes: Number(arg('bytes')) }),
    shape: arg('shape') === 'tiny' ? 'tiny' : 'cluster',
  });
  console.log(`wrote ${written.documents} documents, ${written.bytes} bytes to ${out}`);
}
