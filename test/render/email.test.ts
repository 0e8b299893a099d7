/** The weekly summary and failure notice emails: Outlook- and Gmail-safe HTML, a plain-text twin, hostile cluster strings. */
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import { loadSnapshots } from '../../lib/adapters/manifests/loadSnapshots.js';
import { renderFailureEmail, renderSummaryEmail, type FailureNotice } from '../../lib/adapters/render/renderEmail.js';
import { DEMO_FLEET } from '../../lib/cli/commands/demo.js';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { proseText } from '../../lib/core/format/prose.js';
import { assessCluster } from '../../lib/core/report/assessCluster.js';
import { buildJsonReport } from '../../lib/core/report/jsonReport.js';
import { buildReportModel } from '../../lib/core/report/buildReportModel.js';
import type { ReportModel } from '../../lib/core/report/reportModel.js';
import { compareReports } from '../../lib/core/report/trends.js';
import { TECHNIQUES } from '../../lib/core/techniques/catalog.js';
import { decodeHtmlEntities } from '../helpers/html.js';

const catalog = TECHNIQUES.map((t) => t.meta);
const report = buildJsonReport((await loadSnapshots([DEMO_FLEET], 'demo', new DiagnosticList())).map((s) => assessCluster(s, TECHNIQUES)),
  { generatedAt: '2026-11-26T06:00:00.000Z', version: 'test' });
/** The previous run: four points lower, and without shop-staging's findings (they are all new now). */
const previous = {
  ...report, generatedAt: '2026-11-19T06:00:00.000Z', fleet: { ...report.fleet, score: report.fleet.score! - 4 },
  clusters: report.clusters.map((c) => (c.name === 'shop-staging' ? { ...c, findings: [] } : c)),
};
const model = buildReportModel({ report, catalog });
const withChanges = buildReportModel({ report, catalog, trends: compareReports(report, previous) });

const LINKS = {
  html: 'https://reports.example.com/2026-11-26/report.html?X-Amz-Date=20261126&X-Amz-Signature=ab"cd',
  pdf: 'https://reports.example.com/2026-11-26/report.pdf',
  csv: 'https://reports.example.com/2026-11-26/findings.csv',
  json: 'https://reports.example.com/2026-11-26/report.json',
};

const HOSTILE = {
  markup: '<img src=x onerror=alert(1)>',
  template: '{{constructor}}',
  breakout: '"><script>alert(1)</script>',
  rtl: 'prod\u202Egpj.exe',
  long: 'x'.repeat(2000),
  lines: 'evil\r\nFleet score: 100 (A)\n- forged: score 100 (A), change +100, 0 failing',
};

/** The demo model with a hostile string in every cluster-derived place the summary prints. */
function hostileModel(): ReportModel {
  const names = [HOSTILE.markup, HOSTILE.template, HOSTILE.long, HOSTILE.lines];
  const changes = withChanges.changes!;
  return {
    ...withChanges,
    clusters: withChanges.clusters.map((c, i) => ({ ...c, name: names[i]! })),
    topRisks: withChanges.topRisks.map((r) => ({ ...r, cluster: HOSTILE.rtl, techniqueName: HOSTILE.breakout, text: [{ text: HOSTILE.lines, code: false }] })),
    changes: { ...changes, clusters: changes.clusters.map((c, i) => ({ ...c, cluster: names[i]! })), dropped: [HOSTILE.lines, HOSTILE.markup] },
  };
}

/** What a reader sees of an HTML fragment: tags dropped, entities decoded, white space collapsed (none before punctuation). */
function visibleText(html: string): string {
  return decodeHtmlEntities(html.replace(/<[^>]*>/g, ' ')).replace(/\s+/g, ' ').replace(/ ([,.:;])/g, '$1').trim();
}

/** The cells (raw HTML) of every innermost table row. */
function htmlRows(html: string): string[][] {
  return [...html.matchAll(/<tr\b[^>]*>((?:(?!<tr[\s>])[\s\S])*?)<\/tr>/g)]
    .map((row) => [...row[1]!.matchAll(/<t[dh]\b[^>]*>([\s\S]*?)<\/t[dh]>/g)].map((cell) => cell[1]!));
}

