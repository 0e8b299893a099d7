/**
 * kubeseg's YAML configuration files, parsed from text (the caller reads the file) and validated
 * with zod: every error is one line that names the file, line, column and field, and never quotes a
 * value (one may be a secret such as the ExternalId).
 */
import { LineCounter, isMap, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { z } from 'zod';
import { inertLine } from '../format/inert.js';

/** Object schemas refuse unknown keys and name the ones they accept, so a typo says what was meant. */
export function section<T extends z.core.$ZodLooseShape>(shape: T) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown key; expected one of: ${known}`
      : issue.code === 'invalid_type' ? (issue.input === undefined ? 'is required' : `must be a mapping with keys among: ${known}`)
        : undefined),
  });
}

/** A type error's message: `is required` for a missing field, else what the value must be. */
export function expected(message: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : message) };
}

/**
 * Parses and validates a configuration file's text against `schema`; throws `makeError` of one line.
 * `emptyHint` says what an empty file needs.
 */
export function parseYamlConfig<S extends z.ZodType>(
  text: string, file: string, schema: S, makeError: (message: string) => Error, emptyHint: string,
): z.output<S> {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const syntax = doc.errors[0];
  if (syntax) throw makeError(inertLine(`${at(syntax.pos[0])}: ${syntaxMessage(syntax.code)}`));
  if (doc.contents === null) throw makeError(inertLine(`${file}:1:1: the file is empty; ${emptyHint}`));

  const result = schema.safeParse(doc.toJS({ maxAliasCount: 100 }));
  if (result.success) return result.data;

  const problems = result.error.issues.map((issue) => {
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    const isKey = issue.code === 'unrecognized_keys';
    return { path, message: issue.message, offset: offsetOf(doc, path as (string | number)[], isKey) };
  }).sort((a, b) => a.offset - b.offset);
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  throw makeError(inertLine(`${at(first.offset)}: ${fieldPath(first.path as (string | number)[])}: ${first.message}${more}`));
}

/**
 * yaml's messages are fixed text except that some quote the source around the error, which may be
 * the ExternalId; so the message comes from the error code alone.
 */
function syntaxMessage(code: string): string {
  const known: Record<string, string> = {
    DUPLICATE_KEY: 'a key appears twice in the same mapping',
    MISSING_CHAR: 'a quote or bracket is not closed',
    BAD_INDENT: 'bad indentation',
    TAB_AS_INDENT: 'tabs cannot indent YAML; use spaces',
    MULTILINE_IMPLICIT_KEY: 'a key runs over more than one line (a missing colon or quote?)',
    BLOCK_AS_IMPLICIT_KEY: 'a nested block cannot be a key (a missing colon?)',
    UNEXPECTED_TOKEN: 'unexpected text',
    MULTIPLE_DOCS: 'the file holds more than one YAML document (---)',
  };
  return `YAML syntax error: ${known[code] ?? code.toLowerCase().replace(/_/g, ' ')}`;
}

/** `accounts.include.ous[1]`, or `(top level)` for the document itself. */
function fieldPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * Where a field is in the text: its value's node, or its key's for an unknown key; a field that is
 * missing points at the nearest enclosing one that exists.
 */
function offsetOf(doc: Document.Parsed, path: (string | number)[], keyOfLast: boolean): number {
  for (let depth = path.length; depth > 0; depth--) {
    const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
    const segment = path[depth - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === segment);
      const node = (keyOfLast && depth === path.length ? pair?.key : pair?.value ?? pair?.key) as Node | null | undefined;
      if (node?.range) return node.range[0];
    } else if (isSeq(parent) && typeof segment === 'number') {
      const node = parent.items[segment] as Node | undefined;
      if (node?.range) return node.range[0];
    }
  }
  return (doc.contents as Node | null)?.range?.[0] ?? 0;
}
