const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };

/** HTML character references (`&amp;`, `&#x3D;`, `&#39;`) decoded in one pass, as a mail reader or browser does. */
export const decodeHtmlEntities = (html: string): string => html.replace(/&(?:#x([0-9a-f]+)|#(\d+)|(\w+));/gi, (_, hex?: string, dec?: string, name?: string) =>
  (hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec)) : NAMED[name!] ?? `&${name};`));
