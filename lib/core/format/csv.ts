/**
 * One CSV cell, RFC 4180 quoted when needed. A cell starting with = + - @ (or tab / CR) would be
 * run as a formula by spreadsheets, so it gets a leading apostrophe.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLines(rows: readonly (readonly string[])[]): string {
  // Each line with its break, then one join: a flat string, which encodes to UTF-8 without a copy.
  return rows.map((r) => `${r.map(csvCell).join(',')}\n`).join('');
}
