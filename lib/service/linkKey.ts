/**
 * The key that signs emailed report links (signedLinks.ts), kept in the service's own store at
 * `secrets/link-key`: created once, create-only, by whichever function needs it first, and read by
 * the API that checks the links. The bucket is private, encrypted and TLS-only, and whoever can read
 * it can read the reports themselves, so the key needs no store of its own.
 */
import { randomBytes } from 'node:crypto';
import { PreconditionFailedError, type ObjectStore } from '../adapters/storage/objectStore.js';
import { LinkSigner, MIN_LINK_KEY_BYTES } from './signedLinks.js';
import { StoredDocumentError } from './storedJson.js';

export const LINK_KEY = 'secrets/link-key';

export async function linkSignerOf(store: ObjectStore): Promise<LinkSigner> {
  const existing = await store.get(LINK_KEY);
  if (existing) return signerFrom(store, existing.body);
  const key = randomBytes(MIN_LINK_KEY_BYTES);
  try {
    await store.put(LINK_KEY, key, { ifAbsent: true, contentType: 'application/octet-stream' });
    return new LinkSigner(key);
  } catch (err) {
    if (!(err instanceof PreconditionFailedError)) throw err;
    // Another function created it first: use theirs.
    const theirs = await store.get(LINK_KEY);
    if (!theirs) throw new StoredDocumentError(`${store.location}${LINK_KEY}: created and gone again`);
    return signerFrom(store, theirs.body);
  }
}

function signerFrom(store: ObjectStore, body: Uint8Array): LinkSigner {
  if (body.byteLength < MIN_LINK_KEY_BYTES) throw new StoredDocumentError(`${store.location}${LINK_KEY}: shorter than ${MIN_LINK_KEY_BYTES} bytes; delete it to have a new one made`);
  return new LinkSigner(body);
}
