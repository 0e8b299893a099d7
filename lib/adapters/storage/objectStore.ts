/**
 * Where a run's snapshots, reports, status and history go: S3 in AWS (s3Store.ts), a local folder
 * on a laptop (fsStore.ts). Both keep the same keys (lib/service/runLayout.ts), so the same run code
 * serves both. Writes are whole objects, never partial: a reader sees the old object or the new one.
 */

export interface StoredObject {
  readonly body: Uint8Array;
  /** Changes whenever the content does; what `ifMatch` compares. */
  readonly etag: string;
}

/** What `put` stores: text (as UTF-8), bytes, or a large body as its parts in order, never copied into one buffer. */
export type ObjectBody = string | Uint8Array | readonly Uint8Array[];

/** The body as byte parts, and their total length. */
export function bodyParts(body: ObjectBody): { readonly parts: readonly Uint8Array[]; readonly bytes: number } {
  const parts = typeof body === 'string' ? [Buffer.from(body, 'utf8')] : body instanceof Uint8Array ? [body] : body;
  return { parts, bytes: parts.reduce((n, part) => n + part.byteLength, 0) };
}

export interface ListedObject {
  readonly key: string;
  readonly size: number;
}

export interface PutOptions {
  readonly contentType?: string;
  /** Create only: fails with {@link PreconditionFailedError} when the key exists. */
  readonly ifAbsent?: boolean;
  /** Replace only this version (an etag from `get`): fails with {@link PreconditionFailedError} otherwise. */
  readonly ifMatch?: string;
}

export interface ObjectStore {
  /** For messages, and followed by a key: `s3://bucket/prefix/`, or the folder's absolute path and a separator. */
  readonly location: string;
  put(key: string, body: ObjectBody, options?: PutOptions): Promise<{ readonly etag: string }>;
  /** Undefined when there is no such object. */
  get(key: string): Promise<StoredObject | undefined>;
  /** Every object under the prefix, sorted by key. */
  list(prefix: string): Promise<ListedObject[]>;
  /**
   * A short-lived URL that fetches the object with no other credential (a presigned S3 URL), or
   * undefined when the store has none (a local folder: the caller serves the bytes itself).
   */
  link(key: string, options: { readonly expiresInSeconds: number; readonly filename: string }): Promise<string | undefined>;
}

/** A conditional write lost: the object exists (`ifAbsent`) or changed since it was read (`ifMatch`). */
export class PreconditionFailedError extends Error {
  override readonly name = 'PreconditionFailedError';
}

/** Keys are built by the run layout; anything else (`..`, an absolute path, a control character) is a bug, refused. */
const KEY = /^[A-Za-z0-9_=.-]+(?:\/[A-Za-z0-9_=.-]+)*$/;

export function checkKey(key: string): string {
  if (!KEY.test(key) || key.split('/').some((segment) => segment === '.' || segment === '..')) {
    throw new Error(`not a storage key: ${JSON.stringify(key)}`);
  }
  return key;
}

/** A prefix is a key, a key followed by `/`, or empty (everything). */
export function checkPrefix(prefix: string): string {
  if (prefix !== '') checkKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  return prefix;
}
