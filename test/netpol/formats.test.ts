import { describe, expect, it } from 'vitest';
import { ConnectionSet } from '../../lib/core/netpol/connectionSet.js';
import type { Connection } from '../../lib/core/netpol/connectivity.js';
import { csvCell } from '../../lib/core/format/csv.js';
import { CONNECTIVITY_FORMATS, formatConnections } from '../../lib/core/netpol/format/formatConnections.js';
import { analyzeYaml, deployment, docs } from '../helpers/analyzeYaml.js';

/** web and db in app, mon in ops; app is isolated, with an ipBlock, a named port and an Ingress. */
const CLUSTER = docs(
  deployment('app', 'web', { app: 'web' }, [{ name: 'http', port: 8080 }]),
  deployment('app', 'db', { app: 'db' }),
  deployment('ops', 'mon', { app: 'mon' }),
  `kind: NetworkPolicy
metadata:
  name: app
  namespace: app
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
  ingress:
  - from:
    - podSelector:
        matchLabels:
          app: web
    ports:
    - port: 5432
    - port: 5433
  - from:
    - ipBlock:
        cidr: 10.0.0.0/8
    ports:
    - port: http
  - from:
    - namespaceSelector: {}
    ports:
    - port: 8080
  egress:
  - to:
    - podSelector: {}`,
  `kind: Service
metadata:
  name: web
  namespace: app
spec:
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 8080`,
  `kind: Ingress
metadata:
  name: web
  namespace: app
spec:
  defaultBackend:
    service:
      name: web`,
);

const TXT = `0.0.0.0-9.255.255.255[External] => ops/mon[Deployment] : All Connections
10.0.0.0-10.255.255.255[External] => app/web[Deployment] : TCP 8080
10.0.0.0-10.255.255.255[External] => ops/mon[Deployment] : All Connections
11.0.0.0-255.255.255.255[External] => ops/mon[Deployment] : All Connections
app/db[Deployment] => app/web[Deployment] : TCP 8080
app/web[Deployment] => app/db[Deployment] : TCP 5432-5433,8080
ops/mon[Deployment] => 0.0.0.0-255.255.255.255[External] : All Connections
ops/mon[Deployment] => app/db[Deployment] : TCP 8080
ops/mon[Deployment] => app/web[Deployment] : TCP 8080
{ingress-controller} => app/web[Deployment] : TCP 8080
`;

function connections(): Connection[] {
  const r = analyzeYaml(CLUSTER);
  expect(r.errors).toEqual([]);
  return r.connections;
}

