/**
 * The plain-text parts of the emails, and the one-line rule every email string follows.
 *
 * The shared Handlebars instance (templates.ts) HTML-escapes every value, which is right for HTML and
 * wrong for text: a cluster named `R&D` would arrive as `R&amp;D`. So the `.txt.hbs` templates are
 * compiled by a second, module-local instance with escaping off. Plain text has no markup to inject;
 * its danger is layout: a CR/LF in a cluster name could start a forged line (or a forged header in a
 * subject), and a bidi override could reorder one. `singleLineStrings` removes both from a view before
 * either part is rendered, so the HTML and the text parts show the same strings.
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';

/** `templates/` at the repository root (this file is lib/adapters/render/emailText.ts). */
const TEMPLATE_DIR = new URL('../../../templates/', import.meta.url);

const handlebars = Handlebars.create();
handlebars.registerPartial('layout', readTemplate('email/layout.txt.hbs'));
handlebars.registerPartial('facts', readTemplate('email/facts.txt.hbs'));
const compiled = new Map<string, Handlebars.TemplateDelegate>();

/** A plain-text template by its path under `templates/`, compiled on first use; values are printed as they are. */
export function textTemplate<T>(path: string): (context: T) => string {
  let t = compiled.get(path);
  if (!t) {
    // strict: a misspelt field is an error, not an empty string.
    t = handlebars.compile(readTemplate(path), { strict: true, noEscape: true });
    compiled.set(path, t);
  }
  return t;
}

/** Control characters (CR, LF, tab, NEL…), line and paragraph separators, and bidi overrides and isolates. */
const LINE_BREAKERS = /[\p{Cc}\p{Zl}\p{Zp}\p{Bidi_Control}]/gu;

/** The text on one line, each character that could break or reorder it replaced by a space. */
export function singleLine(text: string): string {
  return text.replace(LINE_BREAKERS, ' ');
}

/** A copy of a view (plain objects, arrays, strings, numbers) with every string passed through `singleLine`. */
export function singleLineStrings<T>(value: T): T {
  if (typeof value === 'string') return singleLine(value) as T;
  if (Array.isArray(value)) return value.map(singleLineStrings) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, singleLineStrings(v)])) as T;
  }
  return value;
}

function readTemplate(path: string): string {
  return readFileSync(new URL(path, TEMPLATE_DIR), 'utf8');
}
