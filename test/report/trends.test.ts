/** Trends against the previous run's JSON report: score deltas and findings matched by stable id. */
import { describe, expect, it } from 'vitest';
import type { JsonReport } from '../../lib/core/report/jsonReport.js';
import { reportSchema } from '../../lib/core/report/jsonReport.js';
import { trendBasis } from '../../lib/core/report/trendBasis.js';
import { compareReports } from '../../lib/core/report/trends.js';

type Cluster = JsonReport['clusters'][number];
type Finding = Cluster['findings'][number];

function finding(id: string, status: Finding['status']): Finding {
  return {
    id: id.padStart(16, '0'), technique: 'MS-TA9034', check: 'open-to-other-namespaces', status, severity: 'high',
    resource: { kind: 'Deployment', namespace: 'shop', name: `app-${id}` }, message: `app-${id}`, evidence: [],
  };
}

function cluster(name: string, score: number | null, findings: readonly Finding[], account = '111111111111'): Cluster {
  return {
    name, account, region: 'eu-west-1', source: 'eks', status: score === null ? 'unreachable' : 'assessed', score, grade: null,
    coverage: 1, blastRadius: null,
    techniques: [{ id: 'MS-TA9034', name: 'Cluster internal networking', tactics: ['Lateral movement'], status: 'fail', score, exposed: 1, assessed: 2 }],
    findings: [...findings], collection: [],
  };
}

function report(generatedAt: string, fleetScore: number | null, clusters: readonly Cluster[]): JsonReport {
  return reportSchema.parse({
    schemaVersion: 1, generatedAt, tool: { name: 'kubeseg', version: '0.1.0' },
    fleet: { score: fleetScore, grade: null, coverage: 1, clusters: clusters.length }, clusters,
  });
}

const PREVIOUS = report('2026-11-19T06:00:00.000Z', 60, [
  cluster('payments', 70, [finding('a', 'fail'), finding('b', 'fail'), finding('c', 'pass')]),
  cluster('legacy', 40, [finding('d', 'fail')]),
  cluster('payments', 50, [finding('e', 'fail')], '222222222222'),
]);

const CURRENT = report('2026-11-26T06:00:00.000Z', 72, [
  cluster('payments', 80, [finding('a', 'pass'), finding('b', 'fail'), finding('c', 'fail'), finding('f', 'unknown')]),
  cluster('payments', null, [], '222222222222'),
  cluster('batch', 90, [finding('9', 'fail')]),
]);

describe('trends against the previous report', () => {
  it('are the same from the previous run\'s trend basis (its failing findings, without evidence or remediation) as from its whole report', () => {
    const withText: JsonReport = { ...PREVIOUS, clusters: PREVIOUS.clusters.map((c) => ({ ...c, findings: c.findings.map((f) => ({
      ...f, evidence: ['a long evidence line'], remediation: { text: 'fix it', yaml: 'kind: NetworkPolicy' } })) })) };
    const basis = trendBasis(withText);
    expect(reportSchema.parse(basis)).toEqual(basis);
    expect(basis.clusters.flatMap((c) => c.findings.map((f) => [f.id, f.status, f.evidence.length, 'remediation' in f])))
      .toEqual(withText.clusters.flatMap((c) => c.findings.filter((f) => f.status === 'fail').map((f) => [f.id, 'fail', 0, false])));
    const ids = (t: ReturnType<typeof compareReports>) => ({ ...t, clusters: t.clusters.map((c) => ({ ...c, findings: {
      new: c.findings.new.map((f) => f.id), resolved: c.findings.resolved.map((f) => [f.id, f.technique, f.resource, f.message]),
      unchanged: c.findings.unchanged.map((f) => f.id) } })) });
    expect(ids(compareReports(CURRENT, basis))).toEqual(ids(compareReports(CURRENT, withText)));
  });

  const trends = compareReports(CURRENT, PREVIOUS);
  const byName = (name: string, account = '111111111111') => trends.clusters.find((c) => c.cluster === name && c.account === account)!;

  it('gives every score its delta, and none when either run has no score', () => {
    expect(trends.fleet).toEqual({ current: 72, previous: 60, delta: 12 });
    expect(byName('payments').score).toEqual({ current: 80, previous: 70, delta: 10 });
    expect(byName('payments').techniques).toEqual([{ id: 'MS-TA9034', current: 80, previous: 70, delta: 10 }]);
    expect(byName('payments', '222222222222').score).toEqual({ current: null, previous: 50, delta: null });
    expect(trends.previousGeneratedAt).toBe('2026-11-19T06:00:00.000Z');
  });

  it('matches failing findings by id: new, resolved and unchanged (unknown and pass are not failing)', () => {
    const { findings } = byName('payments');
    expect(findings.new.map((f) => f.resource.name)).toEqual(['app-c']);
    expect(findings.resolved.map((f) => f.resource.name)).toEqual(['app-a']);
    expect(findings.unchanged.map((f) => f.resource.name)).toEqual(['app-b']);
  });

  it('tells clusters apart by account and region as well as name', () => {
    expect(byName('payments', '222222222222').findings.resolved.map((f) => f.resource.name)).toEqual(['app-e']);
  });

  it('counts every failing finding of a cluster the previous run did not list as new', () => {
    expect(byName('batch').seenBefore).toBe(false);
    expect(byName('batch').score.delta).toBeNull();
    expect(byName('batch').findings.new.map((f) => f.resource.name)).toEqual(['app-9']);
  });

  it('lists clusters that the previous run had and this one lacks', () => {
    expect(trends.dropped).toEqual([{ cluster: 'legacy', account: '111111111111', region: 'eu-west-1', failing: 1 }]);
  });
});
