/** How the reports print the model's numbers and dates (PDF, email, HTML helpers): formatting only, no arithmetic on the findings. */
import type { FindingCounts, Grade } from '../../core/report/reportModel.js';

const NONE = '–';

/** `84 (B)`, `84`, or `–` without a score. */
export function scoreText(score: number | null, grade?: Grade | null): string {
  if (score === null) return NONE;
  return grade ? `${score} (${grade})` : String(score);
}

/** 0.734 → `73%`; null → `–`. */
export function percentText(share: number | null): string {
  return share === null ? NONE : `${Math.round(share * 100)}%`;
}

/** `+5`, `−3`, `±0`; `–` without a delta. */
export function deltaText(delta: number | null): string {
  if (delta === null) return NONE;
  return delta > 0 ? `+${delta}` : delta < 0 ? `−${-delta}` : '±0';
}

export function countText(n: number | null): string {
  return n === null ? NONE : n.toLocaleString('en-US');
}

export function countsText(c: FindingCounts): string {
  const accepted = c.accepted > 0 ? `${countText(c.accepted)} accepted, ` : '';
  return `${countText(c.fail)} failing, ${countText(c.unknown)} unknown, ${accepted}${countText(c.pass)} passing findings`;
}

/** `2026-11-26 06:00 UTC` from an ISO 8601 instant; the text as given when it is not one. */
export function dateTimeText(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** 1 → `1 cluster`, 3 → `3 clusters`. */
export function plural(n: number, noun: string): string {
  return `${countText(n)} ${noun}${n === 1 ? '' : 's'}`;
}
