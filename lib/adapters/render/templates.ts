/**
 * Handlebars templates from `templates/`, compiled once per process. Every `{{value}}` is escaped;
 * triple-stash (`{{{…}}}`) is allowed only on values the renderers build themselves from numbers
 * and escaped text (see `SafeMarkup`), never on cluster data: test/render/templates.test.ts checks it.
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';

/** `templates/` at the repository root (this file is lib/adapters/render/templates.ts). */
const TEMPLATE_DIR = new URL('../../../templates/', import.meta.url);

export type Template<T> = (context: T) => string;

const handlebars = Handlebars.create();
registerHelpers(handlebars);
const compiled = new Map<string, Template<unknown>>();

/** A template by its path under `templates/` (e.g. `report/report.hbs`), compiled on first use. */
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

function registerHelpers(hb: typeof Handlebars): void {
  /** `84 (B)`, or `–` without a score. */
  hb.registerHelper('score', (score: number | null, grade?: string | null) =>
    (score === null || score === undefined ? '–' : typeof grade === 'string' ? `${score} (${grade})` : String(score)));
  /** 0.734 → `73%`; null → `–`. */
  hb.registerHelper('percent', (share: number | null) => (share === null || share === undefined ? '–' : `${Math.round(share * 100)}%`));
  /** +5, −3, 0; `–` without a delta. */
  hb.registerHelper('delta', (delta: number | null) => (delta === null || delta === undefined ? '–' : delta > 0 ? `+${delta}` : delta < 0 ? `−${-delta}` : '0'));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('plural', (n: number, one: string, many: string) => (n === 1 ? one : many));
}
