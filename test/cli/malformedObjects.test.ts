/**
 * `scan` and `connectivity` read objects the same way: a workload with a malformed field is skipped
 * with the same one-line warning by both (file, document, object, field), and the others are still
 * analysed.
 */
import { describe, expect, it } from 'vitest';
import { docs } from '../helpers/analyzeYaml.js';
import { fixture, run } from '../helpers/cli.js';

const GOOD = `apiVersion: apps/v1
kind: Deployment
metadata: {name: good, namespace: shop}
spec:
  template:
    metadata: {labels: {app: good}}
    spec:
      containers: [{name: app, image: app:1, ports: [{containerPort: 80}]}]`;

/** A Deployment `shop/bad` with `body` in place of its usual metadata and spec. */
const bad = (body: string): string => `apiVersion: apps/v1
kind: Deployment
${body}`;

const TEMPLATE_WITH = (spec: string): string => bad(`metadata: {name: bad, namespace: shop}
spec:
  template:
    metadata: {labels: {app: bad}}
    spec:
      ${spec}`);

const MALFORMED: readonly [string, string, RegExp][] = [
  ['containers: 5', TEMPLATE_WITH('containers: 5'), /Deployment shop\/bad: spec\.template\.spec\.containers: .*expected a list; object skipped$/],
  ['containers: [null]', TEMPLATE_WITH('containers: [null]'), /Deployment shop\/bad: spec\.template\.spec\.containers\[0\]: expected a map, got null; object skipped$/],
  ['ports: "x"', TEMPLATE_WITH('containers: [{name: a, ports: "x"}]'), /spec\.template\.spec\.containers\[0\]\.ports: .*expected a list; object skipped$/],
  ['labels as a list', bad('metadata: {name: bad, namespace: shop}\nspec: {template: {metadata: {labels: [a, b]}}}'), /spec\.template\.metadata\.labels: expected a map, got list; object skipped$/],
  ['metadata: []', bad('metadata: []\nspec: {}'), /Deployment default\/: metadata: expected a map, got list; object skipped$/],
  ['a numeric name', bad('metadata: {name: 5, namespace: shop}\nspec: {}'), /Deployment shop\/: metadata\.name: expected a string, got number; object skipped$/],
  ['a numeric namespace', bad('metadata: {name: bad, namespace: 7}\nspec: {}'), /metadata\.namespace: expected a string, got number; object skipped$/],
  ['top-level labels as a list', bad('metadata: {name: bad, namespace: shop, labels: [x]}\nspec: {}'), /Deployment shop\/bad: metadata\.labels: expected a map, got list; object skipped$/],
  ['spec.template: null', bad('metadata: {name: bad, namespace: shop}\nspec: {template: null}'), /^$/],
  ['volumes and env of the wrong type', TEMPLATE_WITH('containers: [{name: a, env: 5, securityContext: 5, volumeMounts: {a: 1}}]\n      volumes: {a: 1}'), /^$/],
];

describe('a malformed workload', () => {
  it.each(MALFORMED)('with %s is skipped with the same warning by scan and connectivity, never a crash', async (_name, yaml, warning) => {
    // Prepare
    const dir = fixture({ 'apps.yaml': docs(GOOD, yaml) });
    const skipped = (stderr: string): string[] => stderr.split('\n').filter((l) => l.includes('object skipped'));

    // Act
    const scan = await run('scan', '--format', 'json', dir);
    const connectivity = await run('connectivity', dir);

    // Assess
    expect(scan.code).toBe(0);
    expect(connectivity.code).toBe(0);
    expect(scan.stderr + connectivity.stderr).not.toMatch(/^\s+at |internal error/m);
    expect(skipped(scan.stderr)).toEqual(skipped(connectivity.stderr));
    if (warning.source === '^$') {
      expect(skipped(scan.stderr)).toEqual([]);
    } else {
      expect(skipped(scan.stderr)).toHaveLength(1);
      expect(skipped(scan.stderr)[0]).toMatch(new RegExp(`^warning: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/apps\\.yaml#2: `));
      expect(skipped(scan.stderr)[0]).toMatch(warning);
    }
    expect(connectivity.stdout).toContain('shop/good[Deployment]');
    expect(scan.stdout).toContain('"name": "good"');
  });
});
