/**
 * The plain-text parts of the emails.
 *
 * The shared Handlebars instance (templates.ts) HTML-escapes every value, which is right for HTML and
 * wrong for text: a cluster named `R&D` would arrive as `R&amp;D`. So the `.txt.hbs` templates are
 * compiled by a second, module-local instance with escaping off. Plain text has no markup to inject;
 * its danger is layout (a CR/LF forging a line, a bidi override reordering one), which renderEmail
 * removes from the view before either part is rendered.
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { ASSET_ROOT } from '../assetRoot.js';

const TEMPLATE_DIR = new URL('templates/', ASSET_ROOT);

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

function readTemplate(path: string): string {
  return readFileSync(new URL(path, TEMPLATE_DIR), 'utf8');
}
