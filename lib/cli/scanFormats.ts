/** Output formats of `scan` and `demo` (kept apart so that registering the commands loads nothing else). */
export const SCAN_FORMATS = ['text', 'json', 'csv', 'html', 'pdf'] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];
