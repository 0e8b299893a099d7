/**
 * Inline styles of the HTML emails. Outlook (Word engine) and Gmail drop `<style>` blocks, classes and
 * external fonts, so every element carries its own `style` and the fonts are the system's. Colours are
 * dark text on a light tint (contrast ≥ 7:1) and always come with a word (grade, severity, status);
 * badges also get a border so they still read when a client drops the background.
 */
import type { Band, FindingStatus, Severity } from '../../core/report/reportModel.js';

const FONT = 'font-family:-apple-system,BlinkMacSystemFont,Segoe UI,Roboto,Helvetica,Arial,sans-serif;';
/** Cluster strings may be one very long word: let cells break it rather than widen the email. */
const CELL = 'padding:6px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top;word-break:break-word;overflow-wrap:anywhere;';

function badge(text: string, background: string): string {
  return `display:inline-block;padding:1px 6px;border:1px solid ${text};border-radius:3px;background-color:${background};`
    + `color:${text};font-weight:bold;`;
}

const RED = badge('#7f1d1d', '#fee2e2');
const ORANGE = badge('#7c2d12', '#ffedd5');
const AMBER = badge('#713f12', '#fef9c3');
const GREEN = badge('#14532d', '#dcfce7');
const BLUE = badge('#1e3a8a', '#dbeafe');
const GREY = badge('#374151', '#f3f4f6');

export const BAND_BADGE: Readonly<Record<Band, string>> = { good: GREEN, fair: AMBER, poor: ORANGE, bad: RED, none: GREY };
export const STATUS_BADGE: Readonly<Record<FindingStatus, string>> = { fail: RED, unknown: AMBER, accepted: GREY, pass: GREEN };
export const SEVERITY_BADGE: Readonly<Record<Severity, string>> = { critical: RED, high: ORANGE, medium: AMBER, low: BLUE };

export const EMAIL_STYLE = {
  body: 'margin:0;padding:0;background-color:#f3f4f6;',
  page: 'width:100%;background-color:#f3f4f6;',
  outer: 'padding:24px 12px;',
  frame: `width:100%;max-width:640px;background-color:#ffffff;border:1px solid #d1d5db;${FONT}font-size:14px;line-height:20px;color:#111827;`,
  header: `padding:20px 24px;background-color:#1f2937;color:#ffffff;${FONT}`,
  title: 'margin:0;font-size:20px;line-height:28px;font-weight:bold;color:#ffffff;',
  subtitle: 'margin:4px 0 0;font-size:14px;line-height:20px;color:#e5e7eb;word-break:break-word;',
  section: `padding:16px 24px 8px;${FONT}font-size:14px;line-height:20px;color:#111827;`,
  heading: 'margin:0 0 8px;font-size:16px;line-height:24px;font-weight:bold;color:#111827;',
  paragraph: 'margin:8px 0;word-break:break-word;overflow-wrap:anywhere;',
  table: 'width:100%;border-collapse:collapse;table-layout:fixed;',
  th: `${CELL}font-weight:bold;color:#374151;background-color:#f9fafb;text-align:left;`,
  thNumber: `${CELL}font-weight:bold;color:#374151;background-color:#f9fafb;text-align:right;`,
  cell: CELL,
  number: `${CELL}text-align:right;white-space:nowrap;`,
  label: `${CELL}color:#374151;`,
  value: `${CELL}font-weight:bold;`,
  note: 'display:block;color:#4b5563;font-size:13px;',
  link: 'color:#1d4ed8;text-decoration:underline;',
  placeholder: 'color:#4b5563;font-style:italic;',
  problem: RED,
  footer: `padding:16px 24px;border-top:1px solid #e5e7eb;${FONT}font-size:12px;line-height:18px;color:#4b5563;word-break:break-word;`,
} as const;

export type EmailStyle = typeof EMAIL_STYLE;
