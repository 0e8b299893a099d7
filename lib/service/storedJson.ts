/** JSON documents in the object store, read back through their zod schema. */
import type { z } from 'zod';
import type { ObjectStore, PutOptions } from '../adapters/storage/objectStore.js';

export class StoredDocumentError extends Error {
  override readonly name = 'StoredDocumentError';
}

export async function readJson<S extends z.ZodType>(store: ObjectStore, key: string, schema: S): Promise<{ value: z.output<S>; etag: string } | undefined> {
  const object = await store.get(key);
  if (!object) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(object.body).toString('utf8'));
  } catch {
    throw new StoredDocumentError(`${store.location}${key}: not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new StoredDocumentError(`${store.location}${key}: ${issue.path.join('.') || 'the document'}: ${issue.message}`);
  }
  return { value: parsed.data, etag: object.etag };
}

export function writeJson(store: ObjectStore, key: string, value: unknown, options: PutOptions = {}): Promise<{ etag: string }> {
  return store.put(key, `${JSON.stringify(value, null, 2)}\n`, { contentType: 'application/json', ...options });
}
