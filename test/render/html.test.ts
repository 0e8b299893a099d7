/**
 * The HTML posture report: its raw markup (self-contained, escaped, complete) and the page a real
 * Chromium makes of it (no request, no script run, readable without JavaScript, printable).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Handlebars from 'handlebars';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../lib/adapters/render/renderHtml.js';
import { proseMarkup } from '../../lib/adapters/render/templates.js';
import { inertLine } from '../../lib/core/format/inert.js';
import { proseText } from '../../lib/core/format/prose.js';
import { buildReportModel } from '../../lib/core/report/buildReportModel.js';
import { requireCommand } from '../helpers/tools.js';
import { catalog, demoModel, demoReport, HOSTILE, hostileModel, largeModel } from './htmlFixtures.js';

const TEMPLATES = join(import.meta.dirname, '../../templates/report');

/** Text as the templates print it (Handlebars escaping). */
const escaped = (text: string): string => Handlebars.Utils.escapeExpression(text);

const demo = demoModel();
const demoHtml = renderHtml(demo);
const hostileHtml = renderHtml(hostileModel());

/** The `<section id="…">` of a cluster, as raw HTML. */
function clusterMarkup(html: string, anchor: string): string {
  const start = html.indexOf(`<section class="cluster" id="${anchor}"`);
  return html.slice(start, html.indexOf('</section>', start));
}

async function openAllDetails(page: Page): Promise<void> {
  await page.locator('details').evaluateAll((all) => { for (const d of all) d.setAttribute('open', ''); });
}

/**
 * Runs in the browser (as text: this project's TypeScript has no DOM types): draws a PNG data URL on a
 * canvas and counts the distinct colours of every 97th pixel.
 */
const COUNT_COLOURS = `async (dataUrl) => {
  const image = new Image();
  image.src = dataUrl;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const { data } = context.getImageData(0, 0, image.width, image.height);
  const seen = new Set();
  for (let i = 0; i < data.length; i += 4 * 97) seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  return seen.size;
}`;

function templateFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? templateFiles(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('the HTML report of the demo fleet', () => {
  it('is one self-contained document: no script, no stylesheet link, no source or link leaving the file', () => {
    expect(demoHtml.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(demoHtml).not.toMatch(/<(script|link|img|iframe|object|embed|base)\b/i);
    expect(demoHtml).not.toMatch(/\s(src|srcset|action|formaction)=/i);
    expect(demoHtml).not.toMatch(/url\(|@import/i);
    expect(demoHtml).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:|\/\/)/i);
    const hrefs = [...demoHtml.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(0);
    expect(hrefs.filter((h) => !h.startsWith('#'))).toEqual([]);
    expect(demoHtml).toContain('http-equiv="Content-Security-Policy" content="default-src &#x27;none&#x27;');
  });

  it('names every cluster, gives each its anchor, and links the heat map, the top risks and the contents to it', () => {
    for (const c of demo.clusters) {
      expect(demoHtml).toContain(`<bdi>${c.name}</bdi>`);
      expect(demoHtml).toContain(`<section class="cluster" id="${c.anchor}"`);
      // Contents and heat map link every cluster.
      expect(demoHtml.split(`href="#${c.anchor}"`).length - 1).toBeGreaterThanOrEqual(2);
    }
    for (const risk of demo.topRisks) expect(demoHtml).toContain(proseMarkup(risk.text));
  });

  it('shows the enforcement problem of a cluster whose policies nothing enforces before its scores and findings', () => {
    // Prepare
    const legacy = demo.clusters.find((c) => c.name === 'legacy-batch')!;
    const payments = demo.clusters.find((c) => c.name === 'payments-prod')!;

    // Act
    const section = clusterMarkup(demoHtml, legacy.anchor);

    // Assess
    const alert = section.indexOf('class="alert alert-not-enforced"');
    expect(alert).toBeGreaterThan(0);
    expect(alert).toBeLessThan(section.indexOf('class="kpis"'));
    expect(alert).toBeLessThan(section.indexOf('class="data techniques"'));
    expect(clusterMarkup(demoHtml, payments.anchor)).not.toContain('class="alert');
  });

  it('marks each new finding and lists what changed since the previous run, with the trend line', () => {
    const newFindings = demo.clusters.flatMap((c) => c.findingGroups.flatMap((g) => g.issues.flatMap((i) => i.findings))).filter((f) => f.isNew);
    expect(newFindings.length).toBeGreaterThan(0);
    expect(demoHtml.split('<span class="badge badge-new">new</span>').length - 1).toBe(newFindings.length);
    expect(demoHtml).toContain(`<h2 id="changes-h">Changes since ${demo.changes!.since}</h2>`);
    expect(demoHtml).toContain('<svg class="trend"');
    expect(demoHtml).toContain('<polyline class="trend-line"');
  });

  it('breaks the trend line where a run had no score', () => {
    // Prepare
    const trend = ['2026-11-05', '2026-11-12', '2026-11-19', '2026-11-26'].map((date, i) => ({ date, label: date, score: [30, null, 50, 60][i]! }));

    // Act
    const html = renderHtml({ ...demo, fleet: { ...demo.fleet, trend } });

    // Assess
    expect(html.split('<polyline class="trend-line"').length - 1).toBe(1);
    expect(html.split('<circle class="trend-dot"').length - 1).toBe(3);
    expect(html).toContain('2026-11-12: no score');
  });

  it('links a cluster section to its remediation bundle when the model names one, and to nothing else', () => {
    // Act
    const html = renderHtml(buildReportModel({ report: demoReport, catalog, remediationFiles: [undefined, 'legacy-batch/remediation.yaml'] }));

    // Assess
    expect(clusterMarkup(html, 'cluster-2')).toContain('<a href="legacy-batch/remediation.yaml">');
    expect([...html.matchAll(/\shref="([^"#][^"]*)"/g)].map((m) => m[1])).toEqual(['legacy-batch/remediation.yaml']);
  });

  it('leaves out the changes and draws no trend line without a previous run', () => {
    // Act
    const html = renderHtml(buildReportModel({ report: demoReport, catalog }));

    // Assess
    expect(html).not.toContain('id="changes"');
    expect(html).not.toContain('<svg class="trend"');
    expect(html).toContain('class="card card-trend"');
    // The trend tile says there is none, and shows no number that could pass for a second score.
    const tile = html.slice(html.indexOf('class="card card-trend"'), html.indexOf('</div>', html.indexOf('class="card card-trend"')));
    expect(tile).toContain('No trend yet');
    expect(tile).not.toContain('class="big"');
  });

  it('ends with the appendix: method, scoring formula, the whole technique catalog and the collection log', () => {
    const appendix = demoHtml.slice(demoHtml.indexOf('<section id="appendix"'));
    expect(appendix.length).toBeGreaterThan(0);
    for (const paragraph of demo.appendix.method) expect(appendix).toContain(escaped(paragraph));
    for (const line of demo.appendix.formula) expect(appendix).toContain(escaped(line));
    for (const t of demo.appendix.catalog) expect(appendix).toContain(`<span class="tid">${t.id}</span>`);
    expect(appendix).toContain(`${demo.appendix.collectionLog.length} collection steps`);
  });

  it('prints the remediation manifests in pre/code blocks and keeps finding groups and cluster details collapsed', () => {
    expect(demoHtml).toContain('<pre class="yaml" tabindex="0"><code>apiVersion: networking.k8s.io/v1');
    // Prose from the techniques shows its backtick spans as code, and no backtick is left on the page.
    expect(demoHtml).toContain('Then add a <code>from</code> entry');
    expect(demoHtml).not.toContain('`');
    expect(demoHtml).not.toContain('&#96;');
    expect(demoHtml).toMatch(/<details class="group">/);
    expect(demoHtml).not.toMatch(/<details[^>]*\sopen/);
    expect(demoHtml).not.toMatch(/\sstyle="/);
  });
});

describe('the HTML report of a fleet with hostile strings', () => {
  it('escapes every hostile string in the raw HTML', () => {
    expect(hostileHtml).not.toMatch(/<img|<script/i);
    expect(hostileHtml).toContain('&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;');
    expect(hostileHtml).toContain('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(hostileHtml).toContain('<code>&lt;/code&gt;&lt;/pre&gt;');
    // Data is never compiled as a template: the braces stay text.
    expect(hostileHtml).toContain(`account ${HOSTILE.template}`);
    expect(hostileHtml).toContain(`<bdi>${escaped(HOSTILE.img)} ${escaped(inertLine(HOSTILE.rtl))}</bdi>`);
    expect(hostileHtml).not.toContain('\u202E');
    expect(hostileHtml).toContain(`<bdi>${HOSTILE.long}</bdi>`);
  });
});

describe('the HTML report of a workload with a backtick in its name', () => {
  it('shows the backtick as text: it opens no code span, and the real one still renders as code', () => {
    // Prepare
    const report = structuredClone(demoReport);
    const finding = report.clusters[0]!.findings.find((f) => f.status === 'fail' && f.resource.namespace !== null)!;
    finding.resource = { ...finding.resource, name: 'we`b' };
    finding.message = `${finding.resource.namespace}/we\`b[${finding.resource.kind}] can reach it: merge their \`except\` lists`;

    // Act
    const html = renderHtml(buildReportModel({ report, catalog }));

    // Assess
    expect(html).toContain(`${finding.resource.namespace}/we&#96;b[${finding.resource.kind}] can reach it: merge their <code>except</code> lists`);
    expect(html).not.toMatch(/<code>b\[/);
  });
});

describe('the report templates', () => {
  it('use triple-stash (unescaped output) only on `.markup` fields the renderer built itself', () => {
    // Prepare
    const files = templateFiles(TEMPLATES);
    expect(files.length).toBeGreaterThan(0);

    // Act
    const offenders = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      const unescaped = [...text.matchAll(/\{\{\{~?\s*([^}]*?)\s*~?\}\}\}|\{\{~?\s*&\s*([^}]*?)\s*~?\}\}/g)];
      return unescaped.filter((m) => m[1] === undefined || !/^[\w.]+\.markup$/.test(m[1])).map((m) => `${file}: ${m[0]}`);
    });

    // Assess
    expect(offenders).toEqual([]);
  });
});

describe('the HTML report of a large fleet', () => {
  it('renders 200 clusters and 20,000 findings quickly, every cluster in its own collapsed section', () => {
    // Prepare
    const model = largeModel(200, 100);
    const findings = model.clusters.reduce((n, c) => n + c.findingGroups.reduce((m, g) => m + g.issues.reduce((k, i) => k + i.findings.length, 0), 0), 0);
    expect(findings).toBe(20_000);

    // Act
    const started = performance.now();
    const html = renderHtml(model);
    const elapsed = performance.now() - started;

    // Assess: about 0.35 s on one core; the bound leaves room for slow CI machines and coverage.
    expect(elapsed).toBeLessThan(5_000);
    expect(html.split('<details class="cluster-body">').length - 1).toBe(200);
    expect(html.split('<li class="finding ').length - 1).toBe(20_000);
    const sections = [...html.matchAll(/<section class="cluster" id="([^"]+)"/g)].map((m) => m[1]);
    expect(sections).toEqual(model.clusters.map((c) => c.anchor));
  });
});

describe('the HTML report in Chromium', { tags: ['chromium'] }, () => {
  let browser: Browser;
  let dir: string;
  const launchArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: requireCommand('chromium'), headless: true, args: launchArgs });
    dir = mkdtempSync(join(tmpdir(), 'kubeseg-html-'));
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  interface OpenedReport {
    readonly page: Page;
    readonly url: string;
    /** Every request the page made (the document itself included) and every one that failed. */
    readonly requests: string[];
    /** Console errors and uncaught page errors. */
    readonly errors: string[];
    readonly dialogs: string[];
  }

  /** Writes the HTML to a file and opens it in a fresh context that lets no request leave the file. */
  async function open(name: string, html: string, options: BrowserContextOptions = {}): Promise<OpenedReport> {
    const file = join(dir, name);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    const requests: string[] = [];
    const errors: string[] = [];
    const dialogs: string[] = [];
    await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
    const page = await context.newPage();
    page.on('request', (r) => requests.push(r.url()));
    page.on('requestfailed', (r) => requests.push(`failed: ${r.url()}`));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
    await page.goto(url, { waitUntil: 'load' });
    return { page, url, requests, errors, dialogs };
  }

  it('loads from a file without a request beyond the file itself, and without console or page errors', async () => {
    // Act
    const { page, url, requests, errors } = await open('demo.html', demoHtml);

    // Assess
    expect(requests).toEqual([url]);
    expect(errors).toEqual([]);
    expect(await page.title()).toContain(demo.title);
    await page.context().close();
  });

  it('shows the heat map with a row per cluster and a cell per technique, and the top risks in plain words', async () => {
    // Prepare
    const { page } = await open('heat.html', demoHtml);

    // Act
    const rows = page.locator('#heat-map tbody tr');
    const risks = page.locator('#top-risks li.risk');

    // Assess
    expect(await page.locator('#heat-map').isVisible()).toBe(true);
    expect(await rows.count()).toBe(demo.clusters.length);
    expect(await rows.first().locator('td').count()).toBe(demo.heatMap.techniques.length);
    expect(await page.locator('#heat-map tbody th a').first().getAttribute('href')).toBe(`#${demo.heatMap.rows[0]!.anchor}`);
    expect(await risks.count()).toBe(demo.topRisks.length);
    expect(await risks.first().textContent()).toContain(proseText(demo.topRisks[0]!.text));
    expect(await page.locator('#overview .big').first().textContent()).toBe(String(demo.fleet.score));
    await page.context().close();
  });

  it('never runs a hostile string and shows each one as text', async () => {
    // Act
    const { page, requests, url, errors, dialogs } = await open('hostile.html', hostileHtml);
    await openAllDetails(page);
    const text = await page.locator('body').textContent();

    // Assess
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    expect(requests).toEqual([url]);
    expect(await page.locator('img, script, iframe, object, embed').count()).toBe(0);
    expect(await page.locator('[onerror]').count()).toBe(0);
    for (const hostile of Object.values(HOSTILE)) expect(text).toContain(inertLine(hostile));
    await page.context().close();
  });

  it('wraps long names without spaces instead of widening the page', async () => {
    // Act
    const { page } = await open('long.html', hostileHtml, { viewport: { width: 900, height: 900 } });
    await openAllDetails(page);

    // Assess
    const widths = await page.locator('html').evaluate((html) => ({ content: html.scrollWidth, viewport: html.clientWidth }));
    expect(widths.content).toBeLessThanOrEqual(widths.viewport);
    await page.context().close();
  });

  it('works without JavaScript: a cluster opens on a click on its summary', async () => {
    // Prepare
    const { page } = await open('nojs.html', demoHtml, { javaScriptEnabled: false });
    const anchor = demo.clusters[0]!.anchor;
    const table = page.locator(`#${anchor} table.techniques`);
    expect(await table.isVisible()).toBe(false);

    // Act
    await page.locator(`#${anchor} .cluster-body > summary`).click();

    // Assess
    expect(await table.isVisible()).toBe(true);
    expect(await page.locator('#heat-map').isVisible()).toBe(true);
    await page.context().close();
  });

  it('prints everything: collapsed findings show their manifests and the contents list is left out', async () => {
    // Prepare
    const { page } = await open('print.html', demoHtml);
    const manifest = page.locator('pre.yaml').first();
    expect(await manifest.isVisible()).toBe(false);

    // Act
    await page.emulateMedia({ media: 'print' });

    // Assess
    expect(await manifest.isVisible()).toBe(true);
    expect(await page.locator('.toc').isVisible()).toBe(false);
    await page.context().close();
  });

  it('paints a non-blank page: the screenshot has many colours', async () => {
    // Prepare
    const { page } = await open('shot.html', demoHtml);

    // Act
    const png = await page.screenshot();
    const colours = await countColours(png);

    // Assess
    expect(png.byteLength).toBeGreaterThan(20_000);
    expect(colours).toBeGreaterThan(10);
    await page.context().close();
  });

  /** Distinct colours among sampled pixels of a PNG, decoded by the browser itself on a blank page. */
  async function countColours(png: Buffer): Promise<number> {
    const page = await browser.newPage();
    try {
      return await page.evaluate(`(${COUNT_COLOURS})(${JSON.stringify(`data:image/png;base64,${png.toString('base64')}`)})`);
    } finally {
      await page.close();
    }
  }
});
