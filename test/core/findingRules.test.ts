/**
 * kubeseg.yaml: rule settings and accepted risks. The file's errors name its line and field; the
 * rules drop ignored findings, change severities, and turn covered failures into accepted risks
 * until the day their exception expires; reports show them apart and score them as passed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetRules, parseFleetConfig } from '../../lib/core/config/fleetConfig.js';
import { parseRulesConfig, RulesConfigError, type RulesConfig } from '../../lib/core/config/rulesConfig.js';
import type { Finding } from '../../lib/core/findings/finding.js';
import { applyFindingRules, expiredExceptions } from '../../lib/core/report/findingRules.js';
import { reportSchema } from '../../lib/core/report/jsonReport.js';
import { fixture, run } from '../helpers/cli.js';

const VALID = `rules:
  severity:
    - { technique: MS-TA9027, check: secret-as-env, severity: medium }
  ignore:
    - { cluster: data-lab, resource: "Namespace *" }
exceptions:
  - technique: MS-TA9034
    check: open-to-other-workloads
    resource: "Deployment storefront/*"
    cluster: shop-staging
    reason: "Re-platformed in Q1 <script>alert(1)</script>"
    owner: team-storefront
    expires: 2027-03-31
  - technique: MS-TA9031
    resource: "*"
    reason: an old exception
    owner: platform
    expires: 2026-01-31
`;

function parseError(text: string): string {
  try {
    parseRulesConfig(text, 'kubeseg.yaml');
  } catch (err) {
    if (err instanceof RulesConfigError) return err.message;
    throw err;
  }
  throw new Error('the file was accepted');
}

describe('kubeseg.yaml', () => {
  it('reads rules and exceptions, an unquoted date as that day', () => {
    const config = parseRulesConfig(VALID, 'kubeseg.yaml');
    expect(config.exceptions?.map((e) => e.expires)).toEqual(['2027-03-31', '2026-01-31']);
    expect(config.rules?.severity?.[0]).toEqual({ technique: 'MS-TA9027', check: 'secret-as-env', severity: 'medium' });
  });

  it('reads examples/kubeseg.yaml, and the same sections in a fleet file', () => {
    const example = readFileSync(new URL('../../examples/kubeseg.yaml', import.meta.url), 'utf8');
    expect(parseRulesConfig(example, 'examples/kubeseg.yaml').exceptions).toHaveLength(1);
    const fleet = parseFleetConfig(`accounts: { source: current }\n${example}`, 'fleet.yaml');
    expect(fleetRules(fleet)?.exceptions?.[0]?.owner).toBe('team-storefront');
    expect(fleetRules(parseFleetConfig('accounts: { source: current }\n', 'fleet.yaml'))).toBeUndefined();
  });

  it('names the line, column and field of a mistake in one line, without quoting the value', () => {
    expect(parseError(VALID.replace('severity: medium', 'severity: urgent'))).toBe('kubeseg.yaml:3:63: rules.severity[0].severity: must be one of: low, medium, high, critical');
    expect(parseError(VALID.replace('expires: 2027-03-31', 'expires: 2027-02-30'))).toMatch(/^kubeseg\.yaml:13:14: exceptions\[0\]\.expires: is not a calendar date$/);
    expect(parseError(VALID.replace('    owner: platform\n', ''))).toMatch(/^kubeseg\.yaml:\d+:\d+: exceptions\[1\]\.owner: is required$/);
    expect(parseError(VALID.replace('    owner: team-storefront', '    owners: team-storefront'))).toBe('kubeseg.yaml:7:5: exceptions[0].owner: is required (and 1 more problem)');
    expect(parseError(VALID.replace('    check: open-to-other-workloads', '    checks: open-to-other-workloads'))).toMatch(/^kubeseg\.yaml:8:5: exceptions\[0\]\.checks: unknown key; expected one of: technique, check/);
    expect(parseError(VALID.replace('resource: "*"', 'resource: "*"\n    resource: "x"'))).toMatch(/^kubeseg\.yaml:\d+:\d+: YAML syntax error: a key appears twice/);
    expect(parseError('rules:\n  ignore:\n    - {}\n')).toMatch(/^kubeseg\.yaml:3:7: rules\.ignore\[0\]: names nothing to ignore/);
    expect(parseError('exceptions:\n  - { technique: TA9034, resource: x, reason: why not, owner: me, expires: 2027-01-01 }\n')).toMatch(/exceptions\[0\]\.technique: must be a technique id/);
    expect(parseError('')).toMatch(/^kubeseg\.yaml:1:1: the file is empty/);
    expect(parseError(VALID.replace('team-storefront', 'sk_live_0123456789abcdef0123').replace('reason: "Re-platformed', 'reason: 5\n    x: "'))).not.toContain('sk_live');
  });
});

const finding = (over: Partial<Finding>): Finding => ({
  id: '0000000000000000', technique: 'MS-TA9034', check: 'open-to-other-workloads', status: 'fail', severity: 'high',
  resource: { kind: 'Deployment', namespace: 'storefront', name: 'bff' }, message: 'm', evidence: [], ...over,
});

describe('applyFindingRules', () => {
  const rules: RulesConfig = parseRulesConfig(VALID, 'kubeseg.yaml');
  const apply = (findings: Finding[], cluster = 'shop-staging', today = '2026-12-05') => applyFindingRules(findings, cluster, { rules, today });

  it('accepts a failure that an exception covers until the end of its last day, and only in the clusters it names', () => {
    const bff = finding({});
    expect(apply([bff]).findings[0]).toMatchObject({ status: 'accepted', accepted: { owner: 'team-storefront', expires: '2027-03-31' } });
    expect(apply([bff], 'shop-staging', '2027-03-31').findings[0]!.status).toBe('accepted');
    expect(apply([bff], 'shop-staging', '2027-04-01').findings[0]!.status).toBe('fail');
    expect(apply([bff], 'payments-prod').findings[0]!.status).toBe('fail');
    expect(apply([finding({ resource: { kind: 'StatefulSet', namespace: 'storefront', name: 'bff' } })]).findings[0]!.status).toBe('fail');
    expect(apply([finding({ check: 'namespace-ingress-unrestricted' })]).findings[0]!.status).toBe('fail');
  });

  it('never accepts an unknown or a pass, drops ignored findings and counts them, and changes severities', () => {
    const { findings, ignored } = applyFindingRules([
      finding({ status: 'unknown' }), finding({ status: 'pass' }),
      finding({ technique: 'MS-TA9031', resource: { kind: 'Namespace', namespace: null, name: 'shop' } }),
      finding({ technique: 'MS-TA9027', check: 'secret-as-env', severity: 'low' }),
    ], 'data-lab', { rules, today: '2026-12-05' });
    expect(ignored).toBe(1);
    expect(findings.map((f) => `${f.status} ${f.severity}`)).toEqual(['unknown high', 'pass high', 'fail medium']);
  });

  it('lists an expired exception, which stops applying', () => {
    expect(expiredExceptions(rules, '2026-12-05').map((e) => e.technique)).toEqual(['MS-TA9031']);
    expect(apply([finding({ technique: 'MS-TA9031', check: 'egress-reaches-most-workloads' })]).findings[0]!.status).toBe('fail');
  });
});

describe('demo --config', () => {
  it('shows accepted risks apart in every report, scores them as passed, and reports the expired exception', async () => {
    const dir = fixture({ 'kubeseg.yaml': VALID });
    const plain = reportSchema.parse(JSON.parse((await run('demo', '--format', 'json', '--out', join(dir, 'a'))).stdout));
    const tuned = await run('demo', '--format', 'json', '--config', join(dir, 'kubeseg.yaml'), '--out', join(dir, 'b'));
    const report = reportSchema.parse(JSON.parse(tuned.stdout));
    expect(tuned.stderr).toContain('warning: exception for MS-TA9031 on * (owner platform) expired on 2026-01-31 and no longer applies');
    expect(report.expiredExceptions?.map((e) => e.owner)).toEqual(['platform']);

    const shop = report.clusters.find((c) => c.name === 'shop-staging')!;
    const accepted = shop.findings.filter((f) => f.status === 'accepted');
    expect(accepted.map((f) => f.resource.name).sort()).toEqual(['bff', 'image-resizer']);
    expect(accepted[0]!.accepted).toEqual({ reason: 'Re-platformed in Q1 <script>alert(1)</script>', owner: 'team-storefront', expires: '2027-03-31' });
    const ta9034 = (r: typeof report) => r.clusters.find((c) => c.name === 'shop-staging')!.techniques.find((t) => t.id === 'MS-TA9034')!;
    expect(ta9034(report)).toMatchObject({ accepted: 2, exposed: ta9034(plain).exposed - 2 });
    expect(ta9034(report).score!).toBeGreaterThan(ta9034(plain).score!);
    expect(report.clusters.find((c) => c.name === 'data-lab')!.ignored).toBeGreaterThan(0);

    const folder = readdirSync(join(dir, 'b'))[0]!;
    const html = readFileSync(join(dir, 'b', folder, 'report.html'), 'utf8');
    expect(html).toContain('Accepted risks');
    expect(html).toContain('Re-platformed in Q1 &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert');
    expect(readFileSync(join(dir, 'b', folder, 'findings.csv'), 'utf8')).toContain('accepted by team-storefront until 2027-03-31: Re-platformed in Q1');

    const text = (await run('demo', '--config', join(dir, 'kubeseg.yaml'), '--out', join(dir, 'c'))).stdout;
    expect(text).toContain('Accepted risks (2, scored as passed):');
    expect(text).toContain('Expired exception (no longer applies): MS-TA9031 on *, owner platform, expired 2026-01-31');
  });
});

describe('rules.interfaces', () => {
  it('recognises an interface the configuration adds, as MS-TA9005 recognises its own', async () => {
    const dir = fixture({
      'cluster.yaml': `apiVersion: v1
kind: Namespace
metadata: { name: tools }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: admin, namespace: tools }
spec:
  template:
    metadata: { labels: { app: admin } }
    spec: { containers: [{ name: admin, image: registry.example.com/acme-admin:1.4, ports: [{ containerPort: 8080 }] }] }
---
apiVersion: v1
kind: Service
metadata: { name: admin, namespace: tools }
spec: { type: LoadBalancer, selector: { app: admin }, ports: [{ port: 80, targetPort: 8080 }] }
`,
      'kubeseg.yaml': 'rules:\n  interfaces:\n    - { name: Acme admin console, images: [ACME-admin], ports: [8080] }\n',
    });
    const ta9005 = async (...extra: string[]) => reportSchema.parse(JSON.parse((await run('scan', join(dir, 'cluster.yaml'), '--format', 'json', ...extra)).stdout))
      .clusters[0]!.findings.filter((f) => f.technique === 'MS-TA9005' && f.resource.name === 'admin');
    expect(await ta9005()).toEqual([]);
    const found = await ta9005('--config', join(dir, 'kubeseg.yaml'));
    expect(found.map((f) => f.status)).toEqual(['fail']);
    expect(found[0]!.message).toContain('Acme admin console');
    expect(parseError('rules:\n  interfaces:\n    - { name: Nothing here, ports: [80] }\n')).toMatch(/^kubeseg\.yaml:3:7: rules\.interfaces\[0\]: recognises nothing/);
  });
});

