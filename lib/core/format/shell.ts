/**
 * Shell commands kubeseg suggests. Every argument is single-quoted, so a name holding `;`, a
 * backtick or `$(` is one word to the shell and never a command.
 */

/** `'it'\''s'`: the POSIX way to put any text, quotes included, in one shell word. */
export function shellQuote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** JSON with every character outside printable ASCII escaped: one line, the same in every terminal and parser. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[^\x20-\x7e]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
