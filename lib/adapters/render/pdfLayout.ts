/**
 * Page flow for the PDF report: where the content area is, when to start a new page, and text
 * blocks that stay inside the page whatever a cluster put in its strings.
 */
import type { Prose } from '../../core/report/reportModel.js';
import { applyStyle, COLOUR, TEXT, type TextStyle } from './pdfStyle.js';

type Doc = PDFKit.PDFDocument;

export function leftEdge(doc: Doc): number {
  return doc.page.margins.left;
}

export function contentWidth(doc: Doc): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}

export function bottomEdge(doc: Doc): number {
  return doc.page.height - doc.page.margins.bottom;
}

export function contentHeight(doc: Doc): number {
  return bottomEdge(doc) - doc.page.margins.top;
}

/** The index (0-based) of the page being written; pages are buffered, so this is the last one. */
export function currentPageIndex(doc: Doc): number {
  const { start, count } = doc.bufferedPageRange();
  return start + count - 1;
}

/** Starts a new page unless `height` more points fit on this one. */
export function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > bottomEdge(doc)) doc.addPage();
}

export function lineHeight(doc: Doc, style: TextStyle): number {
  applyStyle(doc, style);
  return doc.currentLineHeight(true) + style.lineGap;
}

/**
 * Longest texts handed to pdfkit, in UTF-16 units. pdfkit splits a word wider than its line
 * character by character in quadratic time (10,000 unbroken characters take seconds), so a hostile
 * string is cut first; real texts stay far below these.
 */
export const MAX_CHARS = { paragraph: 4000, perLine: 200, cell: 600, codeLine: 500 } as const;

/** Text from the left margin (plus `indent`) at the current position, flowing onto new pages when long. */
export function paragraph(doc: Doc, text: string, style: TextStyle = TEXT.body, indent = 0, gapAfter = 4): void {
  applyStyle(doc, style);
  doc.text(cut(text, MAX_CHARS.paragraph), leftEdge(doc) + indent, doc.y, { width: contentWidth(doc) - indent, lineGap: style.lineGap });
  doc.y += gapAfter;
}

/** Prose from the left margin, its code spans in the monospace font; flows onto new pages when long. */
export function proseParagraph(doc: Doc, prose: Prose, style: TextStyle = TEXT.body, gapAfter = 4): void {
  const spans = prose.filter((s) => s.text !== '');
  if (!spans.some((s) => s.code)) {
    paragraph(doc, spans.map((s) => s.text).join(''), style, 0, gapAfter);
    return;
  }
  let left = MAX_CHARS.paragraph;
  spans.forEach((span, i) => {
    const text = cut(span.text, Math.max(1, left));
    left -= text.length;
    applyStyle(doc, span.code ? { ...TEXT.code, size: style.size * 0.92 } : style);
    const options = { width: contentWidth(doc), lineGap: style.lineGap, continued: i < spans.length - 1 };
    if (i === 0) doc.text(text, leftEdge(doc), doc.y, options);
    else doc.text(text, options);
  });
  doc.y += gapAfter;
}

/** The height `proseParagraph` gives the prose, without its gap after: measured in the text font, plus a line for the wider code font. */
export function proseHeight(doc: Doc, prose: Prose, style: TextStyle = TEXT.body): number {
  const plain = paragraphHeight(doc, prose.map((s) => s.text).join(''), style);
  return prose.some((s) => s.code) ? plain + lineHeight(doc, style) : plain;
}

/** The height `paragraph` gives the text, without its gap after. */
function paragraphHeight(doc: Doc, text: string, style: TextStyle = TEXT.body, indent = 0): number {
  applyStyle(doc, style);
  return doc.heightOfString(cut(text, MAX_CHARS.paragraph), { width: contentWidth(doc) - indent, lineGap: style.lineGap });
}

/**
 * Text of at most `maxLines` lines, cut with an ellipsis: for headings and labels that carry a
 * cluster's strings, so a very long name cannot push the layout off the page. Moves `doc.y` below it.
 */