describe('formatConnections', () => {
  it('prints txt lines SRC => DST : CONNS sorted by source then destination', () => {
    // Prepare
    const conns = connections();

    // Act
    const txt = formatConnections(conns, 'txt');

    // Assess
    expect(txt).toBe(TXT);
  });

  it('prints json as an array of {src, dst, conn} in the same order', () => {
    // Prepare
    const conns = connections();

    // Act
    const json = formatConnections(conns, 'json');

    // Assess
    expect(json.endsWith('\n')).toBe(true);
    const parsed = JSON.parse(json) as { src: string; dst: string; conn: string }[];
    expect(parsed.map((c) => `${c.src} => ${c.dst} : ${c.conn}`).join('\n') + '\n').toBe(TXT);
    expect(Object.keys(parsed[0]!)).toEqual(['src', 'dst', 'conn']);
  });

  it('prints csv with a header and quotes cells containing commas', () => {
    // Prepare
    const conns = connections();

    // Act
    const csv = formatConnections(conns, 'csv');

    // Assess
    expect(csv).toBe(`src,dst,conn
0.0.0.0-9.255.255.255[External],ops/mon[Deployment],All Connections
10.0.0.0-10.255.255.255[External],app/web[Deployment],TCP 8080
10.0.0.0-10.255.255.255[External],ops/mon[Deployment],All Connections
11.0.0.0-255.255.255.255[External],ops/mon[Deployment],All Connections
app/db[Deployment],app/web[Deployment],TCP 8080
app/web[Deployment],app/db[Deployment],"TCP 5432-5433,8080"
ops/mon[Deployment],0.0.0.0-255.255.255.255[External],All Connections
ops/mon[Deployment],app/db[Deployment],TCP 8080
ops/mon[Deployment],app/web[Deployment],TCP 8080
{ingress-controller},app/web[Deployment],TCP 8080
`);
  });

  it('prints md as a table', () => {
    // Prepare
    const conns = connections();

    // Act
    const md = formatConnections(conns, 'md');

    // Assess
    expect(md.split('\n').slice(0, 4)).toEqual([
      '| src | dst | conn |',
      '|-----|-----|------|',
      '| 0.0.0.0-9.255.255.255[External] | ops/mon[Deployment] | All Connections |',
      '| 10.0.0.0-10.255.255.255[External] | app/web[Deployment] | TCP 8080 |',
    ]);
    expect(md.trimEnd().split('\n')).toHaveLength(12);
    expect(md).toContain('| app/web[Deployment] | app/db[Deployment] | TCP 5432-5433,8080 |\n');
  });

  it('prints dot with workloads boxed in one cluster per namespace and other peers outside', () => {
    // Prepare
    const conns = connections();

    // Act
    const dot = formatConnections(conns, 'dot');

    // Assess
    expect(dot).toBe(`digraph {
  subgraph cluster_0 {
    label="app"
    "app/db[Deployment]" [label="db[Deployment]", shape=box, color=blue]
    "app/web[Deployment]" [label="web[Deployment]", shape=box, color=blue]
  }
  subgraph cluster_1 {
    label="ops"
    "ops/mon[Deployment]" [label="mon[Deployment]", shape=box, color=blue]
  }
  "0.0.0.0-255.255.255.255[External]" [label="0.0.0.0-255.255.255.255[External]", shape=ellipse, color=red2]
  "0.0.0.0-9.255.255.255[External]" [label="0.0.0.0-9.255.255.255[External]", shape=ellipse, color=red2]
  "10.0.0.0-10.255.255.255[External]" [label="10.0.0.0-10.255.255.255[External]", shape=ellipse, color=red2]
  "11.0.0.0-255.255.255.255[External]" [label="11.0.0.0-255.255.255.255[External]", shape=ellipse, color=red2]
  "{ingress-controller}" [label="{ingress-controller}", shape=diamond, color=red2]
  "0.0.0.0-9.255.255.255[External]" -> "ops/mon[Deployment]" [label="All Connections"]
  "10.0.0.0-10.255.255.255[External]" -> "app/web[Deployment]" [label="TCP 8080"]
  "10.0.0.0-10.255.255.255[External]" -> "ops/mon[Deployment]" [label="All Connections"]
  "11.0.0.0-255.255.255.255[External]" -> "ops/mon[Deployment]" [label="All Connections"]
  "app/db[Deployment]" -> "app/web[Deployment]" [label="TCP 8080"]
  "app/web[Deployment]" -> "app/db[Deployment]" [label="TCP 5432-5433,8080"]
  "ops/mon[Deployment]" -> "0.0.0.0-255.255.255.255[External]" [label="All Connections"]
  "ops/mon[Deployment]" -> "app/db[Deployment]" [label="TCP 8080"]
  "ops/mon[Deployment]" -> "app/web[Deployment]" [label="TCP 8080"]
  "{ingress-controller}" -> "app/web[Deployment]" [label="TCP 8080"]
}
`);
  });

  it('prints an empty list as nothing, [] or the bare header', () => {
    // Prepare / Act
    const outputs = CONNECTIVITY_FORMATS.map((f) => [f, formatConnections([], f)]);

    // Assess
    expect(outputs).toEqual([
      ['txt', ''],
      ['json', '[]\n'],
      ['csv', 'src,dst,conn\n'],
      ['md', '| src | dst | conn |\n|-----|-----|------|\n'],
      ['dot', 'digraph {\n}\n'],
    ]);
  });
});

describe('CSV formula-injection guard', () => {
  it('prefixes cells that a spreadsheet would read as a formula', () => {
    // Prepare
    const cells = ['=HYPERLINK("http://x")', '+1', '-1+2', '@SUM(A1)', '\tcmd', '\rcmd', 'ns/a[Pod]', 'a=b'];

    // Act
    const out = cells.map(csvCell);

    // Assess
    expect(out).toEqual([
      '"\'=HYPERLINK(""http://x"")"', "'+1", "'-1+2", "'@SUM(A1)", "'\tcmd", '"\'\rcmd"', 'ns/a[Pod]', 'a=b',
    ]);
  });

  it('quotes commas, quotes and newlines per RFC 4180', () => {
    // Prepare / Act / Assess
    expect(csvCell('TCP 80,443')).toBe('"TCP 80,443"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('guards peer names in formatted output', () => {
    // Prepare
    const conns: Connection[] = [{
      src: '=cmd|\'/c calc\'!A1', dst: 'ns/b[Pod]', srcKind: 'workload', dstKind: 'workload', conn: ConnectionSet.port('TCP', 80),
    }];

    // Act
    const csv = formatConnections(conns, 'csv');

    // Assess
    expect(csv).toBe("src,dst,conn\n'=cmd|'/c calc'!A1,ns/b[Pod],TCP 80\n");
  });
});
