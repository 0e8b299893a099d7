/**
 * Small readers for untyped manifest data. Each throws `InvalidObjectError` naming the field path,
 * so that a parser can turn any malformed field into one diagnostic for the object.
 */
import { isProtocol, type Protocol } from '../connectionSet.js';

export class InvalidObjectError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidObjectError';
  }
}

export type Json = Record<string, unknown>;

/** `spec.ports`, or just `spec` at the top of an object. */
export function fieldPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

export function isMap(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A map field; `undefined` when absent or null. */
export function optMap(parent: Json, key: string, path: string): Json | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (!isMap(value)) throw new InvalidObjectError(`${fieldPath(path, key)}: expected a map, got ${kindOf(value)}`);
  return value;
}

/** A list field; `undefined` when absent or null. */
export function optList(parent: Json, key: string, path: string): unknown[] | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw new InvalidObjectError(`${fieldPath(path, key)}: cannot restore slice from ${kindOf(value)}: expected a list`);
  return value;
}

/** A list of maps; `undefined` when absent or null. */
export function optMapList(parent: Json, key: string, path: string): Json[] | undefined {
  const list = optList(parent, key, path);
  list?.forEach((item, i) => {
    if (!isMap(item)) throw new InvalidObjectError(`${fieldPath(path, key)}[${i}]: expected a map, got ${kindOf(item)}`);
  });
  return list as Json[] | undefined;
}

export function optString(parent: Json, key: string, path: string): string | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new InvalidObjectError(`${fieldPath(path, key)}: expected a string, got ${kindOf(value)}`);
  return value;
}

export function optInt(parent: Json, key: string, path: string): number | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new InvalidObjectError(`${fieldPath(path, key)}: expected an integer, got ${kindOf(value)}`);
  }
  return value;
}

/** A string-to-string map such as labels; `{}` when absent. */
export function stringMap(parent: Json, key: string, path: string): Record<string, string> {
  const map = optMap(parent, key, path) ?? {};
  const out: Record<string, string> = {};
  const keys = Object.keys(map);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = map[k];
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else throw new InvalidObjectError(`${fieldPath(path, key)}.${k}: expected a string, got ${kindOf(v)}`);
  }
  return out;
}

/** A protocol field; TCP when absent, as in the Kubernetes API. */
export function protocolField(parent: Json, key: string, path: string): Protocol {
  const value = parent[key];
  if (value === undefined || value === null) return 'TCP';
  if (!isProtocol(value)) {
    throw new InvalidObjectError(`${fieldPath(path, key)}: Unsupported value: "${String(value)}": supported values: "SCTP", "TCP", "UDP"`);
  }
  return value;
}

const DIGITS = /^\d+$/;

/** An int-or-string field: a number, or a port name. A string of digits is read as a number. */
export function optIntOrString(parent: Json, key: string, path: string): number | string | undefined {
  const value = parent[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') return DIGITS.test(value) ? Number(value) : value;
  throw new InvalidObjectError(`${fieldPath(path, key)}: expected an integer or a string, got ${kindOf(value)}`);
}

export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'map';
  return typeof value;
}
