/**
 * The fleet section of the kubeseg configuration file: which AWS accounts, role, regions and
 * clusters discovery covers, and how hard it may push. Parsed from text (the caller reads the file)
 * and validated with zod; every error is one line that names the file, line, column and field.
 * Credentials never go in the file: the AWS default credential chain and profiles apply.
 */
import { z } from 'zod';
import { rulesSections, type RulesConfig } from './rulesConfig.js';
import { expected, parseYamlConfig, section } from './yamlConfig.js';

export class FleetConfigError extends Error {
  override readonly name = 'FleetConfigError';
}

// Messages below never quote the value: one of them may be the ExternalId.
const accountId = z.string(expected('must be a quoted string of 12 digits'))
  .regex(/^\d{12}$/, 'must be a quoted string of 12 digits');
const ouId = z.string(expected('must be an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)'))
  .regex(/^(?:ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}|r-[0-9a-z]{4,32})$/, 'must be an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)');
const region = z.string(expected('must be a region name such as eu-west-1'))
  .regex(/^[a-z]{2}(?:-[a-z]+)+-\d+$/, 'must be a region name such as eu-west-1');
/** An EKS cluster name, or a pattern in which `*` stands for any run of characters. */
const clusterPattern = z.string(expected('must be a cluster name or a pattern with *'))
  .regex(/^[A-Za-z0-9_*-]{1,100}$/, 'must be a cluster name (letters, digits, - and _) or a pattern with *');

function uniqueList<T extends z.ZodType<string>>(item: T, what: string) {
  return z.array(item, expected(`must be a list of ${what}`))
    .refine((list) => new Set(list).size === list.length, `lists the same ${what.replace(/s$/, '')} twice`);
}

const accountFilter = section({
  accounts: uniqueList(accountId, 'account ids').optional(),
  ous: uniqueList(ouId, 'OU ids').optional(),
});

const accountsSection = section({
  /** organizations: every ACTIVE account of the Organization; static: `ids`; current: the caller's own account. */
  source: z.enum(['organizations', 'static', 'current'], expected('must be one of: organizations, static, current')),
  ids: uniqueList(accountId, 'account ids').min(1, 'must list at least one account id').optional(),
  include: accountFilter.optional(),
  exclude: accountFilter.optional(),
});

const roleSection = section({
  /** The role to assume in each member account, optionally under a path (`kubeseg/Reader`). */
  name: z.string(expected('must be an IAM role name'))
    .regex(/^(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/, 'must be an IAM role name (letters, digits and +=,.@_-, optionally under a path)'),
  externalId: z.string(expected('must be a quoted string'))
    .regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2 to 1224 characters of letters, digits and +=,.@:/-_').optional(),
  sessionName: z.string(expected('must be a string'))
    .regex(/^[\w+=,.@-]{2,64}$/, 'must be 2 to 64 characters of letters, digits and +=,.@_-').default('kubeseg'),
});

function count(max: number, fallback: number) {
  const message = `must be a whole number from 1 to ${max}`;
  return z.int(expected(message)).min(1, message).max(max, message).default(fallback);
}

const concurrencySection = section({
  /** Clusters (and, during discovery, AWS operations) in flight at once across the fleet. */
  clusters: count(256, 16),
  /** The same, within one account: AWS API rate limits are per account and region. */
  perAccount: count(64, 4),
  /** Kubernetes API requests in flight at once against one cluster. */
  requestsPerCluster: count(32, 4),
});

const timeoutsSection = section({
  /** One AWS or Kubernetes request; a slower one fails (and AWS requests are retried). */
  requestSeconds: z.number(expected('must be a number of seconds from 1 to 300'))
    .min(1, 'must be a number of seconds from 1 to 300').max(300, 'must be a number of seconds from 1 to 300').default(15),
});

const emailAddress = z.email(expected('must be an email address'));

const emailSection = section({
  /** The sender: an address (or domain) verified in SES, or one the SMTP server accepts. */
  from: emailAddress,
  to: uniqueList(emailAddress, 'email addresses').min(1, 'must list at least one recipient').max(50, 'lists more than 50 recipients'),
  /** A larger PDF is linked, not attached (SES takes 40 MB per message, many mailboxes far less). */
  attachPdfUpToMiB: z.number(expected('must be a number of MiB from 0 to 20'))
    .min(0, 'must be a number of MiB from 0 to 20').max(20, 'must be a number of MiB from 0 to 20').default(5),
});

/**
 * Top-level sections. A later section (report, recipients, rules) is one more key here; unknown
 * top-level keys stay errors, so a typo'd section name is reported, not ignored.
 */
const fleetSections = {
  accounts: accountsSection,
  role: roleSection.optional(),
  regions: uniqueList(region, 'regions').min(1, 'must list at least one region, or be left out').optional(),
  clusters: section({
    include: uniqueList(clusterPattern, 'cluster names').optional(),
    exclude: uniqueList(clusterPattern, 'cluster names').optional(),
  }).optional(),
  concurrency: concurrencySection.prefault({}),
  timeouts: timeoutsSection.prefault({}),
  /** Who gets each run's summary; without it, runs are stored and not mailed. */
  email: emailSection.optional(),
  /** Tuning and accepted risks, as in kubeseg.yaml (rulesConfig.ts). */
  ...rulesSections,
};

const fleetConfigSchema = section(fleetSections).superRefine((config, ctx) => {
  const { source, ids, include, exclude } = config.accounts;
  if (source === 'static' && !ids) ctx.addIssue({ code: 'custom', path: ['accounts'], message: 'ids is required with source: static' });
  if (source !== 'static' && ids) ctx.addIssue({ code: 'custom', path: ['accounts', 'ids'], message: 'only allowed with source: static' });
  for (const [name, filter] of [['include', include], ['exclude', exclude]] as const) {
    if (filter?.ous && source !== 'organizations') {
      ctx.addIssue({ code: 'custom', path: ['accounts', name, 'ous'], message: 'OUs need source: organizations' });
    }
  }
  if (source === 'current' && config.role) ctx.addIssue({ code: 'custom', path: ['role'], message: 'not used with accounts.source: current (no role is assumed); remove it' });
  if (source !== 'current' && !config.role) ctx.addIssue({ code: 'custom', path: [], message: `role is required with accounts.source: ${source}` });
});

export type FleetConfig = z.output<typeof fleetConfigSchema>;
export type AccountsConfig = FleetConfig['accounts'];
export type RoleConfig = NonNullable<FleetConfig['role']>;
export type ClusterFilter = NonNullable<FleetConfig['clusters']>;
export type EmailConfig = NonNullable<FleetConfig['email']>;

/** Parses and validates the text of a fleet configuration file; throws a {@link FleetConfigError}. */
export function parseFleetConfig(text: string, file: string): FleetConfig {
  return parseYamlConfig(text, file, fleetConfigSchema, (message) => new FleetConfigError(message), 'it needs at least accounts: (see examples/fleet.yaml)');
}

/** The fleet file's rules and exceptions (as kubeseg.yaml holds them), when it has any. */
export function fleetRules(config: FleetConfig): RulesConfig | undefined {
  if (!config.rules && !config.exceptions) return undefined;
  return { ...(config.rules && { rules: config.rules }), ...(config.exceptions && { exceptions: config.exceptions }) };
}
