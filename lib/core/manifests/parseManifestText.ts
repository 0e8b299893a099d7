import { parseAllDocuments } from 'yaml';
import type { DiagnosticList } from '../diagnostics.js';

/** One Kubernetes object read from a manifest, with where it came from. */
export interface SourcedObject {
  /** `path` or `path#N` for the N-th document (1-based) of a multi-document file. */
  readonly source: string;
  readonly object: Readonly<Record<string, unknown>>;
}

/**
 * Parses the text of a YAML or JSON manifest (multi-document YAML, `kind: List` and `*List`
 * documents, `kubectl get -o yaml|json` output) into objects. Unreadable documents become
 * warnings and are skipped; nothing here is fatal, so one bad file never hides the others.
 */
export function parseManifestText(path: string, text: string, diagnostics: DiagnosticList): SourcedObject[] {
  const docs = parseAllDocuments(text, { uniqueKeys: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: SourcedObject[] = [];
  list.forEach((doc, i) => {
    const source = list.length > 1 ? `${path}#${i + 1}` : path;
    if (doc.errors.length > 0) {
      diagnostics.warn(`cannot parse document: ${firstLine(doc.errors[0]!.message)}`, { source });
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (err) {
      diagnostics.warn(`cannot read document: ${firstLine((err as Error).message)}`, { source });
      return;
    }
    if (value === null || value === undefined) return; // an empty document, e.g. a trailing `---`
    collectObjects(value, source, undefined, out, diagnostics);
  });
  return out;
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
  if (kind.endsWith('List') && Array.isArray(record.items)) {
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    record.items.forEach((item, i) => collectObjects(item, `${source} items[${i}]`, itemKind, out, diagnostics));
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