export function clampedText(doc: Doc, text: string, style: TextStyle, x: number, y: number, width: number, options: ClampOptions = {}): void {
  const maxLines = options.maxLines ?? 1;
  const height = maxLines * lineHeight(doc, style);
  doc.text(cut(text, maxLines * MAX_CHARS.perLine), x, y, { width, height: height + 0.5, ellipsis: true, lineGap: style.lineGap, align: options.align ?? 'left' });
}

/** The height `clampedText` will use: what the text needs, at least one line and at most `maxLines`. */
export function clampedHeight(doc: Doc, text: string, style: TextStyle, width: number, maxLines = 1): number {
  const perLine = lineHeight(doc, style);
  const needed = doc.heightOfString(cut(text, maxLines * MAX_CHARS.perLine), { width, lineGap: style.lineGap });
  return Math.min(Math.max(needed, perLine), perLine * maxLines);
}

export interface ClampOptions {
  readonly maxLines?: number;
  readonly align?: 'left' | 'center' | 'right';
}

/** A heading kept together with at least `keepWithNext` points of what follows it. */
export function heading(doc: Doc, text: string, style: TextStyle, keepWithNext = 60, maxLines = 3): void {
  ensureSpace(doc, lineHeight(doc, style) * maxLines + keepWithNext);
  clampedText(doc, text, style, leftEdge(doc), doc.y, contentWidth(doc), { maxLines });
  doc.y += style.size * 0.4;
}

export function rule(doc: Doc, y: number = doc.y): void {
  doc.moveTo(leftEdge(doc), y).lineTo(leftEdge(doc) + contentWidth(doc), y).lineWidth(0.5).strokeColor(COLOUR.rule).stroke();
}

const CODE_PAD = 4;

/**
 * A monospace block on a grey background that breaks across pages between lines. Lines are drawn
 * in one text call per page, which is much faster than one per line at 20,000 findings.
 */
export function codeBlock(doc: Doc, code: string, indent = 0): void {
  applyStyle(doc, TEXT.code);
  const x = leftEdge(doc) + indent;
  const width = contentWidth(doc) - indent;
  const inner = width - 2 * CODE_PAD;
  let chunk: string[] = [];
  let chunkHeight = 0;
  for (const line of code.split('\n').map((l) => cut(l, MAX_CHARS.codeLine))) {
    const height = codeLineHeight(doc, line, inner);
    if (doc.y + chunkHeight + height + 2 * CODE_PAD > bottomEdge(doc)) {
      drawCodeChunk(doc, chunk, chunkHeight, x, width);
      doc.addPage();
      applyStyle(doc, TEXT.code);
      chunk = [];
      chunkHeight = 0;
    }
    chunk.push(line);
    chunkHeight += height;
  }
  drawCodeChunk(doc, chunk, chunkHeight, x, width);
}

/** The height `codeBlock` gives the code when it fits on one page. */
export function codeBlockHeight(doc: Doc, code: string, indent = 0): number {
  applyStyle(doc, TEXT.code);
  const inner = contentWidth(doc) - indent - 2 * CODE_PAD;
  return code.split('\n').reduce((h, line) => h + codeLineHeight(doc, cut(line, MAX_CHARS.codeLine), inner), 2 * CODE_PAD);
}

function codeLineHeight(doc: Doc, line: string, width: number): number {
  // An empty line still takes a line in the block (heightOfString('') is 0).
  if (doc.widthOfString(line) <= width) return doc.currentLineHeight(true) + TEXT.code.lineGap;
  return doc.heightOfString(line, { width, lineGap: TEXT.code.lineGap });
}

function drawCodeChunk(doc: Doc, lines: readonly string[], height: number, x: number, width: number): void {
  if (lines.length === 0) return;
  const top = doc.y;
  doc.rect(x, top, width, height + 2 * CODE_PAD).fill(COLOUR.codeFill);
  applyStyle(doc, TEXT.code);
  doc.text(lines.join('\n'), x + CODE_PAD, top + CODE_PAD, { width: width - 2 * CODE_PAD, height: height + 0.5, lineGap: TEXT.code.lineGap });
  doc.y = top + height + 2 * CODE_PAD;
}

/** `text` cut to `max` UTF-16 units plus an ellipsis, never inside a surrogate pair. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = text.slice(0, /[\uD800-\uDBFF]/.test(text.charAt(max - 1)) ? max - 1 : max);
  return `${head}…`;
}
