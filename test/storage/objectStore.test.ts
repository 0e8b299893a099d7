import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FsStore } from '../../lib/adapters/storage/fsStore.js';
import { PreconditionFailedError, type ObjectStore } from '../../lib/adapters/storage/objectStore.js';
import { S3Store } from '../../lib/adapters/storage/s3Store.js';
import { startLocalS3, type LocalS3 } from '../helpers/localS3.js';

const text = (bytes: Uint8Array | undefined): string | undefined => (bytes ? Buffer.from(bytes).toString('utf8') : undefined);

let s3: LocalS3;
let folder: string;
beforeAll(async () => {
  s3 = await startLocalS3();
  folder = await mkdtemp(join(tmpdir(), 'kubeseg-fsstore-'));
});
afterAll(async () => {
  await s3.close();
  await rm(folder, { recursive: true, force: true });
});

let n = 0;
const stores: [string, () => ObjectStore][] = [
  ['a local folder', () => new FsStore(join(folder, `store-${++n}`))],
  ['S3 (s3rver)', () => new S3Store({ client: s3.client, bucket: s3.bucket, prefix: `store-${++n}` })],
];

describe.each(stores)('the object store on %s', (_, makeStore) => {
  it('stores, lists in key order and reads back whole objects, strings and bytes alike', async () => {
    const store = makeStore();
    await store.put('runs/b/report.json', '{"b":1}', { contentType: 'application/json' });
    await store.put('runs/a/report.pdf', new Uint8Array([0, 255, 10, 13]));
    await store.put('history/fleet/index.json', '[]');
    expect((await store.list('runs/')).map((o) => o.key)).toEqual(['runs/a/report.pdf', 'runs/b/report.json']);
    expect(await store.list('runs/a/')).toEqual([{ key: 'runs/a/report.pdf', size: 4 }]);
    expect((await store.list('')).length).toBe(3);
    expect(await store.list('nothing/')).toEqual([]);
    expect([...(await store.get('runs/a/report.pdf'))!.body]).toEqual([0, 255, 10, 13]);
    expect(text((await store.get('runs/b/report.json'))?.body)).toBe('{"b":1}');
    expect(await store.get('runs/c/report.json')).toBeUndefined();
  });

  it('stores a body given as parts as the parts joined, in order, with the etag a read gives', async () => {
    const store = makeStore();
    const big = Buffer.alloc(3 * 1024 * 1024, 'ä');
    const parts = [Buffer.from('{"a":"'), big, Buffer.from('→"}'), new Uint8Array(0)];
    const { etag } = await store.put('runs/p/report.json', parts, { contentType: 'application/json' });
    const read = (await store.get('runs/p/report.json'))!;
    expect(Buffer.from(read.body).equals(Buffer.concat(parts))).toBe(true);
    expect(await store.list('runs/p/')).toEqual([{ key: 'runs/p/report.json', size: Buffer.concat(parts).byteLength }]);
    // The same etag as a whole-buffer write of the same bytes, so ifMatch works after either.
    expect(read.etag).toBe(etag);
    await store.put('runs/p/report.json', 'next', { ifMatch: etag });
    expect(text((await store.get('runs/p/report.json'))?.body)).toBe('next');
  });

  it('creates only once with ifAbsent, and replaces only the version read with ifMatch', async () => {
    const store = makeStore();
    await store.put('idempotency/k.json', 'first', { ifAbsent: true });
    await expect(store.put('idempotency/k.json', 'second', { ifAbsent: true })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(text((await store.get('idempotency/k.json'))?.body)).toBe('first');

    const read = (await store.get('idempotency/k.json'))!;
    const { etag } = await store.put('idempotency/k.json', 'third', { ifMatch: read.etag });
    expect(etag).not.toBe(read.etag);
    await expect(store.put('idempotency/k.json', 'stale', { ifMatch: read.etag })).rejects.toBeInstanceOf(PreconditionFailedError);
    expect(text((await store.get('idempotency/k.json'))?.body)).toBe('third');
    await expect(store.put('missing.json', 'x', { ifMatch: read.etag })).rejects.toBeInstanceOf(PreconditionFailedError);
  });

  it('lets exactly one of many concurrent create-only writers win', async () => {
    const store = makeStore();
    const outcomes = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.put('race.json', `writer ${i}`, { ifAbsent: true })));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'rejected').every((o) => (o as PromiseRejectedResult).reason instanceof PreconditionFailedError)).toBe(true);
  });

  it('refuses keys that could leave the store: .., absolute paths, control characters', async () => {
    const store = makeStore();
    for (const key of ['../escape.json', '/etc/passwd', 'runs/../../x', 'runs/a\nb', 'runs//x', '']) {
      await expect(store.put(key, 'x')).rejects.toThrow(/not a storage key/);
    }
  });
});

describe('the local folder store', () => {
  it('leaves no temporary file behind, after a lost create-only write too', async () => {
    const root = join(folder, 'temps');
    const store = new FsStore(root);
    await store.put('a/b.json', '1');
    await store.put('a/b.json', '2', { ifAbsent: true }).catch(() => undefined);
    expect(await readdir(join(root, 'a'))).toEqual(['b.json']);
  });

  it('has no links: the caller serves the bytes', async () => {
    expect(await new FsStore(folder).link()).toBeUndefined();
  });
});

describe('the S3 store', () => {
  it('presigns a GET that fetches the object and names the file', async () => {
    const store = new S3Store({ client: s3.client, bucket: s3.bucket });
    await store.put('runs/x/report.html', '<p>hi</p>', { contentType: 'text/html; charset=utf-8' });
    const url = await store.link('runs/x/report.html', { expiresInSeconds: 300, filename: 'report.html' });
    expect(url).toMatch(/X-Amz-Expires=300/);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<p>hi</p>');
    expect(response.headers.get('content-disposition')).toBe('inline; filename="report.html"');
  });
});
