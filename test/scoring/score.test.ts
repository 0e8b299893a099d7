/**
 * Unit tests of the scoring formulas (DESIGN §6, lib/core/scoring/score.ts): technique exposure,
 * score and coverage; cluster weighted mean and grade; blast radius; fleet weighting.
 */
import { describe, expect, it } from 'vitest';
import { snapshotFromObjects } from '../../lib/core/evidence/buildSnapshot.js';
import { EVIDENCE_KIND_NAMES } from '../../lib/core/evidence/snapshot.js';
import type { Finding, FindingStatus, ResourceRef } from '../../lib/core/findings/finding.js';
import { assessCluster } from '../../lib/core/report/assessCluster.js';
import { buildJsonReport } from '../../lib/core/report/jsonReport.js';
import { blastRadius, grade, scoreCluster, scoreFleet, scoreTechnique } from '../../lib/core/scoring/score.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';
import type { TechniqueMeta } from '../../lib/core/techniques/types.js';

function meta(id: string, weight: number): TechniqueMeta {
  return {
    id, name: `Technique ${id}`, tactics: ['Discovery'], mitreAttack: [], mitigations: [], severity: 'high', weight,
    segmentationMitigates: true, formerNames: [], evidence: ['workloads'], description: 'a technique used by the scoring tests',
  };
}

const deployment = (name: string): ResourceRef => ({ kind: 'Deployment', namespace: 'ns', name });

let nextId = 0;
function finding(technique: string, resource: ResourceRef, status: FindingStatus, check = 'check'): Finding {
  return {
    id: (nextId++).toString(16).padStart(16, '0'), technique, check, resource, status, severity: 'high', message: `${status}`, evidence: [],
  };
}

/** Findings of one check of `technique`, one per workload name, with the given statuses. */
function findings(technique: string, statuses: Readonly<Record<string, FindingStatus>>): Finding[] {
  return Object.entries(statuses).map(([name, status]) => finding(technique, deployment(name), status));
}

