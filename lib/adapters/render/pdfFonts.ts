/**
 * The TrueType fonts of the PDF report. They are embedded (subset) in every PDF, so any reader shows
 * the same glyphs, and text outside WinAnsi (≥, ✓, Σ, non-Latin names) prints; the standard 14 PDF
 * fonts can do neither.
 */
import { readFile } from 'node:fs/promises';
import { ASSET_ROOT } from '../assetRoot.js';

/** The font files, read once by `loadPdfFonts` and handed to `renderPdf`, which does no file I/O. */
export interface PdfFonts {
  readonly regular: Buffer;
  readonly bold: Buffer;
  readonly mono: Buffer;
}

/** The names the fonts are registered under in each document. */
export const FONT = {
  regular: 'DejaVuSans',
  bold: 'DejaVuSans-Bold',
  mono: 'DejaVuSansMono',
} as const satisfies Record<keyof PdfFonts, string>;

export type FontName = (typeof FONT)[keyof typeof FONT];

const FONT_DIR = new URL('assets/fonts/', ASSET_ROOT);

export async function loadPdfFonts(): Promise<PdfFonts> {
  const read = (file: string): Promise<Buffer> => readFile(new URL(file, FONT_DIR));
  const [regular, bold, mono] = await Promise.all([read('DejaVuSans.ttf'), read('DejaVuSans-Bold.ttf'), read('DejaVuSansMono.ttf')]);
  return { regular, bold, mono };
}

export function registerFonts(doc: PDFKit.PDFDocument, fonts: PdfFonts): void {
  for (const key of Object.keys(FONT) as (keyof PdfFonts)[]) doc.registerFont(FONT[key], fonts[key]);
}
