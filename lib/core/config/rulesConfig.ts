/**
 * Tuning and accepted risks, the `rules:` and `exceptions:` sections of `kubeseg.yaml` (for `scan`
 * and `demo`, with `--config`) and of the fleet file (for `report` and the service):
 *
 *   rules:
 *     severity:    [{ technique, check?, severity }]            a check's severity, changed
 *     ignore:      [{ technique?, check?, resource?, cluster? }] findings not reported at all (counted)
 *     interfaces:  [{ name, images?, labels?, ports, declaredPorts? }] more sensitive interfaces (MS-TA9005)
 *   exceptions:    [{ technique, check?, resource, cluster?, reason, owner, expires }]
 *
 * `resource` is a pattern on a finding's resource as reports print it (`Deployment shop/web`,
 * `Namespace shop`, `User alice`), `cluster` on the cluster's name; `*` stands for any run of
 * characters. An exception turns a matching failure into an accepted risk until the end of the day
 * it expires (UTC); after that it stops applying and the report lists it as expired.
 */
import { z } from 'zod';
import { expected, parseYamlConfig, section } from './yamlConfig.js';

export class RulesConfigError extends Error {
  override readonly name = 'RulesConfigError';
}

const techniqueId = z.string(expected('must be a technique id such as MS-TA9034'))
  .regex(/^(?:MS-TA\d{4}|KUBESEG-[A-Z]+)$/, 'must be a technique id such as MS-TA9034 (kubeseg explain lists them)');
const checkName = z.string(expected('must be a check name such as open-to-other-workloads'))
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a check name such as open-to-other-workloads');
const pattern = (what: string) => z.string(expected(`must be a ${what} or a pattern with *`))
  .min(1, `must be a ${what} or a pattern with *`).max(300, 'is longer than 300 characters');
const severity = z.enum(['low', 'medium', 'high', 'critical'], expected('must be one of: low, medium, high, critical'));
const text = (what: string) => z.string(expected(`must be ${what}`)).trim().min(3, `must be ${what}`).max(500, 'is longer than 500 characters');
/** A calendar date; YAML reads an unquoted 2027-03-31 as a timestamp, which is taken as that date. */
const date = z.preprocess(
  (value) => (value instanceof Date && !Number.isNaN(value.getTime()) ? value.toISOString().slice(0, 10) : value),
  z.string(expected('must be a date such as 2027-03-31')).regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date such as 2027-03-31')
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a calendar date'),
);

const matcherShape = {
  technique: techniqueId.optional(),
  check: checkName.optional(),
  resource: pattern('resource such as "Deployment shop/web"').optional(),
  cluster: pattern('cluster name').optional(),
};

const port = z.int(expected('must be a port number from 1 to 65535')).min(1, 'must be a port number from 1 to 65535').max(65535, 'must be a port number from 1 to 65535');
const interfaceSchema = section({
  name: text('a name such as "Internal admin UI"'),
  /** Substrings of the container image. */
  images: z.array(z.string(expected('must be part of an image name')).trim().min(3, 'must be at least 3 characters of an image name').toLowerCase(),
    expected('must be a list')).optional(),
  /** Pod label sets: a pod carrying every pair of one set matches. */
  labels: z.array(z.record(z.string(), z.string(expected('must be a label value (quote numbers)'))), expected('must be a list of label mappings')).optional(),
  ports: z.array(port, expected('must be a list of ports')).min(1, 'must list at least one port'),
  /** True (the default): the TCP ports its containers declare replace `ports` when there are any. */
  declaredPorts: z.boolean(expected('must be true or false')).default(true),
}).refine((i) => (i.images?.length ?? 0) + (i.labels?.length ?? 0) > 0, 'recognises nothing: give images or labels');

const rulesSection = section({
  /** Sensitive interfaces beyond kubeseg's catalogue (MS-TA9005). */
  interfaces: z.array(interfaceSchema, expected('must be a list')).optional(),
  severity: z.array(section({ technique: techniqueId, check: checkName.optional(), severity }), expected('must be a list')).optional(),
  ignore: z.array(section(matcherShape).refine((m) => Object.values(m).some((v) => v !== undefined),
    'names nothing to ignore: give at least one of technique, check, resource, cluster'), expected('must be a list')).optional(),
});

const exceptionSchema = section({
  ...matcherShape,
  technique: techniqueId,
  resource: pattern('resource such as "Deployment shop/web"'),
  reason: text('a reason of at least 3 characters'),
  owner: text('the owner: a team or a person to ask'),
  expires: date,
});

export const rulesSections = {
  rules: rulesSection.optional(),
  exceptions: z.array(exceptionSchema, expected('must be a list')).optional(),
};

const rulesFileSchema = section(rulesSections);

export type RulesConfig = z.output<typeof rulesFileSchema>;
export type FindingMatcher = { readonly technique?: string; readonly check?: string; readonly resource?: string; readonly cluster?: string };
export type ExceptionConfig = NonNullable<RulesConfig['exceptions']>[number];

/** Parses and validates `kubeseg.yaml`; throws a {@link RulesConfigError} of one line naming the line and field. */
export function parseRulesConfig(text: string, file: string): RulesConfig {
  return parseYamlConfig(text, file, rulesFileSchema, (message) => new RulesConfigError(message), 'it needs rules: or exceptions: (see examples/kubeseg.yaml)');
}
