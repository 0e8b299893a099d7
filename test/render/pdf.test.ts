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
import { demoModel, HOSTILE, hostileModel, largerFleetModel, longTableModel } from './pdfFixtures.js';

const execFile = promisify(execFileCallback);

async function run(tool: string, ...args: string[]): Promise<string> {
  return (await execFile(tool, args, { maxBuffer: 64 * 1024 * 1024 })).stdout;
}

const pageText = (pdf: string, page: number): Promise<string> => run('pdftotext', '-f', String(page), '-l', String(page), pdf, '-');
/** The layout text from the contents on: below the cover when they fit there, else on the pages after it. */
async function contentsText(pdf: string): Promise<string> {
  const text = await run('pdftotext', '-layout', '-f', '1', '-l', '4', pdf, '-');
  return text.slice(text.search(/^\f?Contents$/m));
}
const pageCount = async (pdf: string): Promise<number> => Number(/^Pages:\s+(\d+)/m.exec(await run('pdfinfo', pdf))?.[1]);

interface Word {
  readonly text: string;
  readonly xMin: number;
  readonly yMin: number;
  readonly xMax: number;
  readonly yMax: number;
}

/** The words of a page with their boxes, as poppler places them (`pdftotext -bbox`). */
async function pageWords(pdf: string, page: number): Promise<Word[]> {
  const xml = await run('pdftotext', '-bbox', '-f', String(page), '-l', String(page), pdf, '-');
  return [...xml.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)]
    .map((m) => ({ xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]), text: m[5]! }));
}

/** Pairs of words whose boxes overlap by more than a hair (glyph boxes of neighbouring lines touch). */
function collisions(words: readonly Word[]): string[] {
  const overlap = (a: Word, b: Word): boolean => Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin) > 1 && Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin) > 1.5;
  return words.flatMap((a, i) => words.slice(i + 1).filter((b) => overlap(a, b)).map((b) => `${a.text} × ${b.text}`));
}

/** Non-empty lines per page, as `pdftotext -layout` lays them out. */
async function linesPerPage(pdf: string): Promise<number[]> {
  const pages = await pageCount(pdf);
  return Promise.all(Array.from({ length: pages }, async (_, i) =>
    (await run('pdftotext', '-layout', '-f', String(i + 1), '-l', String(i + 1), pdf, '-')).split('\n').filter((l) => l.trim() !== '').length));
}

/** The demo model with its trend replaced: runs at the given instants and scores. */
function withTrend(model: ReportModel, runs: readonly (readonly [string, number | null])[]): ReportModel {
  const day = (iso: string): string => iso.slice(0, 10);
  const perDay = (iso: string): number => runs.filter(([d]) => day(d) === day(iso)).length;
  const trend = runs.map(([date, score]) => ({ date, score, label: perDay(date) > 1 ? `${day(date)} ${date.slice(11, 16)}` : day(date) }));
  return { ...model, fleet: { ...model.fleet, trend } };
}

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
    expect(text).toContain(`grade ${demo.fleet.grade}`);
    for (const cluster of demo.clusters) expect(text).toContain(cluster.name);
    expect(text).toContain('Appendix');
    expect(text).toContain('Technique catalog');
    for (const entry of demo.appendix.catalog.slice(0, 3)) expect(text).toContain(entry.id);
    // Code spans of the techniques' prose lose their backticks.
    expect(text).not.toContain('`');
  });

  it('has a page count within the expected range, the report title in its metadata and page footers', async () => {
    // Act
    const info = await run('pdfinfo', demoPdf);
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);

    // Assess: cover with the contents, summary, at least a page per cluster, appendix; the caps keep it short
    expect(pages).toBeGreaterThanOrEqual(2 + demo.clusters.length + 1);
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
    const contents = await contentsText(demoPdf);

    for (const cluster of demo.clusters) {
      // Act
      const page = Number(new RegExp(`Cluster ${cluster.name}\\s+(\\d+)\\s*$`, 'm').exec(contents)?.[1]);

      // Assess: the section's heading is the first line of the page it names
      expect(page).toBeGreaterThan(1);
      const firstLine = (await pageText(demoPdf, page)).split('\n').find((line) => line.trim() !== '');
      expect(firstLine?.trim()).toBe(cluster.name);
    }
  });

  it('puts the contents on the cover when they fit there, and on pages of their own after it when not', async () => {
    // Prepare: 4 clusters fit below the cover's figures, 16 do not
    const larger = await renderTo('larger-fleet.pdf', largerFleetModel(demo, 4));
    const coverOf = (pdf: string): Promise<string> => pageText(pdf, 1);

    // Act
    const [demoCover, largerCover, largerContents] = await Promise.all([coverOf(demoPdf), coverOf(larger), contentsText(larger)]);

    // Assess: every cluster of the larger fleet is listed, each on the page where its section starts
    expect(demoCover).toMatch(/^Contents$/m);
    expect(largerCover).not.toMatch(/^Contents$/m);
    const listed = [...largerContents.matchAll(/^Cluster (\S+)\s+(\d+)\s*$/gm)];
    expect(listed).toHaveLength(16);
    for (const [, name, page] of listed.slice(-2)) {
      const firstLine = (await pageText(larger, Number(page))).split('\n').find((line) => line.trim() !== '');
      expect(firstLine?.trim()).toBe(name);
    }
  });

  it('gives the same bytes for the same model, as it reads no clock', async () => {
    // Act
    const [a, b] = await Promise.all([renderPdf(demo, fonts), renderPdf(demo, fonts)]);

    // Assess
    expect(a.equals(b)).toBe(true);
  });
});

