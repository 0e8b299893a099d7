/** The PDF report, checked with poppler's real tools (pdftotext, pdfinfo, pdffonts, pdftoppm): no mocks. */
import { execFile as execFileCallback } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPdfFonts, renderPdf, type PdfFonts } from '../../lib/adapters/render/renderPdf.js';
import type { ReportModel } from '../../lib/core/report/reportModel.js';
import { requireCommand, TOOLS } from '../helpers/tools.js';
import { demoModel, HOSTILE, hostileModel, longTableModel } from './pdfFixtures.js';

const execFile = promisify(execFileCallback);

async function run(tool: string, ...args: string[]): Promise<string> {
  return (await execFile(tool, args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
}

const pageText = (pdf: string, page: number): Promise<string> => run('pdftotext', '-f', String(page), '-l', String(page), pdf, '-');

let dir: string;
let fonts: PdfFonts;
let demo: ReportModel;
let demoPdf: string;

async function renderTo(name: string, model: ReportModel): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, await renderPdf(model, fonts));
  return file;
}

beforeAll(async () => {
  for (const command of TOOLS.poppler.commands) requireCommand(command);
  dir = await mkdtemp(join(tmpdir(), 'kubeseg-pdf-'));
  [fonts, demo] = await Promise.all([loadPdfFonts(), demoModel()]);
  demoPdf = await renderTo('demo.pdf', demo);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the PDF report of the demo fleet', { tags: ['poppler'] }, () => {
  it('prints the fleet score, every cluster name, the appendix and catalog ids as selectable text', async () => {
    // Act
    const text = await run('pdftotext', demoPdf, '-');

    // Assess
    expect(text).toContain(`${demo.fleet.score} (${demo.fleet.grade})`);
    for (const cluster of demo.clusters) expect(text).toContain(cluster.name);
    expect(text).toContain('Appendix');
    expect(text).toContain('Technique catalog');
    for (const entry of demo.appendix.catalog.slice(0, 3)) expect(text).toContain(entry.id);
  });

  it('has a page count within the expected range, the report title in its metadata and page footers', async () => {
    // Act
    const info = await run('pdfinfo', demoPdf);
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);

    // Assess: cover, summary, contents, at least a page per cluster, appendix; the caps keep it short
    expect(pages).toBeGreaterThanOrEqual(3 + demo.clusters.length + 1);
    expect(pages).toBeLessThanOrEqual(60);
    expect(info).toMatch(/^Title:\s+Kubernetes segmentation posture$/m);
    expect(info).toMatch(/^Author:\s+kubeseg$/m);
    expect(info).toMatch(/^CreationDate:.*2026/m);
    expect(await pageText(demoPdf, pages)).toContain(`page ${pages} of ${pages}`);
  });

  it('embeds the DejaVu fonts it uses', async () => {
    // Act
    const fontList = (await run('pdffonts', demoPdf)).split('\n').filter((line) => line.includes('DejaVu'));

    // Assess
    expect(fontList.length).toBeGreaterThanOrEqual(2);
    for (const line of fontList) expect(line).toMatch(/\byes\s+yes\s+yes\b/);
  });

  it('renders its first two pages to images', async () => {
    // Act
    await run('pdftoppm', '-r', '50', '-f', '1', '-l', '2', '-png', demoPdf, join(dir, 'page'));

    // Assess
    const images = (await readdir(dir)).filter((f) => f.startsWith('page') && f.endsWith('.png')).sort();
    expect(images).toHaveLength(2);
    for (const image of images) expect((await stat(join(dir, image))).size).toBeGreaterThan(1000);
  });

  it('names in its contents the page on which each cluster section starts', async () => {
    // Prepare
    const contents = await run('pdftotext', '-layout', '-f', '3', '-l', '3', demoPdf, '-');

    for (const cluster of demo.clusters) {
      // Act
      const page = Number(new RegExp(`Cluster ${cluster.name}\\s+(\\d+)\\s*$`, 'm').exec(contents)?.[1]);

      // Assess: the section's heading is the first line of the page it names
      expect(page).toBeGreaterThan(3);
      const firstLine = (await pageText(demoPdf, page)).split('\n').find((line) => line.trim() !== '');
      expect(firstLine?.trim()).toBe(cluster.name);
    }
  });

  it('gives the same bytes for the same model, as it reads no clock', async () => {
    // Act
    const [a, b] = await Promise.all([renderPdf(demo, fonts), renderPdf(demo, fonts)]);

    // Assess
    expect(a.equals(b)).toBe(true);
  });
});

describe('the PDF report with hostile or very long content', { tags: ['poppler'] }, () => {
  it('prints markup, template syntax, RTL overrides and very long strings as text', async () => {
    // Prepare
    const model = hostileModel(demo);

    // Act
    const text = await run('pdftotext', await renderTo('hostile.pdf', model), '-');

    // Assess
    expect(text).toContain(HOSTILE.markup);
    expect(text).toContain(HOSTILE.template);
    expect(text).toContain('gnp.exe');
    expect(text).toContain('x'.repeat(60));
  });

  it('breaks a long table across pages and repeats its header row on each', async () => {
    // Prepare: 400 collection steps, several pages of the appendix's last table
    const model = longTableModel(demo, 400);

    // Act
    const file = await renderTo('long.pdf', model);
    const pages = Number(/^Pages:\s+(\d+)/m.exec(await run('pdfinfo', file))?.[1]);
    const start = Number(/Collection log\s+(\d+)\s*$/m.exec(await run('pdftotext', '-layout', '-f', '3', '-l', '3', file, '-'))?.[1]);
    const tablePages = await Promise.all(Array.from({ length: pages - start + 1 }, (_, i) => pageText(file, start + i)));

    // Assess: every page of the log starts its table with the header row, and every step is there once
    expect(tablePages.length).toBeGreaterThanOrEqual(3);
    for (const text of tablePages) expect(text).toMatch(/^Detail$/m);
    const steps = tablePages.join('\n').match(/^\d+ objects in the input$/gm) ?? [];
    expect(steps).toHaveLength(400);
  });
});
