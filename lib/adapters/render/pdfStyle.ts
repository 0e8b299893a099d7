/** The look of the PDF report: page geometry, colours and text styles, in one place. */
import type { Band, Severity } from '../../core/report/reportModel.js';
import { FONT, type FontName } from './pdfFonts.js';

type Doc = PDFKit.PDFDocument;

/** A4 portrait in points, with room at the bottom for the footer. */
export const PAGE = {
  size: 'A4',
  margins: { top: 48, bottom: 56, left: 48, right: 48 },
  /** Baseline area of the footer, measured from the bottom edge. */
  footerFromBottom: 34,
} as const;

export const COLOUR = {
  text: '#1f2328',
  muted: '#59636e',
  rule: '#d0d7de',
  headerFill: '#eaeef2',
  codeFill: '#f3f4f6',
  alertFill: '#fde7e9',
  alertRule: '#c62828',
  accent: '#0b5cad',
} as const;

/** Strong band colours, for the gauge and chart strokes. */
export const BAND_COLOUR: Record<Band, string> = {
  good: '#2e7d32', fair: '#b59f00', poor: '#e65100', bad: '#c62828', none: '#8c959f',
};

/** Light band tints, for cell backgrounds under dark text. */
export const BAND_TINT: Record<Band, string> = {
  good: '#c8e6c9', fair: '#fff3a0', poor: '#ffd3a8', bad: '#f6b4b4', none: '#eceff1',
};

export const SEVERITY_TINT: Record<Severity, string> = {
  critical: '#f6b4b4', high: '#ffd3a8', medium: '#fff3a0', low: '#eceff1',
};

export interface TextStyle {
  readonly font: FontName;
  readonly size: number;
  readonly color: string;
  readonly lineGap: number;
}

const style = (font: FontName, size: number, color: string = COLOUR.text, lineGap = 1): TextStyle => ({ font, size, color, lineGap });

export const TEXT = {
  title: style(FONT.bold, 26, COLOUR.text, 4),
  h1: style(FONT.bold, 17, COLOUR.text, 2),
  h2: style(FONT.bold, 12.5),
  h3: style(FONT.bold, 10),
  body: style(FONT.regular, 9, COLOUR.text, 1.5),
  small: style(FONT.regular, 7.5, COLOUR.muted),
  cell: style(FONT.regular, 7.5),
  cellBold: style(FONT.bold, 7.5),
  cellMuted: style(FONT.regular, 7, COLOUR.muted),
  cellHeader: style(FONT.bold, 7.5),
  code: style(FONT.mono, 7, COLOUR.text, 0.5),
  figure: style(FONT.bold, 14),
  figureLabel: style(FONT.regular, 7, COLOUR.muted),
} as const;

export function applyStyle(doc: Doc, s: TextStyle): Doc {
  return doc.font(s.font).fontSize(s.size).fillColor(s.color);
}
