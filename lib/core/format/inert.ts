/**
 * Strings from a cluster are data. A bidi control (U+202E reverses the text after it), a zero-width
 * character (hides a difference between two names) or a terminal escape (repaints the screen) would
 * make a name say something else on screen than in the cluster. These helpers make each such
 * character visible as `<U+202E>` instead, so the reader sees that it is there and where.
 */

/** Bidi embeddings, overrides and isolates, marks, and zero-width characters (Cf), plus C0/C1 controls (Cc) and DEL. */
const INVISIBLE = /[\p{Cf}\p{Cc}\p{Zl}\p{Zp}]/gu;
/** The same, except for line feed and tab, which a multi-line block (YAML, evidence) keeps. */
const INVISIBLE_IN_BLOCK = /(?![\n\t])[\p{Cf}\p{Cc}\p{Zl}\p{Zp}]/gu;

function visible(ch: string): string {
  return `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** One line of text with every invisible, reordering or control character (line breaks included) shown as `<U+XXXX>`. */
export function inertLine(text: string): string {
  return text.replace(INVISIBLE, visible);
}

/** A block of text (YAML, a message over lines): as {@link inertLine}, but line feeds and tabs stay. */
export function inertBlock(text: string): string {
  return text.replace(INVISIBLE_IN_BLOCK, visible);
}

/** Whether the text holds a character that {@link inertLine} would change. */
export function hasInvisible(text: string): boolean {
  INVISIBLE.lastIndex = 0;
  return INVISIBLE.test(text);
}
