/**
 * The HTML posture report: one self-contained document (inline CSS and SVG, no script, no request),
 * readable offline, printable, and usable at hundreds of clusters thanks to <details> sections.
 * It formats the ReportModel and decides nothing; cluster strings only ever reach it escaped.
 */
import { createHash } from 'node:crypto';
import { inertStrings } from '../../core/format/inert.js';
import type { ReportModel } from '../../core/report/reportModel.js';
import { scoreMeter, trendChart } from './htmlCharts.js';
import { partial, template, type SafeMarkup, type Template } from './templates.js';

/** The partials the page template uses, by name (prefixed: the Handlebars instance is shared with other renderers). */
const PARTIALS = {
  htmlNav: 'report/nav.hbs',
  htmlOverview: 'report/overview.hbs',
  htmlHeatMap: 'report/heatMap.hbs',
  htmlTopRisks: 'report/topRisks.hbs',
  htmlChanges: 'report/changes.hbs',
  htmlChangedFindings: 'report/changedFindings.hbs',
  htmlFindingGroup: 'report/findingGroup.hbs',
  htmlAppendix: 'report/appendix.hbs',
} as const;

/** What report/pageStart.hbs and pageEnd.hbs read: the model plus what the renderer built itself. */
interface HtmlView {
  readonly model: ReportModel;
  readonly styles: SafeMarkup;
  readonly contentSecurityPolicy: string;
  readonly generated: string;
  readonly charts: { readonly meter: SafeMarkup; readonly trend: SafeMarkup | null };
}

interface Page {
  readonly start: Template<HtmlView>;
  readonly cluster: Template<ReportModel['clusters'][number]>;
  readonly end: Template<HtmlView>;
  readonly styles: SafeMarkup;
  readonly contentSecurityPolicy: string;
}

let page: Page | undefined;

/** Model fields that hold multi-line text: inert, but with their line breaks. */
const BLOCK_FIELDS: ReadonlySet<string> = new Set(['yaml']);

export function renderHtml(input: ReportModel): string {
  return [...htmlParts(input)].join('');
}

/**
 * The same document in pieces: the page up to the clusters, one piece per cluster, then the rest.
 * A large fleet's page (tens of MB) is then stored piece by piece, never built as one string.
 */
export function* htmlParts(input: ReportModel): Generator<string> {
  const { start, cluster, end, styles, contentSecurityPolicy } = (page ??= loadPage());
  // Escaping stops markup; this stops a bidi control or zero-width character from changing what a name reads as.
  const model = inertStrings(input, BLOCK_FIELDS);
  const { fleet } = model;
  const view: HtmlView = {
    model,
    styles,
    contentSecurityPolicy,
    generated: formatTimestamp(model.generatedAt),
    charts: { meter: scoreMeter(fleet.score, fleet.band, fleet.whatIfScore), trend: trendChart(fleet.trend) },
  };
  yield start(view);
  for (const section of model.clusters) yield cluster(section);
  yield end(view);
}

/** Compiles the templates and the stylesheet once per process. */
function loadPage(): Page {
  for (const [name, path] of Object.entries(PARTIALS)) partial(name, path);
  const css = template<Record<string, never>>('report/styles.css')({});
  return {
    start: template('report/pageStart.hbs'), cluster: template('report/cluster.hbs'), end: template('report/pageEnd.hbs'),
    styles: { markup: css }, contentSecurityPolicy: policyFor(css),
  };
}

/**
 * Defence in depth: even if a cluster string escaped the escaping, the browser would load nothing and run
 * nothing. Only our own stylesheet (pinned by its hash) may apply; style attributes are refused too.
 */
function policyFor(css: string): string {
  const hash = createHash('sha256').update(css, 'utf8').digest('base64');
  return `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'`;
}

/** `2026-11-26T06:00:00.000Z` → `2026-11-26 06:00 UTC`; anything else is shown as given. */
function formatTimestamp(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}
