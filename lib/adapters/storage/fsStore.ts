/**
 * The object store as a local folder (`./reports` by default): a key is a path under the root.
 * Every write goes to a temporary file first and is then renamed (or, to create only, hard-linked)
 * into place, so a crash never leaves half a file. Conditional writes are exact within one process,
 * which is how the CLI and `kubeseg serve` use a folder.
 */
import { createHash, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { bodyParts, checkKey, checkPrefix, PreconditionFailedError, type ListedObject, type ObjectBody, type ObjectStore, type PutOptions, type StoredObject } from './objectStore.js';

/** Temporary files start with this and never show in `list`. */
const TEMP_PREFIX = '.kubeseg-tmp-';

export class FsStore implements ObjectStore {
  readonly location: string;
  private readonly root: string;
  /** One write at a time per key, so a compare-and-swap cannot interleave with another. */
  private readonly writing = new Map<string, Promise<unknown>>();

  constructor(root: string) {
    this.root = resolve(root);
    this.location = `${this.root}${sep}`;
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<{ etag: string }> {
    const path = this.pathOf(key);
    const previous = this.writing.get(key) ?? Promise.resolve();
    const write = previous.catch(() => undefined).then(() => this.write(path, bodyParts(body).parts, options));
    this.writing.set(key, write);
    try {
      return await write;
    } finally {
      if (this.writing.get(key) === write) this.writing.delete(key);
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const body = await readFile(this.pathOf(key)).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    return body && { body: new Uint8Array(body.buffer, body.byteOffset, body.byteLength), etag: etagOf([body]) };
  }

  async list(prefix: string): Promise<ListedObject[]> {
    checkPrefix(prefix);
    // The folder to walk: the prefix's own folder when it ends in `/`, else its parent.
    const base = prefix.endsWith('/') || prefix === '' ? prefix : prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const found: ListedObject[] = [];
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return [];
        throw err;
      });
      for (const entry of entries) {
        if (entry.name.startsWith(TEMP_PREFIX)) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) await walk(path);
        else if (entry.isFile()) {
          const key = relative(this.root, path).split(sep).join('/');
          if (key.startsWith(prefix)) found.push({ key, size: (await stat(path)).size });
        }
      }
    };
    await walk(join(this.root, ...base.split('/').filter(Boolean)));
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  link(): Promise<undefined> {
    return Promise.resolve(undefined);
  }

  private pathOf(key: string): string {
    return join(this.root, ...checkKey(key).split('/'));
  }

  private async write(path: string, parts: readonly Uint8Array[], options: PutOptions): Promise<{ etag: string }> {
    await mkdir(dirname(path), { recursive: true });
    if (options.ifMatch !== undefined) {
      const current = await readFile(path).catch(() => undefined);
      if (!current || etagOf([current]) !== options.ifMatch) throw new PreconditionFailedError(`${path} changed since it was read`);
    }
    const temp = join(dirname(path), `${TEMP_PREFIX}${randomBytes(6).toString('hex')}`);
    await writeFile(temp, parts);
    try {
      if (options.ifAbsent) {
        // link() fails when the target exists: create-only, atomically, even against another process.
        await link(temp, path).catch((err: NodeJS.ErrnoException) => {
          throw err.code === 'EEXIST' ? new PreconditionFailedError(`${path} exists`) : err;
        });
      } else {
        await rename(temp, path);
      }
    } finally {
      await unlink(temp).catch(() => undefined);
    }
    return { etag: etagOf(parts) };
  }
}

/** Quoted, as S3's are, so callers never tell the stores apart by their etags. */
function etagOf(parts: readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return `"${hash.digest('hex').slice(0, 32)}"`;
}
