import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { assessCluster } from '../../lib/core/report/assessCluster.js';
import { buildJsonReport } from '../../lib/core/report/jsonReport.js';
import { reportJsonSchema } from '../../lib/core/report/jsonSchema.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';

const root = resolve(import.meta.dirname, '../..');
const committed = JSON.parse(readFileSync(resolve(root, 'schemas/report-v1.schema.json'), 'utf8')) as Record<string, unknown>;

async function reportOf(path: string, source: 'manifests' | 'demo'): Promise<unknown> {
  const diagnostics = new DiagnosticList();
  const snapshots = await loadSnapshots([path], source, diagnostics);
  expect(diagnostics.hasFatal).toBe(false);
  return buildJsonReport(snapshots.map((s) => assessCluster(s, TECHNIQUES)), { generatedAt: '2026-11-26T12:00:00.000Z', version: '0.1.0' });
}

describe('the JSON report contract', () => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  ajv.addFormat('date-time', true);
  const validate = ajv.compile(committed);

  it('is the committed JSON Schema file, regenerated from the zod contract (npm run schemas)', () => {
    expect(committed).toEqual(reportJsonSchema());
  });

  it.each([
    ['the demo fleet', DEMO_FLEET, 'demo' as const],
    ['the example shop', resolve(root, 'examples/shop'), 'manifests' as const],
  ])('validates the report of %s against the schema file', async (_name, path, source) => {
    // Act
    const report = await reportOf(path, source);

    // Assess
    expect(validate(report), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
  });

  it('rejects a report that breaks the contract', async () => {
    const report = (await reportOf(resolve(root, 'examples/shop'), 'manifests')) as { clusters: { grade: string }[] };
    report.clusters[0]!.grade = 'E';
    expect(validate(report)).toBe(false);
  });
});
