/**
 * `JSON.stringify(report, null, 2)` in pieces, two per cluster: a large fleet's report.json (hundreds
 * of MB, and twice that as a UTF-16 string once any character is not Latin-1) is never one string.
 */
import type { JsonReport } from './jsonReport.js';

/**
 * The top-level key in the outline. Only a top-level key sits at a line start with two spaces of
 * indent, and no string value holds a raw line break, so no cluster string can forge it.
 */
const EMPTY_CLUSTERS = '\n  "clusters": []';
/** A cluster stringified inside `[[cluster]]` is already indented as an item of the outline's array; these wrap it. */
const NESTED_OPEN = '[\n  [\n    '.length;
const NESTED_CLOSE = '\n  ]\n]'.length;

export function* reportJsonChunks(report: JsonReport): Generator<string> {
  const outline = `${JSON.stringify({ ...report, clusters: [] }, null, 2)}\n`;
  if (report.clusters.length === 0) {
    yield outline;
    return;
  }
  const at = outline.indexOf(EMPTY_CLUSTERS);
  yield `${outline.slice(0, at)}\n  "clusters": [`;
  for (const [n, cluster] of report.clusters.entries()) {
    const nested = JSON.stringify([[cluster]], null, 2);
    yield n === 0 ? '\n    ' : ',\n    ';
    // A piece of its own: a slice shares the stringified text, where joining it to the separator would copy it.
    yield nested.slice(NESTED_OPEN, nested.length - NESTED_CLOSE);
  }
  yield `\n  ]${outline.slice(at + EMPTY_CLUSTERS.length)}`;
}
