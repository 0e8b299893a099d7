/**
 * Renders a connectivity list. Formats:
 *  - txt: `SRC => DST : CONNECTIONS`, one line each (np-guard's notation);
 *  - json: an array of `{src, dst, conn}`;
 *  - csv: header `src,dst,conn`, RFC 4180 quoting, cells starting with = + - @ neutralised;
 *  - md: a Markdown table;
 *  - dot: a Graphviz digraph, workloads grouped by namespace.
 * Every format but JSON is read by people: names show control and bidi characters as `<U+XXXX>`.
 */
import { csvCell } from '../../format/csv.js';
import { inertLine } from '../../format/inert.js';
import type { Connection } from '../connectivity.js';
import { pushAll } from '../../arrays.js';

export const CONNECTIVITY_FORMATS = ['txt', 'json', 'csv', 'md', 'dot'] as const;
export type ConnectivityFormat = (typeof CONNECTIVITY_FORMATS)[number];

export function formatConnections(connections: readonly Connection[], format: ConnectivityFormat): string {
  if (format === 'json') return `${JSON.stringify(connections.map((c) => ({ src: c.src, dst: c.dst, conn: c.conn.key })), null, 2)}\n`;
  return formatReadable(connections.map((c) => ({ ...c, src: inertLine(c.src), dst: inertLine(c.dst) })), format);
}

function formatReadable(connections: readonly Connection[], format: Exclude<ConnectivityFormat, 'json'>): string {
  switch (format) {
    case 'txt':
      return lines(connections.map((c) => `${c.src} => ${c.dst} : ${c.conn.key}`));
    case 'csv':
      return lines(['src,dst,conn', ...connections.map((c) => [c.src, c.dst, c.conn.key].map(csvCell).join(','))]);
    case 'md':
      return lines(['| src | dst | conn |', '|-----|-----|------|',
        ...connections.map((c) => `| ${mdCell(c.src)} | ${mdCell(c.dst)} | ${mdCell(c.conn.key)} |`)]);
    case 'dot':
      return formatDot(connections);
  }
}

function lines(list: readonly string[]): string {
  return list.length === 0 ? '' : `${list.join('\n')}\n`;
}

function mdCell(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

function dotString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/[\r\n]+/g, ' ')}"`;
}

function formatDot(connections: readonly Connection[]): string {
  const nodes = new Map<string, Connection['srcKind']>();
  for (const c of connections) {
    nodes.set(c.src, c.srcKind);
    nodes.set(c.dst, c.dstKind);
  }
  const byNamespace = new Map<string, string[]>();
  const loose: string[] = [];
  for (const [name, kind] of [...nodes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const node = `  ${dotString(name)} [label=${dotString(kind === 'workload' ? name.slice(name.indexOf('/') + 1) : name)}, ` +
      `shape=${kind === 'workload' ? 'box' : kind === 'external' ? 'ellipse' : 'diamond'}, color=${kind === 'workload' ? 'blue' : 'red2'}]`;
    if (kind === 'workload') {
      const ns = name.slice(0, name.indexOf('/'));
      const members = byNamespace.get(ns);
      if (members) members.push(node);
      else byNamespace.set(ns, [node]);
    } else {
      loose.push(node);
    }
  }
  const out = ['digraph {'];
  let i = 0;
  for (const [ns, members] of byNamespace) {
    out.push(`  subgraph cluster_${i++} {`, `    label=${dotString(ns)}`);
    for (const m of members) out.push(`  ${m}`);
    out.push('  }');
  }
  pushAll(out, loose);
  for (const c of connections) out.push(`  ${dotString(c.src)} -> ${dotString(c.dst)} [label=${dotString(c.conn.key)}]`);
  out.push('}');
  return lines(out);
}
