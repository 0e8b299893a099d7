/**
 * The object store as an S3 bucket, optionally under a prefix. Conditional writes use S3's own
 * `If-None-Match: *` and `If-Match: <etag>`; a lost race is a {@link PreconditionFailedError}. Links are
 * presigned GETs that name the file for download.
 */
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import { bodyParts, checkKey, checkPrefix, PreconditionFailedError, type ListedObject, type ObjectBody, type ObjectStore, type PutOptions, type StoredObject } from './objectStore.js';

export interface S3StoreOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Keys go under it (`kubeseg/`); empty for the bucket's root. */
  readonly prefix?: string;
}

export class S3Store implements ObjectStore {
  readonly location: string;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(options: S3StoreOptions) {
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = options.prefix ? `${checkKey(options.prefix.replace(/\/+$/, ''))}/` : '';
    this.location = `s3://${this.bucket}/${this.prefix}`;
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<{ etag: string }> {
    const { parts, bytes } = bodyParts(body);
    try {
      const out = await this.client.send(new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.keyOf(key),
        // Parts are streamed in order, with the length known up front, rather than joined into one copy.
        Body: parts.length === 1 ? parts[0] : Readable.from(parts),
        ContentLength: bytes,
        ...(options.contentType !== undefined && { ContentType: options.contentType }),
        ...(options.ifAbsent && { IfNoneMatch: '*' }),
        ...(options.ifMatch !== undefined && { IfMatch: options.ifMatch }),
      }));
      return { etag: out.ETag ?? '' };
    } catch (err) {
      // 412 when the condition fails; 409 when another conditional write to the key is in flight.
      if (isConditionLost(err)) throw new PreconditionFailedError(`${this.location}${key}: changed by another writer`);
      throw err;
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.keyOf(key) }));
      return { body: await out.Body!.transformToByteArray(), etag: out.ETag ?? '' };
    } catch (err) {
      if ((err as { name?: string }).name === 'NoSuchKey') return undefined;
      throw err;
    }
  }

  async list(prefix: string): Promise<ListedObject[]> {
    const found: ListedObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({
        Bucket: this.bucket, Prefix: this.prefix + checkPrefix(prefix), ...(token !== undefined && { ContinuationToken: token }),
      }));
      for (const o of page.Contents ?? []) found.push({ key: o.Key!.slice(this.prefix.length), size: o.Size ?? 0 });
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  link(key: string, options: { readonly expiresInSeconds: number; readonly filename: string }): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket, Key: this.keyOf(key),
      ResponseContentDisposition: `inline; filename="${options.filename.replace(/[^\w.-]/g, '_')}"`,
    });
    return getSignedUrl(this.client, command, { expiresIn: options.expiresInSeconds });
  }

  private keyOf(key: string): string {
    return this.prefix + checkKey(key);
  }
}

function isConditionLost(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'PreconditionFailed' || e.$metadata?.httpStatusCode === 412
    || e.name === 'ConditionalRequestConflict' || e.$metadata?.httpStatusCode === 409;
}
