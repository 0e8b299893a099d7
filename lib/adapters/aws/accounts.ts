/**
 * Which accounts discovery covers: the ACTIVE accounts of the Organization (OUs resolved
 * recursively), a static list, or the caller's own; then the include and exclude filters.
 */
import {
  AccountState, ListAccountsCommand, ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AccountsConfig } from '../../core/config/fleetConfig.js';
import { allPages, type Call } from './pages.js';

export interface FleetAccount {
  readonly id: string;
  /** The Organization's name for it, when listed from the Organization. */
  readonly name?: string;
}

export interface AccountListing {
  readonly accounts: FleetAccount[];
  /** Accounts that `include.accounts` names but that are not ACTIVE members (or not in the static list). */
  readonly missing: string[];
}

export interface AccountSources {
  readonly organizations: () => OrganizationsClient;
  /** The hub identity's STS client, for `source: current`. */
  readonly sts: () => STSClient;
  readonly call: Call;
}

/** Lists the accounts to cover, sorted by id; throws when the listing itself fails. */
export async function listFleetAccounts(config: AccountsConfig, sources: AccountSources): Promise<AccountListing> {
  const all = await sourceAccounts(config, sources);
  const ids = new Set(all.map((a) => a.id));
  const org = config.source === 'organizations' ? sources.organizations() : undefined;
  const under = (ous: readonly string[] | undefined) => (org && ous?.length ? accountsUnder(org, ous, sources.call) : Promise.resolve(new Set<string>()));

  const { include, exclude } = config;
  const includeAll = !include?.accounts?.length && !include?.ous?.length;
  const included = new Set([...(include?.accounts ?? []), ...await under(include?.ous)]);
  const excluded = new Set([...(exclude?.accounts ?? []), ...await under(exclude?.ous)]);

  const accounts = all.filter((a) => (includeAll || included.has(a.id)) && !excluded.has(a.id));
  const missing = (include?.accounts ?? []).filter((id) => !ids.has(id) && !excluded.has(id));
  return { accounts: accounts.sort((a, b) => a.id.localeCompare(b.id)), missing: [...missing].sort() };
}

async function sourceAccounts(config: AccountsConfig, { organizations, sts, call }: AccountSources): Promise<FleetAccount[]> {
  switch (config.source) {
    case 'static':
      return (config.ids ?? []).map((id) => ({ id }));
    case 'current': {
      const identity = await call(() => sts().send(new GetCallerIdentityCommand({})));
      if (!identity.Account) throw new Error('GetCallerIdentity returned no account id');
      return [{ id: identity.Account }];
    }
    case 'organizations': {
      const client = organizations();
      const listed = await allPages(call, (NextToken) => client.send(new ListAccountsCommand({ NextToken })),
        (page) => page.Accounts, (page) => page.NextToken);
      // `State`, not the retired `Status`: SUSPENDED and PENDING_CLOSURE accounts have no clusters to scan.
      return listed.filter((a) => a.State === AccountState.ACTIVE && a.Id)
        .map((a) => ({ id: a.Id!, ...(a.Name ? { name: a.Name } : {}) }));
    }
  }
}

/** Every account under the given OUs or roots, however deep. */
async function accountsUnder(org: OrganizationsClient, parents: readonly string[], call: Call): Promise<Set<string>> {
  const accounts = new Set<string>();
  const seen = new Set<string>();
  const visit = async (parentId: string): Promise<void> => {
    if (seen.has(parentId)) return;
    seen.add(parentId);
    const [direct, children] = await Promise.all([
      allPages(call, (NextToken) => org.send(new ListAccountsForParentCommand({ ParentId: parentId, NextToken })),
        (page) => page.Accounts, (page) => page.NextToken),
      allPages(call, (NextToken) => org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parentId, NextToken })),
        (page) => page.OrganizationalUnits, (page) => page.NextToken),
    ]);
    for (const a of direct) if (a.Id) accounts.add(a.Id);
    await Promise.all(children.flatMap((ou) => (ou.Id ? [visit(ou.Id)] : [])));
  };
  await Promise.all(parents.map(visit));
  return accounts;
}
