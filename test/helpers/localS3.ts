/**
 * s3rver on 127.0.0.1 with one bucket, and the client settings STACK.md found to work against it
 * (path style, checksums only when required). Two things S3 does and s3rver 3.7 does not are added
 * by a small middleware in front of its router, so the stores run against a server rather than a
 * mock: conditional writes (`If-None-Match: *` and `If-Match` on PUT answer 412 PreconditionFailed
 * as S3 does; s3rver predates them and ignores both), and atomic objects (s3rver writes a file in
 * place, so a GET during a PUT could read half of it; requests to one key take turns here).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';

export interface LocalS3 {
  readonly endpoint: string;
  readonly bucket: string;
  readonly client: S3Client;
  close(): Promise<void>;
}

interface KoaContext {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  status: number;
  type: string;
  body: unknown;
}
type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
interface S3rverInternals {
  middleware: Middleware[];
  store: { getMetadata(bucket: string, key: string): Promise<Record<string, string>> };
}

export async function startLocalS3(bucket = 'kubeseg-reports'): Promise<LocalS3> {
  const directory = await mkdtemp(join(tmpdir(), 'kubeseg-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket, configs: [] }] });
  const internals = server as unknown as S3rverInternals;
  // After the logger, before everything else.
  internals.middleware.splice(1, 0, likeS3(internals.store));
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  const client = localS3Client(endpoint);
  return {
    endpoint, bucket, client,
    close: async () => {
      client.destroy();
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

export function localS3Client(endpoint: string): S3Client {
  return new S3Client({
    region: 'us-east-1', endpoint, forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function likeS3(store: S3rverInternals['store']): Middleware {
  const queues = new Map<string, Promise<void>>();
  return async (ctx, next) => {
    const [, bucket = '', ...rest] = ctx.path.split('/');
    const key = decodeURIComponent(rest.join('/'));
    if (key === '' || !['GET', 'HEAD', 'PUT'].includes(ctx.method)) return next();
    const ifNoneMatch = ctx.method === 'PUT' ? ctx.headers['if-none-match'] : undefined;
    const ifMatch = ctx.method === 'PUT' ? ctx.headers['if-match'] : undefined;
    const id = `${bucket}/${key}`;
    const previous = queues.get(id) ?? Promise.resolve();
    const turn = previous.then(async () => {
      const etag = ifNoneMatch === undefined && ifMatch === undefined ? undefined
        : await store.getMetadata(bucket, key).then((m) => m.etag, () => undefined);
      const lost = (ifNoneMatch === '*' && etag !== undefined) || (ifMatch !== undefined && ifMatch !== etag);
      if (!lost) return next();
      ctx.status = 412;
      ctx.type = 'application/xml';
      ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>PreconditionFailed</Code>'
        + '<Message>At least one of the pre-conditions you specified did not hold</Message></Error>';
    });
    queues.set(id, turn.catch(() => undefined));
    await turn;
  };
}