describe('scoreTechnique', () => {
  const T = meta('MS-TA0001', 5);

  it('scores 100 × (1 − exposed / assessed), rounded', () => {
    // Prepare: 1 of 3 exposed
    const fs = findings(T.id, { a: 'fail', b: 'pass', c: 'pass' });

    // Act
    const s = scoreTechnique(T, fs);

    // Assess
    expect(s).toMatchObject({ status: 'fail', exposed: 1, assessed: 3, unknown: 0, score: 67, coverage: 1, weight: 5 });
  });

  it('scores a failing low-severity (hygiene) finding as a pass, and a subject with a worse failure as exposed', () => {
    // Prepare: a passes one check and fails a low one; b fails a low one and a high one; c fails only a low one
    const low = (name: string): Finding => ({ ...finding(T.id, deployment(name), 'fail', 'hygiene'), severity: 'low' });
    const fs = [...findings(T.id, { a: 'pass', b: 'fail' }), low('a'), low('b'), low('c')];

    // Act
    const s = scoreTechnique(T, fs);

    // Assess
    expect(s).toMatchObject({ status: 'fail', exposed: 1, assessed: 3, unknown: 0, score: 67 });
    expect(scoreTechnique(T, [low('a')])).toMatchObject({ status: 'pass', exposed: 0, assessed: 1, score: 100 });
  });

  it('gives namespace subjects a fifth of the exposure beside workloads, so that many namespaces do not outweigh them', () => {
    // Prepare: 1 of 4 workloads exposed; 9 of 10 namespaces exposed
    const namespace = (name: string, status: FindingStatus): Finding => finding(T.id, { kind: 'Namespace', namespace: null, name }, status);
    const namespaces = Array.from({ length: 10 }, (_, i) => namespace(`ns-${i}`, i === 0 ? 'pass' : 'fail'));
    const fs = [...findings(T.id, { a: 'fail', b: 'pass', c: 'pass', d: 'pass' }), ...namespaces];

    // Act
    const s = scoreTechnique(T, fs);

    // Assess: 0.8 × 1/4 + 0.2 × 9/10 = 0.38; counted together otherwise (10 of 14 → 29)
    expect(s).toMatchObject({ status: 'fail', exposed: 10, assessed: 14, score: 62 });
    expect(scoreTechnique(T, namespaces)).toMatchObject({ exposed: 9, assessed: 10, score: 10 });
    expect(scoreTechnique(T, fs.slice(0, 4))).toMatchObject({ score: 75 });
  });

  it('leaves unknown subjects out of the score and lowers the coverage instead', () => {
    // Prepare: 1 exposed, 1 passing, 2 unknown
    const fs = findings(T.id, { a: 'fail', b: 'pass', c: 'unknown', d: 'unknown' });

    // Act
    const s = scoreTechnique(T, fs);

    // Assess
    expect(s).toMatchObject({ exposed: 1, assessed: 2, unknown: 2, score: 50, coverage: 0.5 });
  });

  it('never counts an unknown as a pass: only unknowns give no score and status unknown', () => {
    // Act
    const s = scoreTechnique(T, findings(T.id, { a: 'unknown', b: 'unknown' }));

    // Assess
    expect(s).toMatchObject({ status: 'unknown', score: null, exposed: 0, assessed: 0, unknown: 2, coverage: 0 });
  });

  it('has no score and no coverage when nothing was assessed (not applicable), never 100', () => {
    // Act
    const s = scoreTechnique(T, []);

    // Assess
    expect(s).toMatchObject({ status: 'not-applicable', score: null, exposed: 0, assessed: 0, unknown: 0, coverage: null });
  });

  it('scores 100 and passes when every subject passes', () => {
    // Act
    const s = scoreTechnique(T, findings(T.id, { a: 'pass', b: 'pass' }));

    // Assess
    expect(s).toMatchObject({ status: 'pass', score: 100, coverage: 1 });
  });

  it('counts a subject once: exposed when any of its findings fails, unknown when one is unknown and none fails', () => {
    // Prepare: a fails one check and passes another; b passes one and is unknown on another; c passes both
    const fs = [
      finding(T.id, deployment('a'), 'pass', 'one'), finding(T.id, deployment('a'), 'fail', 'two'),
      finding(T.id, deployment('b'), 'pass', 'one'), finding(T.id, deployment('b'), 'unknown', 'two'),
      finding(T.id, deployment('c'), 'pass', 'one'), finding(T.id, deployment('c'), 'pass', 'two'),
    ];

    // Act
    const s = scoreTechnique(T, fs);

    // Assess
    expect(s).toMatchObject({ exposed: 1, assessed: 2, unknown: 1, score: 50 });
    expect(s.coverage).toBeCloseTo(2 / 3);
  });

  it('tells subjects apart by kind, namespace and name', () => {
    // Prepare: same name, other kind or namespace
    const fs = [
      finding(T.id, deployment('x'), 'fail'),
      finding(T.id, { kind: 'StatefulSet', namespace: 'ns', name: 'x' }, 'pass'),
      finding(T.id, { kind: 'Deployment', namespace: 'other', name: 'x' }, 'pass'),
      finding(T.id, { kind: 'Cluster', namespace: null, name: 'x' }, 'pass'),
    ];

    // Act
    const s = scoreTechnique(T, fs);

    // Assess
    expect(s).toMatchObject({ exposed: 1, assessed: 4, score: 75 });
  });

  it('ignores the findings of other techniques', () => {
    // Act
    const s = scoreTechnique(T, [...findings('MS-TA0002', { a: 'fail' }), ...findings(T.id, { b: 'pass' })]);

    // Assess
    expect(s).toMatchObject({ exposed: 0, assessed: 1, score: 100 });
  });

  it('rounds 1 exposed of 3 to 67 and 2 of 3 to 33', () => {
    expect(scoreTechnique(T, findings(T.id, { a: 'fail', b: 'pass', c: 'pass' })).score).toBe(67);
    expect(scoreTechnique(T, findings(T.id, { a: 'fail', b: 'fail', c: 'pass' })).score).toBe(33);
  });
});

