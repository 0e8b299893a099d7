import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Store } from '../../lib/adapters/storage/s3Store.js';
import type { HistoryEntry } from '../../lib/core/run/history.js';
import { previousRun, readHistory, recordRun } from '../../lib/service/historyStore.js';
import { historyKeys } from '../../lib/service/runLayout.js';
import { startLocalS3, type LocalS3 } from '../helpers/localS3.js';

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
});
afterAll(() => s3.close());

let n = 0;
const store = () => new S3Store({ client: s3.client, bucket: s3.bucket, prefix: `h${++n}` });
const id = (day: number, suffix = 'aaaaaa') => `2026-12-${String(day).padStart(2, '0')}T06-00-00-000Z-${suffix}`;
const entry = (runId: string, score = 80): HistoryEntry => ({ runId, generatedAt: 'x', status: 'done', score, grade: 'B', coverage: 1, clusters: 2 });

describe('a scope\'s history in S3 (s3rver)', () => {
  it('records runs that finish at the same moment, every one of them, once', async () => {
    const s = store();
    const runs = Array.from({ length: 12 }, (_, i) => id(i + 1));
    await Promise.all(runs.map((r) => recordRun(s, 'fleet', {}, entry(r))));
    expect((await readHistory(s, 'fleet'))!.runs.map((r) => r.runId)).toEqual(runs);
    // A rerun of a run id replaces its entry.
    await recordRun(s, 'fleet', {}, entry(runs[3]!, 55));
    const index = (await readHistory(s, 'fleet'))!;
    expect(index.runs).toHaveLength(12);
    expect(index.runs[3]!.score).toBe(55);
    expect((await previousRun(s, 'fleet', runs[3]!))?.runId).toBe(runs[2]);
  });

  it('moves latest forward only: a run finishing after a newer one leaves it alone', async () => {
    const s = store();
    await recordRun(s, 'fleet', {}, entry(id(9)));
    await recordRun(s, 'fleet', {}, entry(id(2)));
    const latest = JSON.parse(Buffer.from((await s.get(historyKeys.latest('fleet')))!.body).toString());
    expect(latest.runId).toBe(id(9));
  });

  it('keeps scopes apart', async () => {
    const s = store();
    await recordRun(s, 'fleet', {}, entry(id(1)));
    await recordRun(s, 'scope-0123456789abcdef', { regions: ['eu-west-1'] }, entry(id(2)));
    expect((await readHistory(s, 'fleet'))!.runs.map((r) => r.runId)).toEqual([id(1)]);
    expect((await readHistory(s, 'scope-0123456789abcdef'))!.scope).toEqual({ regions: ['eu-west-1'] });
    expect(await previousRun(s, 'scope-0123456789abcdef', id(3))).toMatchObject({ runId: id(2) });
  });
});
