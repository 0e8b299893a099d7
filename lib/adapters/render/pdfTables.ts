/**
 * Tables that break across pages: each row is measured first, and a row that does not fit starts a
 * new page with the header row repeated. A row is never split; a cell too tall for a whole page is
 * cut with an ellipsis, so a hostile string cannot push the table off the page.
 */
import { bottomEdge, contentHeight, contentWidth, cut, leftEdge, MAX_CHARS } from './pdfLayout.js';
import { applyStyle, COLOUR, TEXT, type TextStyle } from './pdfStyle.js';

type Doc = PDFKit.PDFDocument;

export interface TableColumn {
  readonly header: string;
  /** Share of the content width; the shares of a table add up to 1. */
  readonly width: number;
  readonly align?: 'left' | 'right' | 'center';
}

export interface TableCell {
  readonly text: string;
  readonly style?: TextStyle;
  readonly fill?: string;
}

export type CellInput = string | TableCell;

const PAD_X = 3;
const PAD_Y = 2.5;

export function drawTable(doc: Doc, columns: readonly TableColumn[], rows: Iterable<readonly CellInput[]>): void {
  const widths = columns.map((c) => c.width * contentWidth(doc) - 2 * PAD_X);
  const header = layoutRow(doc, columns.map((c): TableCell => ({ text: c.header, style: TEXT.cellHeader, fill: COLOUR.headerFill })), widths, Infinity);
  const maxRowHeight = contentHeight(doc) - header.height;
  if (doc.y + header.height + 2 * TEXT.cell.size > bottomEdge(doc)) doc.addPage();
  drawRow(doc, header, columns, widths);
  for (const input of rows) {
    const row = layoutRow(doc, input.map(toCell), widths, maxRowHeight);
    if (doc.y + row.height > bottomEdge(doc)) {
      doc.addPage();
      drawRow(doc, header, columns, widths);
    }
    drawRow(doc, row, columns, widths);
  }
  doc.y += 6;
}

function toCell(input: CellInput): TableCell {
  const cell = typeof input === 'string' ? { text: input } : input;
  return { ...cell, text: cut(cell.text, MAX_CHARS.cell) };
}

/** A row measured for drawing: its height, and for each cell the text width when it fits on one line. */
interface RowLayout {
  readonly cells: readonly TableCell[];
  readonly height: number;
  readonly oneLineWidths: readonly (number | null)[];
}

function layoutRow(doc: Doc, cells: readonly TableCell[], widths: readonly number[], maxHeight: number): RowLayout {
  let tallest = 0;
  const oneLineWidths = cells.map((cell, i) => {
    const style = cell.style ?? TEXT.cell;
    applyStyle(doc, style);
    const oneLine = oneLineWidth(doc, cell.text, widths[i]!);
    const height = oneLine === null ? doc.heightOfString(cell.text, { width: widths[i]!, lineGap: style.lineGap }) : doc.currentLineHeight(true) + style.lineGap;
    tallest = Math.max(tallest, height);
    return oneLine;
  });
  return { cells, height: Math.min(tallest + 2 * PAD_Y, maxHeight), oneLineWidths };
}

/** Most cells fit on one line; they skip pdfkit's line wrapper, which is most of a table's drawing time. */
function oneLineWidth(doc: Doc, text: string, width: number): number | null {
  if (text.includes('\n')) return null;
  const textWidth = doc.widthOfString(text);
  return textWidth <= width ? textWidth : null;
}

function drawRow(doc: Doc, row: RowLayout, columns: readonly TableColumn[], widths: readonly number[]): void {
  const top = doc.y;
  let x = leftEdge(doc);
  row.cells.forEach((cell, i) => {
    const width = widths[i]! + 2 * PAD_X;
    if (cell.fill) doc.rect(x, top, width, row.height).fill(cell.fill);
    if (cell.text !== '') drawCellText(doc, cell, x + PAD_X, top + PAD_Y, widths[i]!, row.height - 2 * PAD_Y, columns[i]?.align ?? 'left', row.oneLineWidths[i] ?? null);
    x += width;
  });
  doc.moveTo(leftEdge(doc), top + row.height).lineTo(x, top + row.height).lineWidth(0.4).strokeColor(COLOUR.rule).stroke();
  doc.y = top + row.height;
}

type Align = 'left' | 'right' | 'center';

function drawCellText(doc: Doc, cell: TableCell, x: number, y: number, width: number, height: number, align: Align, oneLine: number | null): void {
  const style = cell.style ?? TEXT.cell;
  applyStyle(doc, style);
  if (oneLine === null) doc.text(cell.text, x, y, { width, height: height + 0.5, ellipsis: true, lineGap: style.lineGap, align });
  else doc.text(cell.text, x + alignOffset(align, width - oneLine), y, { lineBreak: false });
}

function alignOffset(align: Align, spare: number): number {
  return align === 'right' ? spare : align === 'center' ? spare / 2 : 0;
}
