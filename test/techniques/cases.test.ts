/**
 * Runs every technique's fixture cases (kubescape-regolibrary style): each
 * `lib/core/techniques/<technique>/cases/<case>/` holds `input/` (manifests, optionally
 * kubeseg-cloud.yaml) and `expected.json`:
 *   { "technique": "MS-TA9033",
 *     "findings": [{ "check": "...", "resource": "Deployment ns/name", "status": "fail", "severity": "low" }],
 *     "evidenceIncludes": ["text that some finding's evidence must contain"],
 *     "remediationIncludes": ["text that some remediation YAML must contain"] }
 * The technique's findings must be exactly the listed ones; a listed severity (optional) must match too.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { DiagnosticList, formatDiagnostic } from '../../lib/core/diagnostics.js';
import { resourceText } from '../../lib/core/findings/finding.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';
import { runTechniques } from '../../lib/core/techniques/runTechniques.js';

interface Expected {
  technique: string;
  findings: { check: string; resource: string; status: string; severity?: string }[];
  evidenceIncludes?: string[];
  remediationIncludes?: string[];
}

const root = resolve(import.meta.dirname, '../../lib/core/techniques');
const cases = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, d.name, 'cases')))
  .flatMap((d) => readdirSync(join(root, d.name, 'cases')).map((c) => ({ folder: d.name, name: c, dir: join(root, d.name, 'cases', c) })));

describe('technique fixture cases', () => {
  it('exist for every technique', () => {
    const covered = new Set(cases.map((c) => (JSON.parse(readFileSync(join(c.dir, 'expected.json'), 'utf8')) as Expected).technique));
    expect(TECHNIQUES.map((t) => t.meta.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it.each(cases)('$folder: $name', async ({ dir }) => {
    // Prepare
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
    const technique = TECHNIQUES.find((t) => t.meta.id === expected.technique);
    expect(technique, `unknown technique ${expected.technique}`).toBeDefined();
    const diagnostics = new DiagnosticList();
    const [snapshot] = await loadSnapshots([join(dir, 'input')], 'manifests', diagnostics);
    expect(diagnostics.all.filter((d) => d.severity === 'fatal').map(formatDiagnostic)).toEqual([]);

    // Act
    const result = runTechniques(snapshot!, [technique!]);

    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const listed = (f: { check: string; resource: string; status: string; severity?: string }, severity: string) =>
      ({ check: f.check, resource: f.resource, status: f.status, ...(f.severity !== undefined && { severity }) });
    const actual = result.run.findings.map((f) => {
      const shown = { check: f.check, resource: resourceText(f.resource), status: f.status };
      const wanted = expected.findings.find((e) => e.check === shown.check && e.resource === shown.resource && e.status === shown.status);
      return wanted ? listed(wanted, f.severity) : shown;
    });
    const order = (a: { resource: string; check: string }, b: { resource: string; check: string }): number =>
      `${a.resource}|${a.check}`.localeCompare(`${b.resource}|${b.check}`);
    expect(actual.sort(order)).toEqual(expected.findings.map((e) => listed(e, e.severity ?? '')).sort(order));
    const evidence = result.run.findings.flatMap((f) => [f.message, ...f.evidence]).join('\n');
    for (const text of expected.evidenceIncludes ?? []) expect(evidence).toContain(text);
    const yaml = result.run.findings.map((f) => f.remediation?.yaml ?? '').join('\n');
    for (const text of expected.remediationIncludes ?? []) expect(yaml).toContain(text);
  });
});