describe('scoreCluster', () => {
  const heavy = meta('MS-TA0001', 8);
  const light = meta('MS-TA0002', 2);
  const unassessed = meta('MS-TA0003', 10);
  const absent = meta('MS-TA0004', 6);

  it('is the weighted mean of the scored techniques, unscored ones adding nothing', () => {
    // Prepare: heavy 50 (weight 8), light 100 (weight 2), unassessed only unknown (weight 10), absent nothing
    const fs = [
      ...findings(heavy.id, { a: 'fail', b: 'pass' }),
      ...findings(light.id, { a: 'pass' }),
      ...findings(unassessed.id, { a: 'unknown' }),
    ];

    // Act
    const s = scoreCluster([heavy, light, unassessed, absent], fs);

    // Assess: (8×50 + 2×100) / 10 = 60
    expect(s.score).toBe(60);
    expect(s.grade).toBe('D');
    expect(s.techniques.map((t) => t.status)).toEqual(['fail', 'pass', 'unknown', 'not-applicable']);
  });

  it('weights coverage over the techniques with any subject, not-applicable ones left out', () => {
    // Prepare: heavy covered 1/2, light fully covered, unassessed 0, absent not applicable
    const fs = [
      ...findings(heavy.id, { a: 'fail', b: 'unknown' }),
      ...findings(light.id, { a: 'pass' }),
      ...findings(unassessed.id, { a: 'unknown' }),
    ];

    // Act
    const s = scoreCluster([heavy, light, unassessed, absent], fs);

    // Assess: (8×0.5 + 2×1 + 10×0) / 20 = 0.3
    expect(s.coverage).toBe(0.3);
  });

  it('has no score and no grade when no technique was assessed', () => {
    // Act
    const s = scoreCluster([heavy, unassessed], findings(unassessed.id, { a: 'unknown' }));

    // Assess
    expect(s).toMatchObject({ score: null, grade: null, coverage: 0 });
  });

  it('has no score and coverage 0 when there are no findings at all', () => {
    expect(scoreCluster([heavy, light], [])).toMatchObject({ score: null, grade: null, coverage: 0 });
  });

  it('rounds the weighted mean', () => {
    // Prepare: heavy 67 (1 of 3 exposed), light 0 → (8×67 + 2×0) / 10 = 53.6
    const fs = [...findings(heavy.id, { a: 'fail', b: 'pass', c: 'pass' }), ...findings(light.id, { a: 'fail' })];

    // Act
    const s = scoreCluster([heavy, light], fs);

    // Assess
    expect(s.score).toBe(54);
  });
});

describe('grade', () => {
  it.each([
    [100, 'A'], [90, 'A'], [89, 'B'], [80, 'B'], [79, 'C'], [70, 'C'], [69, 'D'], [60, 'D'], [59, 'F'], [0, 'F'],
  ] as const)('gives %i the grade %s', (score, expected) => {
    expect(grade(score)).toBe(expected);
  });

  it('gives no score no grade', () => {
    expect(grade(null)).toBeNull();
  });
});

describe('blastRadius', () => {
  it('is the mean share of other workloads each workload reaches', () => {
    // Act: 1/4, 4/4, 0/4 → mean 5/12 = 0.4166…
    const r = blastRadius([{ reachable: 1, others: 4 }, { reachable: 4, others: 4 }, { reachable: 0, others: 4 }]);

    // Assess
    expect(r).toBe(0.42);
  });

  it('is 1 when every workload reaches every other, and 0 when none reaches any', () => {
    expect(blastRadius([{ reachable: 2, others: 2 }, { reachable: 2, others: 2 }, { reachable: 2, others: 2 }])).toBe(1);
    expect(blastRadius([{ reachable: 0, others: 2 }, { reachable: 0, others: 2 }])).toBe(0);
  });

  it('is 0 for a cluster of one workload or none', () => {
    expect(blastRadius([{ reachable: 0, others: 0 }])).toBe(0);
    expect(blastRadius([])).toBe(0);
  });
});

