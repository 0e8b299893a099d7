/**
 * Links that a mail reader can open. The API's report routes need IAM or a token, which a click in
 * an email cannot give, and a presigned S3 URL dies with the Lambda role session that signed it.
 * So an email links to `/links/<runId>/<format>?expires=…&signature=…`, an HMAC of those three with
 * a key only the service holds; the API checks it and then redirects to a freshly presigned URL.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { LinkedFormat } from './reportRun.js';

export type LinkCheck = 'valid' | 'expired' | 'invalid';

/** A link's key must be long enough to resist guessing: 32 bytes, as a secret generator gives. */
export const MIN_LINK_KEY_BYTES = 32;

export class LinkSigner {
  private readonly key: Buffer;

  constructor(key: string | Uint8Array) {
    this.key = Buffer.from(key);
    if (this.key.byteLength < MIN_LINK_KEY_BYTES) throw new Error(`a link key needs at least ${MIN_LINK_KEY_BYTES} bytes`);
  }

  /** The link's path and query, to be put after the API's base URL. */
  path(runId: string, format: LinkedFormat, expiresAt: Date): string {
    const expires = Math.floor(expiresAt.getTime() / 1000);
    return `/links/${runId}/${format}?expires=${expires}&signature=${this.signature(runId, format, expires)}`;
  }

  check(runId: string, format: string, query: Readonly<Record<string, string | undefined>>, now: Date): LinkCheck {
    const expires = Number(query.expires);
    const given = Buffer.from(query.signature ?? '', 'base64url');
    if (!/^\d{1,12}$/.test(query.expires ?? '') || given.byteLength === 0) return 'invalid';
    const wanted = Buffer.from(this.signature(runId, format, expires), 'base64url');
    if (given.byteLength !== wanted.byteLength || !timingSafeEqual(given, wanted)) return 'invalid';
    return expires * 1000 <= now.getTime() ? 'expired' : 'valid';
  }

  private signature(runId: string, format: string, expires: number): string {
    return createHmac('sha256', this.key).update(`kubeseg-link\n${runId}\n${format}\n${expires}`).digest('base64url');
  }
}
