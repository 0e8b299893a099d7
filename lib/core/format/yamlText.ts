/**
 * YAML that kubeseg writes for people to copy or apply. Everything goes through the YAML library,
 * comments included: a name holding a line break, `---` or `#` stays inside its scalar or comment
 * and cannot start a document of its own.
 */
import { Document, stringify } from 'yaml';
import { inertLine } from './inert.js';

/**
 * Remembers recent documents: workloads of one namespace often get the same manifest (the
 * namespace's default deny, its ServiceAccount's automount), and the YAML library is the slow part
 * of a large report. Bounded, and the same input always gives the same text.
 */
const recentDocuments = new Map<string, string>();
const RECENT_DOCUMENTS_KEPT = 4096;

/** Whole objects as YAML documents separated by `---`. */
export function toYaml(...objects: readonly object[]): string {
  return objects.map(documentYaml).join('\n---\n');
}

function documentYaml(object: object): string {
  const key = JSON.stringify(object);
  let text = recentDocuments.get(key);
  if (text === undefined) {
    text = stringify(object, { lineWidth: 0 }).trimEnd();
    if (recentDocuments.size >= RECENT_DOCUMENTS_KEPT) recentDocuments.clear();
    recentDocuments.set(key, text);
  }
  return text;
}

/** One document with comment lines before it; each line is shown inert (no control or bidi characters). */
export function commentedYaml(object: object, comment: readonly string[]): string {
  const doc = new Document(object);
  // On the root node rather than the document: no blank line between the comment and the object.
  if (doc.contents) doc.contents.commentBefore = comment.map((line) => ` ${inertLine(line)}`).join('\n');
  return doc.toString({ lineWidth: 0 }).trimEnd();
}

/** A document made of comments alone (a YAML stream may hold one: `kubectl apply` skips it). */
export function commentLines(comment: readonly string[]): string {
  return comment.map((line) => `# ${inertLine(line)}`).join('\n');
}
