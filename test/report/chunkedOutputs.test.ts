/**
 * report.html, report.json and findings.csv are stored from pieces (one per cluster) so that a large
 * fleet's file is never one string; the pieces joined must be exactly the one-string text.
 */
import { describe, expect, it } from 'vitest';
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { assessCluster } from '../../lib/core/report/assessCluster.js';
import { findingsCsvChunks, formatFindingsCsv } from '../../lib/core/report/findingsCsv.js';
import { buildJsonReport, type JsonReport } from '../../lib/core/report/jsonReport.js';
import { reportJsonChunks } from '../../lib/core/report/reportJsonChunks.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';
import { htmlParts, renderHtml } from '../../lib/adapters/render/renderHtml.js';
import { demoModel, hostileModel, HOSTILE } from '../render/htmlFixtures.js';

async function demoReport(): Promise<JsonReport> {
  const snapshots = await loadSnapshots([DEMO_FLEET], 'demo', new DiagnosticList());
  return buildJsonReport(snapshots.map((s) => assessCluster(s, TECHNIQUES)), { generatedAt: '2026-12-04T12:00:00.000Z', version: '0.1.0' });
}

/** Names that look like the outline's clusters key, JSON escapes, line breaks and bidi controls. */
const HOSTILE_NAMES = ['\n  "clusters": []', '"\\u0000cluster 0"', '\u0000cluster 1', 'line\nbreak\r\n  "clusters": [', '\u202Eevil\u2066', '→ arrows ←'];

describe('report files stored piece by piece', () => {
  it('report.json from per-cluster pieces is JSON.stringify(report, null, 2), for the demo fleet and hostile names', async () => {
    const demo = await demoReport();
    const hostile: JsonReport = { ...demo, clusters: demo.clusters.map((c, i) => ({ ...c, name: HOSTILE_NAMES[i % HOSTILE_NAMES.length]! })) };
    const empty: JsonReport = { ...demo, clusters: [] };
    for (const report of [demo, hostile, empty]) {
      expect([...reportJsonChunks(report)].join('')).toBe(`${JSON.stringify(report, null, 2)}\n`);
    }
    expect([...reportJsonChunks(demo)]).toHaveLength(2 * demo.clusters.length + 2);
  });

  it('findings.csv from per-cluster pieces is the one-string CSV', async () => {
    const demo = await demoReport();
    const hostile: JsonReport = { ...demo, clusters: demo.clusters.map((c, i) => ({ ...c, name: HOSTILE_NAMES[i % HOSTILE_NAMES.length]! })) };
    for (const report of [demo, hostile]) {
      const chunks = [...findingsCsvChunks(report)];
      expect(chunks).toHaveLength(report.clusters.length + 1);
      expect(chunks.join('')).toBe(formatFindingsCsv(report));
      expect(chunks.join('').split('\n')).toHaveLength(1 + report.clusters.reduce((n, c) => n + c.findings.length, 0) + 1);
    }
  });

  it('report.html from per-cluster pieces is the one-string page, each cluster in a piece of its own, hostile names escaped in each', () => {
    for (const model of [demoModel(), hostileModel()]) {
      const parts = [...htmlParts(model)];
      expect(parts).toHaveLength(model.clusters.length + 2);
      expect(parts.join('')).toBe(renderHtml(model));
      expect(parts[0]).toMatch(/^<!DOCTYPE html>/);
      expect(parts.at(-1)).toMatch(/<\/html>\n$/);
      model.clusters.forEach((cluster, i) => expect(parts[i + 1]).toMatch(new RegExp(`^<section class="cluster" id="${cluster.anchor}"`)));
      for (const part of parts) expect(part).not.toContain(HOSTILE.img);
    }
  });
});
