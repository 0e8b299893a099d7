/**
 * Prose from the techniques marks code with backticks (`` `except` ``, `` `automountServiceAccountToken: false` ``).
 * Reports show such a span as code and never print its backticks. The same text also carries strings
 * from the cluster, and a backtick inside one of those must not open a span that swallows the text
 * after it. So a backtick counts as a delimiter only when it is not inside a known cluster string
 * (the finding's resource and cluster names) and sits at a word boundary: an opening one after a
 * space or the start, a closing one before a space, punctuation or the end. Kubernetes names cannot
 * hold a backtick or a space, so a cluster string that passes both tests is a hand-made input that
 * at worst shows one of its own words as code, still as text.
 */

export interface ProseSpan {
  readonly text: string;
  /** Shown as code (monospace), without the backticks that marked it. */
  readonly code: boolean;
}

export type Prose = readonly ProseSpan[];

const OPENS_AFTER = /[\s(]/;
const CLOSES_BEFORE = /[\s.,;:)!?]/;
/** Long enough for a quoted kubectl command with two long names. */
const LONGEST_SPAN = 240;

/** The text cut into plain and code spans; `data` are the cluster strings it may contain. */
export function proseSpans(text: string, data: readonly string[] = []): ProseSpan[] {
  const delimiters = delimiterCandidates(text, data);
  const spans: ProseSpan[] = [];
  let plainStart = 0;
  for (let i = 0; i < delimiters.length - 1; i++) {
    const open = delimiters[i]!;
    const close = delimiters[i + 1]!;
    if (!opens(text, open) || !closes(text, close, open)) continue;
    if (open > plainStart) spans.push({ text: text.slice(plainStart, open), code: false });
    spans.push({ text: text.slice(open + 1, close), code: true });
    plainStart = close + 1;
    i++;
  }
  if (plainStart < text.length || spans.length === 0) spans.push({ text: text.slice(plainStart), code: false });
  return spans;
}

/** The text of prose without its code marks: what plain-text outputs print. */
export function proseText(prose: Prose): string {
  return prose.length === 1 ? prose[0]!.text : prose.map((s) => s.text).join('');
}

/** Positions of backticks outside the cluster strings. */
function delimiterCandidates(text: string, data: readonly string[]): number[] {
  if (!text.includes('`')) return [];
  const opaque: [number, number][] = [];
  for (const d of data) {
    if (!d.includes('`')) continue;
    for (let at = text.indexOf(d); at >= 0; at = text.indexOf(d, at + d.length)) opaque.push([at, at + d.length]);
  }
  const positions: number[] = [];
  for (let at = text.indexOf('`'); at >= 0; at = text.indexOf('`', at + 1)) {
    if (!opaque.some(([from, to]) => at >= from && at < to)) positions.push(at);
  }
  return positions;
}

function opens(text: string, at: number): boolean {
  const next = text.charAt(at + 1);
  return (at === 0 || OPENS_AFTER.test(text.charAt(at - 1))) && next !== '' && next !== '`' && !/\s/.test(next);
}

function closes(text: string, at: number, open: number): boolean {
  const inner = text.slice(open + 1, at);
  return inner.length > 0 && inner.length <= LONGEST_SPAN && !/[\s]$/.test(inner) && !/[\n\r]/.test(inner)
    && (at === text.length - 1 || CLOSES_BEFORE.test(text.charAt(at + 1)));
}
