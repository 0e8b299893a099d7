/** The `scan --format text` summary of the demo fleet: colours, columns, evidence gaps and top risks. */
import { describe, expect, it } from 'vitest';
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { assessCluster } from '../../lib/core/report/assessCluster.js';
import { buildJsonReport } from '../../lib/core/report/jsonReport.js';
import { formatFindingsCsv } from '../../lib/core/report/findingsCsv.js';
import { formatTextSummary } from '../../lib/core/report/textSummary.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';

const report = buildJsonReport((await loadSnapshots([DEMO_FLEET], 'demo', new DiagnosticList())).map((s) => assessCluster(s, TECHNIQUES)),
  { generatedAt: '2026-11-26T06:00:00.000Z', version: 'test' });
const plain = formatTextSummary(report, { color: false });
const coloured = formatTextSummary(report, { color: true });
const ESC = '\u001b';
const withoutColour = (text: string): string => text.split(ESC).map((part, i) => (i === 0 ? part : part.replace(/^\[\d+m/, ''))).join('');

describe('the text summary', () => {
  it('colours each status word, and pads by what shows, so the coloured table lines up as the plain one', () => {
    expect(coloured).toContain(`${ESC}[31mfail${ESC}[0m`);
    expect(coloured).toContain(`${ESC}[32mpass${ESC}[0m`);
    expect(coloured).toContain(`${ESC}[2mnot-applicable${ESC}[0m`);
    expect(withoutColour(coloured)).toBe(plain);
  });

  it('prints no escape code at all without colour', () => {
    expect(plain).not.toContain(ESC);
  });

  it('shows each absent or uncollected evidence step with its reason and how to get it', () => {
    const lab = plain.slice(plain.indexOf('data-lab'), plain.indexOf('legacy-batch'));
    expect(lab).toContain('  ! networkpolicies (absent): no NetworkPolicies in the input: export them with kubectl get networkpolicies -A -o yaml\n');
    expect(lab).toContain('  ! adminnetworkpolicies (absent): no AdminNetworkPolicies in the input');
    expect(plain).not.toContain('`');
  });

  it('has a coverage column per technique', () => {
    const header = plain.split('\n').find((line) => line.trimStart().startsWith('Technique'))!;
    expect(header).toMatch(/Status\s+Score\s+Exposed\/assessed\s+Coverage$/);
    const row = plain.split('\n').find((line) => line.includes('MS-TA9033 Instance Metadata API'))!;
    expect(row).toMatch(/\d+\/\d+\s+\d+%$/);
    expect(row.length).toBe(header.length);
  });

  it('lists each cluster\'s top risks, one per workload, most severe first', () => {
    const lab = plain.slice(plain.indexOf('data-lab'), plain.indexOf('legacy-batch'));
    const risks = lab.slice(lab.indexOf('Top risks:')).split('\n').slice(1).filter((l) => l.startsWith('    ['));
    expect(risks).toHaveLength(5);
    expect(risks[0]).toMatch(/^ {4}\[critical\]/);
    const workloads = risks.map((r) => /\] (\S+)/.exec(r)![1]);
    expect(new Set(workloads).size).toBe(5);
  });
});

describe('findings.csv', () => {
  it('prints the prose of the techniques without backticks', () => {
    const csv = formatFindingsCsv(report);
    expect(csv).toContain('Then add a from entry');
    expect(csv).not.toContain('`');
  });
});
