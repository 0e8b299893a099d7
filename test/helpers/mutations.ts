/**
 * Malformed-but-parseable objects: every field of a valid object replaced, one at a time, by a value
 * of the wrong type. Used by the check fuzz test and by the hostile corpus.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DiagnosticList } from '../../lib/core/diagnostics.js';
import { parseManifestText } from '../../lib/core/manifests/parseManifestText.js';

type Json = Record<string, unknown>;

/** Values of every JSON type, and the shapes that trip readers up (lists of null, empty keys). */
export const WRONG_TYPES: readonly unknown[] = [
  null, 5, -1, 1.5, '', 'x', true, [], [null], [5, 'a'], {}, { a: 1 }, { '': null }, [[[]]], [{}],
];

/** A path into an object: keys and list indices. */
export type FieldPath = readonly (string | number)[];

export interface Mutation {
  readonly object: number;
  readonly path: FieldPath;
  readonly value: unknown;
}

/** Every path below an object (not `kind` or `apiVersion`: another kind is another object), parents first. */
export function fieldPaths(value: unknown, prefix: FieldPath = []): FieldPath[] {
  const out: FieldPath[] = [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : typeof value === 'object' && value !== null ? Object.entries(value) : [];
  for (const [key, child] of entries) {
    if (prefix.length === 0 && (key === 'kind' || key === 'apiVersion')) continue;
    const path = [...prefix, key];
    out.push(path, ...fieldPaths(child, path));
  }
  return out;
}

/** A deep copy of the object with the value at `path` replaced. */
export function withValue(object: Json, path: FieldPath, value: unknown): Json {
  const copy = structuredClone(object);
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1]!] = value;
  return copy;
}

/**
 * Batches of mutations, at most one per object in a batch, such that every path of every object
 * gets `valuesPerPath` of the wrong-type values (rotating, so that all of them are used).
 */
export function mutationBatches(objects: readonly Json[], valuesPerPath: number): Mutation[][] {
  const perObject = objects.map((o, object) => fieldPaths(o).flatMap((path, p) =>
    Array.from({ length: valuesPerPath }, (_, k) => ({ object, path, value: WRONG_TYPES[(p * valuesPerPath + k + object) % WRONG_TYPES.length] }))));
  const batches: Mutation[][] = [];
  const longest = perObject.reduce((n, m) => Math.max(n, m.length), 0);
  for (let i = 0; i < longest; i++) batches.push(perObject.flatMap((m) => (i < m.length ? [m[i]!] : [])));
  return batches;
}

export function applyBatch(objects: readonly Json[], batch: readonly Mutation[]): Json[] {
  const out = [...objects];
  for (const m of batch) out[m.object] = withValue(out[m.object]!, m.path, m.value);
  return out;
}

const TECHNIQUES_DIR = resolve(import.meta.dirname, '../../lib/core/techniques');

export interface FixtureCluster {
  readonly name: string;
  readonly objects: Json[];
  /** The text of its kubeseg-cloud.yaml, if any. */
  readonly cloudFile?: string;
}

/**
 * Small valid clusters that exercise every check: the inputs of the technique fixture cases (the
 * objects of their manifests, and their kubeseg-cloud.yaml). `which` picks every case, or each
 * technique's first exposing one.
 */
export function fixtureClusters(which: 'exposing' | 'all'): FixtureCluster[] {
  return readdirSync(TECHNIQUES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(TECHNIQUES_DIR, d.name, 'cases')))
    .flatMap((d) => {
      const cases = readdirSync(join(TECHNIQUES_DIR, d.name, 'cases')).sort();
      if (which === 'all') return cases.map((c) => ({ technique: d.name, chosen: c }));
      return [{ technique: d.name, chosen: cases.find((c) => c.startsWith('exposed')) ?? cases.find((c) => c.includes('open')) ?? cases[0]! }];
    })
    .map(({ technique, chosen }) => {
      const input = join(TECHNIQUES_DIR, technique, 'cases', chosen, 'input');
      const files = readdirSync(input).sort();
      const objects = files.filter((f) => f !== 'kubeseg-cloud.yaml')
        .flatMap((f) => parseManifestText(f, readFileSync(join(input, f), 'utf8'), new DiagnosticList()).map((o) => o.object as Json));
      const cloud = files.includes('kubeseg-cloud.yaml') ? readFileSync(join(input, 'kubeseg-cloud.yaml'), 'utf8') : undefined;
      return { name: `${technique}/${chosen}`, objects, ...(cloud !== undefined && { cloudFile: cloud }) };
    });
}
