import { describe, expect, it } from 'vitest';
import { parseFleetConfig } from '../../lib/core/config/fleetConfig.js';
import { runBefore, withRun, type HistoryEntry, type HistoryIndex } from '../../lib/core/run/history.js';
import { isRunId, newRunId } from '../../lib/core/run/runId.js';
import { describeScope, narrowFleet, normalScope, ScopeError, scopeKey } from '../../lib/core/run/scope.js';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('run ids', () => {
  it('carry the start time to the millisecond and sort in time order', () => {
    const a = newRunId(new Date('2026-12-04T06:00:00.009Z'), bytes(250, 1, 2, 3, 4, 5, 6, 7));
    const b = newRunId(new Date('2026-12-04T06:00:00.010Z'), bytes(0, 0, 0, 0, 0, 0, 0, 0));
    expect(a).toBe('2026-12-04T06-00-00-009Z-8bcdefgh');
    expect(a < b).toBe(true);
    expect(isRunId(a)).toBe(true);
    // A Step Functions execution name: no colons, slashes or spaces.
    expect(a).not.toMatch(/[:/ ]/);
  });

  it('refuse anything else as a run id: a path, a bare timestamp, too little randomness', () => {
    for (const bad of ['../x', '2026-12-04T06-00-00-000Z', '2026-12-04T06-00-00-000Z-ab', '2026-12-04T06:00:00.000Z-abcdefgh']) expect(isRunId(bad)).toBe(false);
    expect(() => newRunId(new Date(), bytes(1, 2))).toThrow(/6 random bytes/);
  });
});

describe('scopes', () => {
  it('name the whole fleet `fleet`, and the same narrowing the same way however it is written', () => {
    expect(scopeKey({})).toBe('fleet');
    expect(scopeKey({ regions: [] } as never)).toBe('fleet');
    const one = scopeKey({ accounts: ['222222222222', '111111111111'], regions: ['eu-west-1'] });
    expect(one).toMatch(/^scope-[0-9a-f]{16}$/);
    expect(scopeKey({ regions: ['eu-west-1', 'eu-west-1'], accounts: ['111111111111', '222222222222'] })).toBe(one);
    expect(scopeKey({ regions: ['eu-west-2'] })).not.toBe(one);
    expect(normalScope({ clusters: ['b', 'a', 'b'] })).toEqual({ clusters: ['a', 'b'] });
    expect(describeScope({})).toBe('the whole fleet');
    expect(describeScope({ accounts: ['111111111111'], clusters: ['prod-*'] })).toBe('account 111111111111; cluster prod-*');
  });

  const staticFleet = parseFleetConfig('accounts:\n  source: static\n  ids: ["111111111111", "222222222222"]\nrole: { name: R }\nregions: [eu-west-1, us-east-1]\n', 'f.yaml');

  it('narrow a fleet to some of its accounts, regions and clusters', () => {
    const narrowed = narrowFleet(staticFleet, { accounts: ['222222222222'], regions: ['us-east-1'], clusters: ['prod-*'] });
    expect(narrowed.accounts.ids).toEqual(['222222222222']);
    expect(narrowed.regions).toEqual(['us-east-1']);
    expect(narrowed.clusters?.include).toEqual(['prod-*']);
    expect(narrowFleet(staticFleet, {})).toEqual(staticFleet);
  });

  it('never widen a fleet: an account, region or excluded account outside it is refused, with what', () => {
    expect(() => narrowFleet(staticFleet, { accounts: ['333333333333'], regions: ['ap-south-1'] }))
      .toThrow(new ScopeError('not in the configured fleet: account 333333333333, region ap-south-1'));
    const org = parseFleetConfig('accounts:\n  source: organizations\n  exclude: { accounts: ["999999999999"] }\nrole: { name: R }\n', 'f.yaml');
    expect(() => narrowFleet(org, { accounts: ['999999999999'] })).toThrow(/account 999999999999 \(excluded\)/);
    expect(narrowFleet(org, { accounts: ['111111111111'] }).accounts.include?.accounts).toEqual(['111111111111']);
    const byOu = parseFleetConfig('accounts:\n  source: organizations\n  include: { ous: [ou-ab12-abcdefgh] }\nrole: { name: R }\n', 'f.yaml');
    expect(() => narrowFleet(byOu, { accounts: ['111111111111'] })).toThrow(/by OU/);
  });
});

describe('history', () => {
  const entry = (runId: string, score: number): HistoryEntry => ({ runId, generatedAt: 'x', status: 'done', score, grade: 'A', coverage: 1, clusters: 1 });
  const empty: HistoryIndex = { schemaVersion: 1, scope: {}, runs: [] };
  const ids = ['2026-11-20T06-00-00-000Z-aaaaaa', '2026-11-27T06-00-00-000Z-bbbbbb', '2026-12-04T06-00-00-000Z-cccccc'];

  it('keeps one entry per run in run order: a rerun replaces its entry, an older run keeps its place', () => {
    let index = withRun(empty, entry(ids[2]!, 70));
    index = withRun(index, entry(ids[0]!, 50));
    index = withRun(index, entry(ids[2]!, 75));
    expect(index.runs.map((r) => [r.runId, r.score])).toEqual([[ids[0], 50], [ids[2], 75]]);
  });

  it('compares a run with the one before it, never with itself or a later one', () => {
    const index = [0, 1, 2].reduce((acc, i) => withRun(acc, entry(ids[i]!, i)), empty);
    expect(runBefore(index, ids[2]!)?.runId).toBe(ids[1]);
    expect(runBefore(index, ids[1]!)?.runId).toBe(ids[0]);
    expect(runBefore(index, ids[0]!)).toBeUndefined();
  });

  it('drops the oldest entries past the limit', () => {
    const index = [0, 1, 2].reduce((acc, i) => withRun(acc, entry(ids[i]!, i), 2), empty);
    expect(index.runs.map((r) => r.runId)).toEqual(ids.slice(1));
  });
});