describe('scoreFleet', () => {
  it('weights clusters by their workloads', () => {
    // Act: (30×90 + 10×50) / 40 = 80
    const f = scoreFleet([{ score: 90, coverage: 1, workloads: 30 }, { score: 50, coverage: 0.5, workloads: 10 }]);

    // Assess
    expect(f.score).toBe(80);
    expect(f.grade).toBe('B');
    expect(f.coverage).toBe(0.88); // (30×1 + 10×0.5) / 40 = 0.875
  });

  it('adds nothing to the score for a cluster without a score, but lowers the coverage', () => {
    // Prepare: an unreachable cluster (no score, no workloads, coverage 0) is listed beside a scored one
    const clusters = [{ score: 70, coverage: 1, workloads: 9 }, { score: null, coverage: 0, workloads: 0, unreachable: true }];

    // Act
    const f = scoreFleet(clusters);

    // Assess: the unreachable cluster weighs as much as the average collected one (9 workloads), none covered: 9 / 18
    expect(f.score).toBe(70);
    expect(f.grade).toBe('C');
    expect(f.coverage).toBe(0.5);
  });

  it('gives a fleet of which two clusters in three could not be collected a third of its coverage, whatever their size', () => {
    // Act
    const f = scoreFleet([
      { score: 100, coverage: 1, workloads: 27 },
      { score: null, coverage: 0, workloads: 0, unreachable: true },
      { score: null, coverage: 0, workloads: 0, unreachable: true },
    ]);

    // Assess
    expect(f).toEqual({ score: 100, grade: 'A', coverage: 0.33 });
  });

  it('leaves out a cluster with a score but no workloads', () => {
    expect(scoreFleet([{ score: 0, coverage: 1, workloads: 0 }, { score: 100, coverage: 1, workloads: 5 }]).score).toBe(100);
  });

  it('has no score when no cluster has one', () => {
    expect(scoreFleet([{ score: null, coverage: 0, workloads: 0 }])).toEqual({ score: null, grade: null, coverage: 0 });
    expect(scoreFleet([])).toEqual({ score: null, grade: null, coverage: 0 });
  });
});

describe('the fleet in the JSON report', () => {
  it('lists a cluster without a score beside the scored ones, its score adding nothing', () => {
    // Prepare: one cluster with a workload that reaches IMDS, one whose every collection step was forbidden
    const objects = [
      { kind: 'Namespace', metadata: { name: 'ns' } },
      { kind: 'Deployment', metadata: { name: 'web', namespace: 'ns' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } } },
    ].map((object) => ({ source: 'test', object }));
    const scored = snapshotFromObjects({ objects, identity: { name: 'scored', source: 'manifests' }, cloudFile: { vpcCni: { enableNetworkPolicy: true } } });
    const forbidden = snapshotFromObjects({
      objects: [], identity: { name: 'blind', source: 'manifests' },
      cloudFile: { collection: EVIDENCE_KIND_NAMES.map((step) => ({ step, status: 'forbidden' as const, detail: '403 Forbidden' })) },
    });

    // Act
    const assessments = [assessCluster(scored, TECHNIQUES), assessCluster(forbidden, TECHNIQUES)];
    const report = buildJsonReport(assessments, { generatedAt: '2026-11-26T12:00:00.000Z', version: '0.1.0' });

    // Assess
    expect(report.clusters.map((c) => [c.name, c.status, c.score])).toEqual([['scored', 'assessed', assessments[0]!.score.score], ['blind', 'partial', null]]);
    expect(report.clusters[0]!.score).not.toBeNull();
    expect(report.fleet.clusters).toBe(2);
    expect(report.fleet.score).toBe(report.clusters[0]!.score);
    expect(report.fleet.coverage).toBeLessThan(report.clusters[0]!.coverage);
  });
});
