import { describe, expect, it } from 'vitest';
import { LinkSigner } from '../../lib/service/signedLinks.js';

const runId = '2026-12-04T06-00-00-000Z-abcdefgh';
const key = 'k'.repeat(32);
const queryOf = (path: string) => Object.fromEntries(new URL(path, 'http://x').searchParams);

describe('signed report links', () => {
  const signer = new LinkSigner(key);
  const expiresAt = new Date('2026-12-11T06:00:00Z');
  const path = signer.path(runId, 'pdf', expiresAt);

  it('signs the run, the format and the expiry, and checks all three', () => {
    expect(path).toMatch(new RegExp(`^/links/${runId}/pdf\\?expires=\\d+&signature=[\\w-]{43}$`));
    expect(signer.check(runId, 'pdf', queryOf(path), new Date('2026-12-10T00:00:00Z'))).toBe('valid');
    expect(signer.check(runId, 'html', queryOf(path), new Date('2026-12-10T00:00:00Z'))).toBe('invalid');
    expect(signer.check('2026-12-04T06-00-00-000Z-zzzzzzzz', 'pdf', queryOf(path), new Date('2026-12-10T00:00:00Z'))).toBe('invalid');
    expect(new LinkSigner('j'.repeat(32)).check(runId, 'pdf', queryOf(path), new Date('2026-12-10T00:00:00Z'))).toBe('invalid');
  });

  it('says a genuine link expired once its time has passed', () => {
    expect(signer.check(runId, 'pdf', queryOf(path), expiresAt)).toBe('expired');
  });

  it('refuses a missing, malformed or stretched signature or expiry', () => {
    const now = new Date('2026-12-10T00:00:00Z');
    const q = queryOf(path);
    expect(signer.check(runId, 'pdf', {}, now)).toBe('invalid');
    expect(signer.check(runId, 'pdf', { ...q, expires: `${q.expires}0` }, now)).toBe('invalid');
    expect(signer.check(runId, 'pdf', { ...q, expires: '1e12' }, now)).toBe('invalid');
    expect(signer.check(runId, 'pdf', { ...q, signature: q.signature!.slice(0, -2) }, now)).toBe('invalid');
  });

  it('needs a key of at least 32 bytes', () => {
    expect(() => new LinkSigner('short')).toThrow(/at least 32 bytes/);
  });
});
