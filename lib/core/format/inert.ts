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
/** Whether a block holds one: a plain test, several times faster than the replacement that finds none. */
const HAS_INVISIBLE_IN_BLOCK = /[^\n\t\P{Cc}]|[\p{Cf}\p{Zl}\p{Zp}]/u;

function visible(ch: string): string {
  return `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`;
}

/** One line of text with every invisible, reordering or control character (line breaks included) shown as `<U+XXXX>`. */
export function inertLine(text: string): string {
  return hasInvisible(text) ? text.replace(INVISIBLE, visible) : text;
}

/** A block of text (YAML, a message over lines): as {@link inertLine}, but line feeds and tabs stay. */
export function inertBlock(text: string): string {
  return HAS_INVISIBLE_IN_BLOCK.test(text) ? text.replace(INVISIBLE_IN_BLOCK, visible) : text;
}

/** Whether the text holds a character that {@link inertLine} would change. */
export function hasInvisible(text: string): boolean {
  INVISIBLE.lastIndex = 0;
  return INVISIBLE.test(text);
}

/**
 * A plain value (objects, arrays, strings, numbers) with every string made inert: by {@link inertBlock}
 * under a key in `blockKeys` (multi-line text such as YAML), else by {@link inertLine}. Parts without
 * such a character are returned as they are, not copied: most of a report has none.
 */
export function inertStrings<T>(value: T, blockKeys: ReadonlySet<string> = NO_KEYS, block = false): T {
  if (typeof value === 'string') return (block ? inertBlock(value) : inertLine(value)) as T;
  if (Array.isArray(value)) {
    const mapped = value.map((v) => inertStrings(v, blockKeys, block));
    return (mapped.some((v, i) => v !== value[i]) ? mapped : value) as T;
  }
  if (value !== null && typeof value === 'object') {
    let copy: Record<string, unknown> | undefined;
    for (const [key, v] of Object.entries(value)) {
      const inert = inertStrings(v, blockKeys, blockKeys.has(key));
      if (inert !== v) (copy ??= { ...(value as Record<string, unknown>) })[key] = inert;
    }
    return (copy ?? value) as T;
  }
  return value;
}

const NO_KEYS: ReadonlySet<string> = new Set();