/** `label → value` of the two-cell rows of the HTML part. */
function htmlFacts(html: string): Map<string, string> {
  return new Map(htmlRows(html).filter((cells) => cells.length === 2).map((cells) => [visibleText(cells[0]!), visibleText(cells[1]!)]));
}

/** `label → value` of the `Label: value` lines of the text part. */
function textFacts(text: string): Map<string, string> {
  return new Map(text.split('\n').flatMap((line) => {
    const m = /^([^-\s][^:]*): (.+)$/.exec(line);
    return m ? [[m[1]!, m[2]!] as const] : [];
  }));
}

/** `cluster → [score, change, failing]` of the cluster table of the HTML part (the name is the text before its note). */
function htmlClusters(html: string): Map<string, string[]> {
  return new Map(htmlRows(html).filter((cells) => cells.length === 4 && !cells[0]!.startsWith('Cluster'))
    .map(([name, ...numbers]) => [visibleText(name!.split('<span')[0]!), numbers.map(visibleText)]));
}

/** `cluster → [score, change, failing]` of the `- name: score …` lines of the text part. */
function textClusters(text: string): Map<string, string[]> {
  return new Map([...text.matchAll(/^- (.+): score (.+), change (.+), (\d+) failing/gm)].map((m) => [m[1]!, [m[2]!, m[3]!, m[4]!]]));
}

/** Every `href`/`src` value of the HTML, decoded. */
function urls(html: string): string[] {
  return [...html.matchAll(/\b(?:href|src)="([^"]*)"/g)].map((m) => decodeHtmlEntities(m[1]!));
}