describe('the executive summary page', { tags: ['poppler'] }, () => {
  it('names the heat map\'s columns by short technique names on one line each, not by bare ids', async () => {
    // Act
    const text = await pageText(demoPdf, 2);

    // Assess
    for (const t of demo.heatMap.techniques) expect(text.split('\n')).toContain(t.shortName);
    expect(demo.heatMap.techniques.find((t) => t.id === 'MS-TA9029')?.shortName).toBe('Kubernetes API server');
    expect(text).not.toMatch(/^MS-TA\d+$/m);
  });

  it('prints the fleet score once, in the gauge, and labels the what-if tick with its score', async () => {
    // Act
    const text = await run('pdftotext', '-layout', '-f', '2', '-l', '2', demoPdf, '-');

    // Assess
    expect(text).not.toContain(`${demo.fleet.score} (${demo.fleet.grade})`);
    expect(text.match(new RegExp(`grade ${demo.fleet.grade}`, 'g'))).toHaveLength(1);
    expect(text).toMatch(new RegExp(`what-if ${demo.fleet.whatIfScore}\\b`));
  });

  it.each<[string, [string, number | null][]]>([
    ['no trend', []],
    ['two runs on one day', [['2026-11-19T06:00:00.000Z', 100], ['2026-11-26T01:30:00.000Z', 0], ['2026-11-26T06:00:00.000Z', 50]]],
    ['many runs', Array.from({ length: 30 }, (_, i): [string, number | null] => [`2026-10-${String(i + 1).padStart(2, '0')}T06:00:00.000Z`, [0, 50, 100, null, 73][i % 5]!])],
  ])('lays out its text without any two words overlapping: %s', async (name, runs) => {
    // Prepare: scores on the gridlines, where axis and data labels would meet
    const file = await renderTo(`trend-${name.replace(/\W+/g, '-')}.pdf`, runs.length > 0 ? withTrend(demo, runs) : demo);

    // Act
    const words = await pageWords(file, 2);

    // Assess
    expect(words.length).toBeGreaterThan(100);
    expect(collisions(words)).toEqual([]);
  });

  it('dates the runs of the trend, with the time when two fall on one day', async () => {
    // Prepare
    const file = await renderTo('trend-same-day.pdf', withTrend(demo, [['2026-11-26T01:30:00.000Z', 30], ['2026-11-26T06:00:00.000Z', 40]]));

    // Act
    const text = await pageText(file, 2);

    // Assess
    expect(text).toContain('2026-11-26 01:30');
    expect(text).toContain('2026-11-26 06:00');
    expect(text).toContain('Fleet score by run');
  });
});

describe('the page breaks', { tags: ['poppler'] }, () => {
  it('leave no near-blank page: every page after the cover holds a good part of a page', async () => {
    // Prepare
    const withTrendFile = await renderTo('trend-pages.pdf', withTrend(demo, [['2026-11-19T06:00:00.000Z', 35], ['2026-11-26T06:00:00.000Z', 40]]));

    for (const file of [demoPdf, withTrendFile]) {
      // Act
      const lines = await linesPerPage(file);

      // Assess: a page of this report holds 50 to 80 lines; the cover (with the contents) is short by design
      expect(lines.slice(1).filter((n) => n < 20), `lines per page: ${lines.join(', ')}`).toEqual([]);
    }
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
    expect(text).toContain('evil<U+202E>gnp.exe');
    expect(text).not.toContain('\u202E');
    expect(text).toContain('x'.repeat(60));
  });

  it('breaks a long table across pages and repeats its header row on each', async () => {
    // Prepare: 400 collection steps, several pages of the appendix's last table
    const model = longTableModel(demo, 400);

    // Act
    const file = await renderTo('long.pdf', model);
    const pages = Number(/^Pages:\s+(\d+)/m.exec(await run('pdfinfo', file))?.[1]);
    const start = Number(/Collection log\s+(\d+)\s*$/m.exec(await contentsText(file))?.[1]);
    const tablePages = await Promise.all(Array.from({ length: pages - start + 1 }, (_, i) => pageText(file, start + i)));

    // Assess: every page of the log starts its table with the header row, and every cluster is there once
    expect(tablePages.length).toBeGreaterThanOrEqual(3);
    for (const text of tablePages) expect(text).toMatch(/^Collected$/m);
    const clusters = tablePages.join('\n').match(/^cluster-\d+$/gm) ?? [];
    expect(clusters).toHaveLength(400);
  });
});
