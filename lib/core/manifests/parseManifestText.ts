import { Composer, LineCounter, Parser, type Document } from 'yaml';
import { DiagnosticList } from '../diagnostics.js';

/** One Kubernetes object read from a manifest, with where it came from. */
export interface SourcedObject {
  /** `path` or `path#N` for the N-th document (1-based) of a multi-document file. */
  readonly source: string;
  readonly object: Readonly<Record<string, unknown>>;
}

/** Aliases one document may expand (billion-laughs documents expand far more). */
const MAX_ALIAS_COUNT = 1000;
/**
 * Deeper documents are refused: Kubernetes objects nest a few dozen levels at most, and every later
 * stage may then walk an object recursively without running out of stack.
 */
export const MAX_NESTING_DEPTH = 100;

/**
 * Parses the text of a YAML or JSON manifest (multi-document YAML, `kind: List` and `*List`
 * documents, `kubectl get -o yaml|json` output) into objects. Unreadable documents become
 * warnings and are skipped; nothing here is fatal, so one bad file never hides the others.
 *
 * Documents are composed one at a time and dropped once read, so a file of many documents never
 * holds more than one syntax tree; JSON text is read by the JSON parser, which needs no tree.
 */
export function parseManifestText(path: string, text: string, diagnostics: DiagnosticList): SourcedObject[] {
  const out: SourcedObject[] = [];
  const json = parseJson(text);
  if (json !== undefined) {
    readDocument(json.value, path, out, diagnostics);
    return out;
  }
  // The first document is named `path#1` only once a second one shows up: held until then.
  const first = { out: [] as SourcedObject[], diagnostics: new DiagnosticList() };
  let count = 0;
  try {
    for (const doc of composeDocuments(text)) {
      count++;
      if (count === 1) readYamlDocument(doc, `${path}#1`, first.out, first.diagnostics);
      else {
        if (count === 2) flush(first, out, diagnostics, (s) => s);
        readYamlDocument(doc, `${path}#${count}`, out, diagnostics);
      }
    }
  } catch (err) {
    // The parser itself gave up (a stack overflow on absurd nesting): what was read so far stays.
    diagnostics.warn(`cannot parse the rest of the file after document ${count}: ${firstLine((err as Error).message)}`, { source: path });
  }
  // A single document is named after the file alone.
  if (count === 1) flush(first, out, diagnostics, (s) => (s.startsWith(`${path}#1`) ? path + s.slice(`${path}#1`.length) : s));
  return out;
}

/** Every document of a YAML stream, each composed only when the previous one has been read. */
function* composeDocuments(text: string): Generator<{ doc: Document.Parsed; lines: LineCounter }> {
  const lines = new LineCounter();
  const composer = new Composer({ uniqueKeys: false });
  for (const doc of composer.compose(new Parser(lines.addNewLine).parse(text))) yield { doc, lines };
}

function readYamlDocument({ doc, lines }: { doc: Document.Parsed; lines: LineCounter }, source: string, out: SourcedObject[], diagnostics: DiagnosticList): void {
  const error = doc.errors[0];
  if (error) {
    const { line, col } = lines.linePos(error.pos[0]);
    diagnostics.warn(`cannot parse document: ${firstLine(error.message).replace(/:$/, '')} at line ${line}, column ${col}`, { source });
    return;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    diagnostics.warn(`cannot read document: ${firstLine((err as Error).message)}`, { source });
    return;
  }
  readDocument(value, source, out, diagnostics);
}

function readDocument(value: unknown, source: string, out: SourcedObject[], diagnostics: DiagnosticList): void {
  if (value === null || value === undefined) return; // an empty document, e.g. a trailing `---`
  if (nestedDeeperThan(value, MAX_NESTING_DEPTH)) {
    diagnostics.warn(`document nested deeper than ${MAX_NESTING_DEPTH} levels; skipped`, { source });
    return;
  }
  collectObjects(value, source, undefined, out, diagnostics);
}

/** A whole JSON text (`kubectl get -o json`), or undefined when the text is not JSON (then it is YAML). */
function parseJson(text: string): { value: unknown } | undefined {
  const start = /^\s*[[{]/.exec(text);
  if (!start) return undefined;
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined; // YAML flow style, or broken JSON: the YAML parser says what is wrong
  }
}

/** Without recursion, so that the check itself cannot overflow the stack. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(node)) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

function flush(
  held: { out: SourcedObject[]; diagnostics: DiagnosticList }, out: SourcedObject[], diagnostics: DiagnosticList, rename: (source: string) => string,
): void {
  for (const o of held.out) out.push({ source: rename(o.source), object: o.object });
  for (const d of held.diagnostics.all) {
    const where = { ...(d.source !== undefined && { source: rename(d.source) }), ...(d.object !== undefined && { object: d.object }) };
    if (d.severity === 'fatal') diagnostics.fatal(d.message, where);
    else diagnostics.warn(d.message, where);
  }
}

function collectObjects(
  value: unknown,
  source: string,
  impliedKind: string | undefined,
  out: SourcedObject[],
  diagnostics: DiagnosticList,
): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    diagnostics.warn(`not a Kubernetes object (expected a map with "kind", got ${describe(value)}); skipped`, { source });
    return;
  }
  const record = value as Record<string, unknown>;
  const kind = typeof record.kind === 'string' && record.kind !== '' ? record.kind : impliedKind;
  if (kind === undefined) {
    diagnostics.warn(`Object 'Kind' is missing in this document; skipped`, { source });
    return;
  }
  // Recursion over lists inside lists is bounded by MAX_NESTING_DEPTH.
  if (kind.endsWith('List') && Array.isArray(record.items)) {
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    const items = record.items;
    for (let i = 0; i < items.length; i++) collectObjects(items[i], `${source} items[${i}]`, itemKind, out, diagnostics);
    return;
  }
  out.push({ source, object: kind === record.kind ? record : { ...record, kind } });
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return value === null ? 'null' : `a ${typeof value}`;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