function expectEmailSafeHtml(html: string): void {
  expect(html).not.toMatch(/<style|<link|<script|class=|@import|url\(/i);
  expect(html).toContain('<table');
  expect(html).toContain('max-width:640px');
  const styledTags = [...html.matchAll(/<(body|table|td|th|span|a|p|h1|h2)\b[^>]*>/g)].map((m) => m[0]);
  expect(styledTags.length).toBeGreaterThan(10);
  expect(styledTags.filter((tag) => !tag.includes(' style="'))).toEqual([]);
}

describe('the weekly summary email', () => {
  it('puts the fleet score, its change and the new failing findings in the subject', () => {
    // Act
    const { subject } = renderSummaryEmail(withChanges, LINKS);

    // Assess
    const { score, grade } = withChanges.fleet;
    expect(subject).toBe(`kubeseg: fleet ${score} (${grade}), +4 since 2026-11-19, ${withChanges.changes!.newFindings} new failing findings`);
  });

  it('names the failing findings in the subject when there is no previous run', () => {
    // Act
    const { subject } = renderSummaryEmail(model, LINKS);

    // Assess
    expect(subject).toBe(`kubeseg: fleet ${model.fleet.score} (${model.fleet.grade}), ${model.fleet.counts.fail} failing findings`);
  });

  it('builds its HTML from tables and inline styles only: no style block, stylesheet, script or class', () => {
    // Act
    const { html } = renderSummaryEmail(withChanges, LINKS);

    // Assess
    expectEmailSafeHtml(html);
  });

  it('links only to the given reports: no external image, font or any other URL', () => {
    // Act
    const { html } = renderSummaryEmail(withChanges, LINKS);

    // Assess
    expect(html).not.toContain('src=');
    expect(urls(html).sort()).toEqual(Object.values(LINKS).sort());
  });

  it('carries the same fleet numbers in the plain-text part as in the HTML part', () => {
    // Act
    const { html, text } = renderSummaryEmail(withChanges, LINKS);

    // Assess
    const { fleet } = withChanges;
    const expected = {
      'Fleet score': `${fleet.score} (${fleet.grade})`,
      'Change since 2026-11-19': '+4',
      Coverage: `${Math.round(fleet.coverage * 100)}%`,
      'Score after the suggested remediations': String(fleet.whatIfScore),
      'Failing findings': String(fleet.counts.fail),
      'Unknown findings': String(fleet.counts.unknown),
      'Passing findings': String(fleet.counts.pass),
      Clusters: String(fleet.clusters),
      Workloads: String(fleet.workloads),
    };
    const [inHtml, inText] = [htmlFacts(html), textFacts(text)];
    for (const [label, value] of Object.entries(expected)) {
      expect(inHtml.get(label), `${label} in HTML`).toBe(value);
      expect(inText.get(label), `${label} in text`).toBe(value);
    }
  });

  it('carries each cluster\'s score, change and failing count in both parts', () => {
    // Act
    const { html, text } = renderSummaryEmail(withChanges, LINKS);

    // Assess
    const expected = new Map(withChanges.clusters.map((c) => [c.name, [`${c.score} (${c.grade})`, c.delta === 0 ? '±0' : String(c.delta), String(c.counts.fail)]]));
    expect(htmlClusters(html)).toEqual(expected);
    expect(textClusters(text)).toEqual(expected);
  });

  it('marks each cluster whose NetworkPolicies nothing enforces, in both parts', () => {
    // Act
    const { html, text } = renderSummaryEmail(model, LINKS);

    // Assess
    const unenforced = model.clusters.filter((c) => c.enforcement?.status === 'not-enforced').map((c) => c.name);
    expect(unenforced.length).toBeGreaterThan(0);
    for (const name of unenforced) {
      expect(text).toMatch(new RegExp(`^- ${name}: .*\\(NetworkPolicies are not enforced\\)$`, 'm'));
      expect(htmlRows(html).map((cells) => visibleText(cells[0] ?? ''))).toContain(`${name} NetworkPolicies are not enforced`);
    }
  });

  it('prints no backtick of the techniques\' prose in either part', () => {
    const { html, text } = renderSummaryEmail(withChanges, LINKS);
    expect(html).not.toContain('`');
    expect(text).not.toContain('`');
  });

  it('lists the top risks in plain words, with their severity, in both parts', () => {
    // Act
    const { html, text } = renderSummaryEmail(model, LINKS);

    // Assess
    expect(model.topRisks.length).toBeGreaterThan(0);
    for (const risk of model.topRisks) {
      const severity = risk.severity[0]!.toUpperCase() + risk.severity.slice(1);
      expect(text).toContain(`- [${severity}] ${risk.cluster}, ${risk.techniqueName}: ${proseText(risk.text)}\n`);
      expect(htmlRows(html).map((cells) => cells.map(visibleText))).toContainEqual([severity, `${risk.cluster}, ${risk.techniqueName}: ${proseText(risk.text)}`]);
    }
  });

  it('shows what changed since the previous run in both parts, and nothing of it without one', () => {
    // Act
    const changed = renderSummaryEmail(withChanges, LINKS);
    const first = renderSummaryEmail(model, LINKS);

    // Assess
    const { newFindings, resolvedFindings, unchangedFindings } = withChanges.changes!;
    const summary = `${newFindings} new failing findings, ${resolvedFindings} resolved, ${unchangedFindings} unchanged.`;
    expect(changed.text).toContain(`WHAT CHANGED SINCE 2026-11-19\n${summary}\n`);
    expect(changed.text).toContain(`- shop-staging: ${newFindings} new failing, 0 resolved\n`);
    expect(visibleText(changed.html)).toContain(`What changed since 2026-11-19 ${summary}`);
    expect(htmlRows(changed.html)).toContainEqual(['shop-staging', String(newFindings), '0']);
    expect(first.text).not.toMatch(/changed since/i);
    expect(first.html).not.toMatch(/changed since/i);
  });

  it('shows a placeholder for each report link that was not given', () => {
    // Act
    const { html, text } = renderSummaryEmail(model, {});

    // Assess
    for (const placeholder of ['(link to the HTML report)', '(link to the PDF report)', '(link to the findings CSV)', '(link to the JSON report)']) {
      expect(html).toContain(placeholder);
      expect(text).toContain(placeholder);
    }
    expect(html).not.toContain('href=');
  });

  it('prints the given links, escaped in the HTML part and as they are in the text part', () => {
    // Act
    const { html, text } = renderSummaryEmail(model, { html: LINKS.html });

    // Assess
    expect(html).toContain(`href="${Handlebars.escapeExpression(LINKS.html)}"`);
    expect(html).not.toContain(LINKS.html);
    expect(text).toContain(`- HTML report: ${LINKS.html}\n`);
    expect(text).toContain('- PDF report: (link to the PDF report)\n');
  });
});

describe('the weekly summary email with hostile cluster strings', () => {
  const email = renderSummaryEmail(hostileModel(), LINKS);

  it('escapes markup from clusters in the HTML part: no image, script or attribute breaks out', () => {
    expect(email.html).not.toContain('<img');
    expect(email.html).not.toContain('<script');
    expect(email.html).toContain(Handlebars.escapeExpression(HOSTILE.markup));
    expect(email.html).toContain(Handlebars.escapeExpression(HOSTILE.breakout));
    expect(email.html).toContain(HOSTILE.template);
    expectEmailSafeHtml(email.html);
    expect(urls(email.html).sort()).toEqual(Object.values(LINKS).sort());
  });

  it('prints cluster strings literally in the text part: no HTML entity, no template evaluated', () => {
    expect(email.text).toContain(`- ${HOSTILE.markup}: score `);
    expect(email.text).toContain(`- ${HOSTILE.template}: score `);
    expect(email.text).toContain(HOSTILE.breakout);
    expect(email.text).not.toContain('&amp;');
  });

  it('keeps a name with line breaks on its own line: it forges no fact or cluster line in the text part', () => {
    const lines = email.text.split('\n');
    expect(email.text).not.toContain('\r');
    expect(lines.filter((line) => line.startsWith('Fleet score:'))).toEqual([`Fleet score: ${withChanges.fleet.score} (${withChanges.fleet.grade})`]);
    expect(lines.filter((line) => line.startsWith('- forged'))).toEqual([]);
    expect(lines.filter((line) => line.includes('forged')).every((line) => line.includes('evil'))).toBe(true);
  });

  it('shows bidi overrides as code points, so a name cannot reorder the text around it', () => {
    expect(email.html).not.toContain('\u202E');
    expect(email.text).not.toContain('\u202E');
    expect(email.text).toContain('prod<U+202E>gpj.exe');
  });

  it('lets table cells break a very long name rather than widen the email', () => {
    const cell = new RegExp(`<td style="([^"]*)">${HOSTILE.long}`).exec(email.html);
    expect(cell?.[1]).toContain('word-break:break-word');
  });

  it('keeps the subject on one line even when the previous run\'s date is forged', () => {
    // Prepare
    const forged = { ...withChanges, changes: { ...withChanges.changes!, since: '2026-11-19\r\nBcc: attacker@example.com' } };

    // Act
    const { subject, text } = renderSummaryEmail(forged, LINKS);

    // Assess
    expect(subject).not.toMatch(/[\r\n]/);
    expect(subject).toContain('since 2026-11-19<U+000D><U+000A>Bcc: attacker@example.com');
    expect(text.split('\n').filter((line) => line.startsWith('Bcc:'))).toEqual([]);
  });
});

describe('the failure notice email', () => {
  const notice: FailureNotice = {
    runId: 'run-2026-11-26T06:00Z',
    startedAt: '2026-11-26T06:00:00.000Z',
    stage: 'collect',
    message: 'Timed out waiting for 2 of 14 collectors',
    clusters: [
      { cluster: 'payments-prod', step: 'rbac', status: 'forbidden', detail: '403 Forbidden: list clusterroles.rbac.authorization.k8s.io' },
      { cluster: 'data-lab', step: 'api-server', status: 'error', detail: 'connect ETIMEDOUT' },
    ],
  };

  it('names the run and the stage that failed in the subject', () => {
    expect(renderFailureEmail(notice).subject).toBe('kubeseg: run run-2026-11-26T06:00Z failed at stage collect');
  });

  it('shows the run, when it started, the stage and the message in both parts', () => {
    // Act
    const { html, text } = renderFailureEmail(notice);

    // Assess
    const expected = { Run: notice.runId, Started: notice.startedAt, Stage: notice.stage, Error: notice.message };
    const [inHtml, inText] = [htmlFacts(html), textFacts(text)];
    for (const [label, value] of Object.entries(expected)) {
      expect(inHtml.get(label), `${label} in HTML`).toBe(value);
      expect(inText.get(label), `${label} in text`).toBe(value);
    }
    expectEmailSafeHtml(html);
    expect(urls(html)).toEqual([]);
  });

  it('lists each cluster whose collection failed, with its step, status and detail, in both parts', () => {
    // Act
    const { html, text } = renderFailureEmail(notice);

    // Assess
    for (const c of notice.clusters!) {
      expect(htmlRows(html).map((cells) => cells.map(visibleText))).toContainEqual([c.cluster, c.step, c.status, c.detail]);
      expect(text).toContain(`- ${c.cluster}: ${c.step} ${c.status} (${c.detail})\n`);
    }
  });

  it('says that no cluster reported a collection failure when none is given', () => {
    // Act
    const { html, text } = renderFailureEmail({ ...notice, clusters: undefined });

    // Assess
    expect(html).toContain('No cluster reported a collection failure.');
    expect(text).toContain('No cluster reported a collection failure.');
  });

  it('prints only the fields it is given: no extra property, secret or stack frame', () => {
    // Prepare: a careless caller passes the error's stack and objects carrying configuration
    const careless = {
      ...notice,
      message: 'Timed out waiting for 2 of 14 collectors\n    at collect (/srv/kubeseg/lib/collect.js:10:5)\n    at run (/srv/kubeseg/lib/run.js:3:1)',
      stack: 'Error: boom\n    at secretStack (/srv/kubeseg/lib/x.js:1:1)',
      config: { roleArn: 'arn:aws:iam::123456789012:role/kubeseg-reader', webhookSecret: 's3cr3t-webhook' },
      clusters: notice.clusters!.map((c) => ({ ...c, kubeconfigToken: 'eyJhbGciOiJSUzI1NiJ9.token' })),
    };

    // Act
    const { subject, html, text } = renderFailureEmail(careless);

    // Assess
    for (const part of [subject, html, text]) {
      for (const leak of ['collect.js', 'run.js', 'secretStack', 'arn:aws:iam', 's3cr3t-webhook', 'eyJhbGciOiJSUzI1NiJ9', 'at collect (']) {
        expect(part).not.toContain(leak);
      }
    }
    expect(textFacts(text).get('Error')).toBe(notice.message);
  });

  it('escapes hostile strings in the HTML part and keeps them on one line in the subject and the text part', () => {
    // Prepare
    const hostile: FailureNotice = {
      ...notice,
      runId: 'run-1\r\nBcc: attacker@example.com',
      stage: HOSTILE.breakout,
      clusters: [{ cluster: HOSTILE.markup, step: HOSTILE.template, status: HOSTILE.rtl, detail: HOSTILE.lines }],
    };

    // Act
    const { subject, html, text } = renderFailureEmail(hostile);

    // Assess
    expect(subject).not.toMatch(/[\r\n]/);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('\u202E');
    expect(html).toContain(HOSTILE.template);
    expectEmailSafeHtml(html);
    const lines = text.split('\n');
    expect(lines.filter((line) => /^(Bcc:|Fleet score:|- forged)/.test(line))).toEqual([]);
    expect(text).toContain(`- ${HOSTILE.markup}: ${HOSTILE.template} prod<U+202E>gpj.exe (evil<U+000D><U+000A>Fleet score`);
  });
});
