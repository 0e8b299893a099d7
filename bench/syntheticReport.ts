/**
 * A seeded synthetic fleet report (schema 1) for the render benchmark: N clusters with F findings
 * each, spread over the catalog's techniques, with realistic message, evidence and remediation
 * lengths. Scores follow from the findings only roughly: renderers never recompute them.
 */
import type { JsonReport } from '../lib/core/report/jsonReport.js';
import type { TechniqueMeta } from '../lib/core/techniques/types.js';
import { mulberry32 } from './syntheticCluster.js';

type Cluster = JsonReport['clusters'][number];
type Finding = Cluster['findings'][number];

export interface ReportSize {
  readonly clusters: number;
  readonly findingsPerCluster: number;
  readonly seed: number;
}

export function generateReport(size: ReportSize, catalog: readonly TechniqueMeta[]): JsonReport {
  const random = mulberry32(size.seed);
  const clusters = Array.from({ length: size.clusters }, (_, c) => cluster(c, size.findingsPerCluster, catalog, random));
  return {
    schemaVersion: 1,
    generatedAt: '2026-11-26T06:00:00.000Z',
    tool: { name: 'kubeseg', version: 'bench' },
    fleet: { score: 68, grade: 'D', coverage: 0.93, clusters: clusters.length },
    clusters,
  };
}

function cluster(index: number, findings: number, catalog: readonly TechniqueMeta[], random: () => number): Cluster {
  const name = `cluster-${String(index).padStart(3, '0')}`;
  const score = Math.floor(random() * 101);
  const list = Array.from({ length: findings }, (_, i) => finding(index, i, catalog[i % catalog.length]!, random));
  return {
    name, account: String(100000000000 + (index % 40)), region: ['eu-west-1', 'us-east-1', 'ap-southeast-2'][index % 3]!, source: 'eks',
    status: index % 25 === 0 ? 'partial' : 'assessed', score, grade: grade(score), coverage: 0.8 + random() * 0.2,
    blastRadius: Math.round(random() * 100) / 100, workloads: 40 + Math.floor(random() * 200),
    enforcement: index % 7 === 0
      ? { status: 'not-enforced', reason: 'No CNI enforces NetworkPolicies: the VPC CNI add-on has enableNetworkPolicy=false.' }
      : { status: 'enforced', reason: 'NetworkPolicies are enforced by the Amazon VPC CNI network policy agent.' },
    whatIf: { score: Math.min(100, score + 20), grade: grade(Math.min(100, score + 20)) },
    techniques: catalog.map((t) => {
      const s = Math.floor(random() * 101);
      return { id: t.id, name: t.name, tactics: [...t.tactics], status: s < 100 ? 'fail' : 'pass', score: s, exposed: 100 - s, assessed: 100, unknown: 3, coverage: 0.97 };
    }),
    findings: list,
    collection: [
      { step: 'networkpolicies', status: 'ok' },
      ...(index % 25 === 0 ? [{ step: 'rbac', status: 'forbidden' as const, detail: 'list clusterrolebindings: 403 Forbidden' }] : []),
    ],
  };
}

function finding(cluster: number, index: number, technique: TechniqueMeta, random: () => number): Finding {
  const roll = random();
  const status = roll < 0.5 ? 'fail' : roll < 0.6 ? 'unknown' : 'pass';
  const workload = `team-${index % 17}/service-${index}`;
  return {
    id: (cluster * 1_000_003 + index).toString(16).padStart(16, '0'),
    technique: technique.id, check: 'synthetic-check', status, severity: technique.severity,
    resource: { kind: 'Deployment', namespace: `team-${index % 17}`, name: `service-${index}` },
    message: `${workload}[Deployment] can open connections to 143 of 150 other workloads (95%) in 17 namespaces`,
    evidence: [
      `for example team-${(index + 1) % 17}/service-${index + 1}[Deployment] (All Connections):`,
      `egress: NetworkPolicy team-${index % 17}/allow-egress, egress rule 1 allows All Connections`,
      `ingress: no NetworkPolicy selects team-${(index + 1) % 17}/service-${index + 1}[Deployment] for ingress`,
    ],
    ...(status === 'fail' && {
      remediation: {
        text: `Deny egress by default in namespace team-${index % 17} (the policy still allows DNS to kube-system) and allow what ${workload} needs.`,
        yaml: [
          'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', '  name: kubeseg-default-deny-egress',
          `  namespace: team-${index % 17}`, 'spec:', '  podSelector: {}', '  policyTypes:', '    - Egress', '  egress:', '    - to:',
          '        - namespaceSelector:', '            matchLabels:', '              kubernetes.io/metadata.name: kube-system',
          '      ports:', '        - protocol: UDP', '          port: 53', '        - protocol: TCP', '          port: 53',
        ].join('\n'),
      },
    }),
  };
}

function grade(score: number): 'A' | 'B' | 'C' | 'D' | 'F' {
  return score >= 90 ? 'A' : score >= 80 ? 'B' : score >= 70 ? 'C' : score >= 60 ? 'D' : 'F';
}
