/**
 * Test helper: YAML text → connection lines (np-guard txt notation) and diagnostics, through the
 * same pipeline as the CLI (`parseManifestText` → `analyzeObjects` → `listConnections`).
 */
import { DiagnosticList, formatDiagnostic } from '../../lib/core/diagnostics.js';
import { parseManifestText, type SourcedObject } from '../../lib/core/manifests/parseManifestText.js';
import { analyzeObjects, type Analysis } from '../../lib/core/netpol/analyze.js';
import { listConnections, type Connection } from '../../lib/core/netpol/connectivity.js';

export interface YamlAnalysis {
  /** `SRC => DST : CONNS`, sorted as the engine sorts them. */
  readonly lines: string[];
  /** Lines whose source and destination are both workloads (no External, no ingress controller). */
  readonly workloadLines: string[];
  readonly connections: Connection[];
  readonly diagnostics: DiagnosticList;
  /** Formatted fatal diagnostics (`error: file: Kind ns/name: message`). */
  readonly errors: string[];
  /** Formatted warnings. */
  readonly warnings: string[];
  readonly analysis: Analysis | undefined;
}

/**
 * Analyses manifests. `input` is one YAML text (read as `test.yaml`) or a map of file name → text,
 * parsed in the given order.
 */
export function analyzeYaml(input: string | Readonly<Record<string, string>>): YamlAnalysis {
  const files = typeof input === 'string' ? { 'test.yaml': input } : input;
  const diagnostics = new DiagnosticList();
  const objects: SourcedObject[] = [];
  for (const [path, text] of Object.entries(files)) objects.push(...parseManifestText(path, text, diagnostics));
  const analysis = diagnostics.hasFatal ? undefined : analyzeObjects(objects, diagnostics);
  const connections = analysis ? listConnections(analysis.reachability, diagnostics) : [];
  const lines = connections.map((c) => `${c.src} => ${c.dst} : ${c.conn.key}`);
  const workloadLines = connections
    .filter((c) => c.srcKind === 'workload' && c.dstKind === 'workload')
    .map((c) => `${c.src} => ${c.dst} : ${c.conn.key}`);
  const format = (severity: 'fatal' | 'warning'): string[] =>
    diagnostics.all.filter((d) => d.severity === severity).map(formatDiagnostic);
  return { lines, workloadLines, connections, diagnostics, errors: format('fatal'), warnings: format('warning'), analysis };
}

/** Joins YAML documents into one multi-document stream. */
export function docs(...documents: string[]): string {
  return documents.join('\n---\n');
}

export interface PortSpec {
  readonly name?: string;
  readonly port: number;
  readonly protocol?: 'TCP' | 'UDP' | 'SCTP';
}

function labelsYaml(labels: Readonly<Record<string, string>>, indent: string): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return ' {}';
  return entries.map(([k, v]) => `\n${indent}${k}: ${JSON.stringify(v)}`).join('');
}

function portsYaml(ports: readonly PortSpec[], indent: string): string {
  if (ports.length === 0) return '';
  return `\n${indent}ports:` + ports.map((p) =>
    `\n${indent}- containerPort: ${p.port}` +
    (p.name ? `\n${indent}  name: ${p.name}` : '') +
    (p.protocol ? `\n${indent}  protocol: ${p.protocol}` : '')).join('');
}

/** A Deployment whose pod template has `labels` and one container with `ports`. */
export function deployment(namespace: string, name: string, labels: Readonly<Record<string, string>> = { app: name },
  ports: readonly PortSpec[] = []): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
spec:
  template:
    metadata:
      labels:${labelsYaml(labels, '        ')}
    spec:
      containers:
      - name: main
        image: nginx${portsYaml(ports, '        ')}`;
}

/** A NetworkPolicy in namespace `ns` selecting `app=<app>`, with the given spec lines (indented by two). */
export function appPolicy(name: string, app: string, spec = ''): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ns
spec:
  podSelector:
    matchLabels:
      app: ${app}
${spec}`;
}

/** A Namespace object with labels (the metadata.name label is added by the engine). */
export function namespace(name: string, labels: Readonly<Record<string, string>> = {}): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
  labels:${labelsYaml(labels, '    ')}`;
}

/** The messages that contain every fragment (message wording may grow; the facts must be there). */
export function messagesWith(messages: readonly string[], ...fragments: string[]): string[] {
  return messages.filter((m) => fragments.every((f) => m.includes(f)));
}
