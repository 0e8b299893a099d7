/**
 * Handlebars templates from `templates/`, compiled once per process. Every `{{value}}` is escaped;
 * triple-stash (`{{{…}}}`) is allowed only on values the renderers build themselves from numbers
 * and escaped text (see `SafeMarkup`), never on cluster data: test/render/html.test.ts checks it.
 * `{{prose x}}` prints model prose with its code spans as `<code>`, every span escaped.
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { inertLine } from '../../core/format/inert.js';
import type { Grade, Prose } from '../../core/report/reportModel.js';
import { deltaText, percentText, scoreText } from './formatText.js';
import { ASSET_ROOT } from '../assetRoot.js';

const TEMPLATE_DIR = new URL('templates/', ASSET_ROOT);

export type Template<T> = (context: T) => string;

const handlebars = Handlebars.create();
registerHelpers(handlebars);
const compiled = new Map<string, Template<unknown>>();

/** A template by its path under `templates/` (e.g. `report/cluster.hbs`), compiled on first use. */
export function template<T>(path: string): Template<T> {
  let t = compiled.get(path);
  if (!t) {
    const source = readFileSync(new URL(path, TEMPLATE_DIR), 'utf8');
    // strict: a misspelt field is an error, not an empty string.
    t = handlebars.compile(source, { strict: true, preventIndent: true });
    compiled.set(path, t);
  }
  return t as Template<T>;
}

/** Registers a partial (by name) from a file under `templates/`, once. */
export function partial(name: string, path: string): void {
  if (!handlebars.partials[name]) handlebars.registerPartial(name, readFileSync(new URL(path, TEMPLATE_DIR), 'utf8'));
}

/** Markup a renderer built itself (numbers, and text passed through `escapeHtml`): the only thing triple-stash may print. */
export interface SafeMarkup {
  readonly markup: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Prose as HTML: each span made inert and escaped, code spans in `<code>`; backticks never reach the page. */
export function proseMarkup(prose: Prose): string {
  return prose.map((s) => (s.code ? `<code>${escapeHtml(inertLine(s.text))}</code>` : escapeHtml(inertLine(s.text)))).join('');
}

function registerHelpers(hb: typeof Handlebars): void {
  hb.registerHelper('prose', (prose: Prose | null | undefined) => new hb.SafeString(proseMarkup(prose ?? [])));
  // Handlebars passes its options object as the last argument: a helper called without a grade gets it as `grade`.
  hb.registerHelper('score', (score: number | null, grade?: unknown) => scoreText(score ?? null, isGrade(grade) ? grade : null));
  hb.registerHelper('percent', (share: number | null) => percentText(share ?? null));
  hb.registerHelper('delta', (delta: number | null) => deltaText(delta ?? null));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('gt', (a: number, b: number) => a > b);
  hb.registerHelper('plural', (n: number, one: string, many: string) => (n === 1 ? one : many));
}

function isGrade(value: unknown): value is Grade {
  return value === 'A' || value === 'B' || value === 'C' || value === 'D' || value === 'F';
}
