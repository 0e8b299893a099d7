/**
 * Readers for the untyped fields of evidence objects. Objects reach the checks as the manifests
 * gave them, so any field may hold any JSON shape: these never throw and read a wrong shape as
 * absent. Checks read fields through them rather than through type assertions.
 */
export type Json = Record<string, unknown>;

export function isMap(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a path of map keys; undefined where a step is absent or not a map. */
export function at(value: unknown, ...path: readonly string[]): unknown {
  let node = value;
  for (const key of path) node = isMap(node) ? node[key] : undefined;
  return node;
}

/** The map at a path, or `{}`. */
export function mapAt(value: unknown, ...path: readonly string[]): Json {
  const node = at(value, ...path);
  return isMap(node) ? node : {};
}

/** The string at a path, or undefined. */
export function stringAt(value: unknown, ...path: readonly string[]): string | undefined {
  const node = at(value, ...path);
  return typeof node === 'string' ? node : undefined;
}

/** The maps among a list's items; `[]` when it is not a list. */
export function mapsIn(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter(isMap) : [];
}

/** The strings among a list's items; `[]` when it is not a list. */
export function stringsIn(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
}
