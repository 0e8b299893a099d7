/**
 * What one run covers. The weekly run covers the whole fleet of the configuration; an on-demand run
 * may narrow it to some accounts, regions or clusters. Runs of the same scope share a history, so a
 * report's trends compare like with like.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FleetConfig } from '../config/fleetConfig.js';

export const scopeSchema = z.strictObject({
  accounts: z.array(z.string().regex(/^\d{12}$/, 'must be an account id of 12 digits')).min(1).max(1000).optional(),
  regions: z.array(z.string().regex(/^[a-z]{2}(?:-[a-z]+)+-\d+$/, 'must be a region name such as eu-west-1')).min(1).max(50).optional(),
  clusters: z.array(z.string().regex(/^[A-Za-z0-9_*-]{1,100}$/, 'must be a cluster name or a pattern with *')).min(1).max(1000).optional(),
});
export type RunScope = z.infer<typeof scopeSchema>;

/** The same scope, written the same way: lists sorted and deduplicated, empty ones dropped. */
export function normalScope(scope: RunScope): RunScope {
  const sorted = (list: readonly string[] | undefined) => (list && list.length > 0 ? [...new Set(list)].sort() : undefined);
  const accounts = sorted(scope.accounts);
  const regions = sorted(scope.regions);
  const clusters = sorted(scope.clusters);
  return { ...(accounts && { accounts }), ...(regions && { regions }), ...(clusters && { clusters }) };
}

/** `fleet` for the whole fleet, else `scope-` and a digest of the normal scope: a storage key's folder. */
export function scopeKey(scope: RunScope): string {
  const normal = normalScope(scope);
  if (Object.keys(normal).length === 0) return 'fleet';
  return `scope-${createHash('sha256').update(JSON.stringify(normal)).digest('hex').slice(0, 16)}`;
}

/** One line for people: `the whole fleet`, or `accounts 1111…, regions eu-west-1`. */
export function describeScope(scope: RunScope): string {
  const normal = normalScope(scope);
  const parts = [
    normal.accounts && `account${normal.accounts.length === 1 ? '' : 's'} ${normal.accounts.join(', ')}`,
    normal.regions && `region${normal.regions.length === 1 ? '' : 's'} ${normal.regions.join(', ')}`,
    normal.clusters && `cluster${normal.clusters.length === 1 ? '' : 's'} ${normal.clusters.join(', ')}`,
  ].filter(Boolean);
  return parts.length === 0 ? 'the whole fleet' : parts.join('; ');
}

export class ScopeError extends Error {
  override readonly name = 'ScopeError';
}

/**
 * The fleet configuration narrowed to the scope. A scope only takes away from what the
 * configuration covers: an account or region the configuration leaves out is a {@link ScopeError}
 * rather than a silently smaller run. (Accounts of an Organization are checked by discovery, which
 * lists an included account that is not ACTIVE as a gap.)
 */
export function narrowFleet(config: FleetConfig, scope: RunScope): FleetConfig {
  const { accounts, regions, clusters } = normalScope(scope);
  const outside = (asked: readonly string[] | undefined, allowed: readonly string[] | undefined) =>
    (asked && allowed ? asked.filter((a) => !allowed.includes(a)) : []);
  const problems = [
    ...outside(accounts, config.accounts.source === 'static' ? config.accounts.ids : config.accounts.include?.accounts).map((a) => `account ${a}`),
    ...(accounts ?? []).filter((a) => config.accounts.exclude?.accounts?.includes(a)).map((a) => `account ${a} (excluded)`),
    ...outside(regions, config.regions).map((r) => `region ${r}`),
  ];
  if (problems.length > 0) throw new ScopeError(`not in the configured fleet: ${problems.join(', ')}`);
  // Discovery includes an account named or under a listed OU: naming accounts would widen, not narrow, such a fleet.
  if (accounts && config.accounts.include?.ous?.length) {
    throw new ScopeError('a scope cannot name accounts when the configuration includes accounts by OU; narrow by region or cluster');
  }
  return {
    ...config,
    ...(accounts && {
      accounts: config.accounts.source === 'static'
        ? { ...config.accounts, ids: accounts }
        : { ...config.accounts, include: { ...config.accounts.include, accounts } },
    }),
    ...(regions && { regions }),
    ...(clusters && { clusters: { ...config.clusters, include: clusters } }),
  };
}

/** Why the configuration cannot take the scope, or undefined when it can. */
export function scopeProblemOf(config: FleetConfig, scope: RunScope): string | undefined {
  try {
    narrowFleet(config, scope);
    return undefined;
  } catch (err) {
    if (err instanceof ScopeError) return err.message;
    throw err;
  }
}
