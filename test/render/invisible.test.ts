/**
 * Names with bidi controls, zero-width characters, terminal escapes and line breaks, through every
 * renderer: none of those characters reaches an output raw (the HTML as Chromium shows it, the PDF as
 * poppler reads it, the text summary, the CSV, both parts of the email), and each shows as `<U+XXXX>`.
 */
import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { requireCommand } from '../helpers/tools.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderSummaryEmail } from '../../lib/adapters/render/renderEmail.js';
import { renderHtml } from '../../lib/adapters/render/renderHtml.js';
import { loadPdfFonts, renderPdf } from '../../lib/adapters/render/renderPdf.js';
import { buildReportModel } from '../../lib/core/report/buildReportModel.js';
import { formatFindingsCsv } from '../../lib/core/report/findingsCsv.js';
import type { JsonReport } from '../../lib/core/report/jsonReport.js';
import { formatTextSummary } from '../../lib/core/report/textSummary.js';
import { topRisks } from '../../lib/core/report/topRisks.js';
import { catalog, demoReport } from './htmlFixtures.js';

const execFile = promisify(execFileCallback);

const CLUSTER = 'prod\u202Eexe.lab\u2066x';
const NAMESPACE = 'ns\u200Bzero';
const WORKLOAD = 'web\u001b[31mred\r\nforged';
/** What must never reach an output raw, and how each must show instead. */
const RAW = ['\u202E', '\u2066', '\u200B', '\u001b', '\r', 'red\nforged'];
const VISIBLE = ['prod<U+202E>exe.lab<U+2066>x', 'ns<U+200B>zero', 'web<U+001B>[31mred<U+000D><U+000A>forged'];

/** The demo report with its first cluster renamed, and the workload of that cluster's worst risk moved and renamed everywhere it is named. */
function invisibleReport(): JsonReport {
  const report = structuredClone(demoReport);
  const cluster = report.clusters[0]!;
  const { namespace, name } = topRisks(cluster.findings, 1)[0]!.resource;
  const before = `${namespace}/${name}`;
  const after = `${NAMESPACE}/${WORKLOAD}`;
  const rename = (text: string): string => text.split(before).join(after);
  cluster.name = CLUSTER;
  for (const f of cluster.findings) {
    if (f.resource.namespace === namespace && f.resource.name === name) f.resource = { ...f.resource, namespace: NAMESPACE, name: WORKLOAD };
    f.message = rename(f.message);
    f.evidence = f.evidence.map(rename);
    if (f.remediation) f.remediation = { text: rename(f.remediation.text), ...(f.remediation.yaml !== undefined && { yaml: rename(f.remediation.yaml) }) };
  }
  return report;
}

const report = invisibleReport();
const model = buildReportModel({ report, catalog });

function expectInert(output: string, what: string): void {
  for (const raw of RAW) expect(output.includes(raw), `${what} holds ${JSON.stringify(raw)} raw`).toBe(false);
  for (const visible of VISIBLE) expect(output, `${what} shows ${visible}`).toContain(visible);
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubeseg-invisible-'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('names with invisible and control characters', () => {
  it('stay inert in the text summary, with and without colour', () => {
    expectInert(formatTextSummary(report, { color: false }), 'the text summary');
    const coloured = formatTextSummary(report, { color: true });
    expect(coloured).not.toContain('\u001b[31mred');
    expect(coloured).toContain(VISIBLE[2]);
  });

  it('stay inert in findings.csv', () => {
    expectInert(formatFindingsCsv(report), 'the CSV');
  });

  it('stay inert in both parts of the summary email', () => {
    const email = renderSummaryEmail(model, {});
    expectInert(email.text, 'the email text');
    expectInert(email.html.replace(/&lt;/g, '<').replace(/&gt;/g, '>'), 'the email HTML');
    expect(email.subject).not.toMatch(/[\r\n\u202E]/);
  });

  it('stay inert in the HTML report as Chromium shows it, top risks and findings included', { tags: ['chromium'], timeout: 30_000 }, async () => {
    // Prepare
    const file = join(dir, 'report.html');
    await writeFile(file, renderHtml(model));
    const browser = await chromium.launch({ executablePath: requireCommand('chromium'), headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      await page.goto(pathToFileURL(file).href);
      await page.locator('details').evaluateAll((all) => { for (const d of all) d.setAttribute('open', ''); });

      // Act
      const text = await page.locator('body').innerText();
      const risks = await page.locator('#top-risks').innerText();

      // Assess
      expectInert(text, 'the HTML page');
      expect(risks).toContain(VISIBLE[0]);
      expect(risks).toContain(VISIBLE[1]);
    } finally {
      await browser.close();
    }
  });

  it('stay inert in the PDF report as poppler reads it', { tags: ['poppler'] }, async () => {
    // Prepare
    const file = join(dir, 'report.pdf');
    await writeFile(file, await renderPdf(model, await loadPdfFonts()));

    // Act
    const { stdout } = await execFile(requireCommand('pdftotext'), [file, '-'], { maxBuffer: 64 * 1024 * 1024 });

    // Assess
    expectInert(stdout, 'the PDF');
  });
});
