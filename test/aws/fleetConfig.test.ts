import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FleetConfigError, parseFleetConfig } from '../../lib/core/config/fleetConfig.js';

const ORG = 'accounts:\n  source: organizations\nrole:\n  name: KubesegReader\n';

/** The message of the FleetConfigError that parsing `text` throws. */
function errorOf(text: string, file = 'fleet.yaml'): string {
  try {
    parseFleetConfig(text, file);
  } catch (err) {
    expect(err).toBeInstanceOf(FleetConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a FleetConfigError');
}

describe('parseFleetConfig', () => {
  it('reads the commented example with every field', () => {
    // Prepare
    const text = readFileSync(new URL('../../examples/fleet.yaml', import.meta.url), 'utf8');
    // Act
    const config = parseFleetConfig(text, 'examples/fleet.yaml');
    // Assess
    expect(config).toEqual({
      accounts: { source: 'organizations', include: { accounts: ['111122223333'], ous: ['ou-abcd-12345678'] }, exclude: { accounts: ['999988887777'], ous: [] } },
      role: { name: 'KubesegReader', externalId: 'kubeseg-7Hq2x', sessionName: 'kubeseg' },
      regions: ['eu-west-1', 'us-east-1'],
      clusters: { include: ['prod-*', 'payments'], exclude: ['*-sandbox'] },
      concurrency: { clusters: 16, perAccount: 4, requestsPerCluster: 4 },
      timeouts: { requestSeconds: 15 },
      email: { from: 'kubeseg@example.com', to: ['security@example.com', 'platform-leads@example.com'], attachPdfUpToMiB: 5 },
    });
  });

  it('fills in the defaults of a minimal file', () => {
    expect(parseFleetConfig(ORG, 'f.yaml')).toEqual({
      accounts: { source: 'organizations' },
      role: { name: 'KubesegReader', sessionName: 'kubeseg' },
      concurrency: { clusters: 16, perAccount: 4, requestsPerCluster: 4 },
      timeouts: { requestSeconds: 15 },
    });
  });

  it('accepts static ids and the current identity without a role', () => {
    expect(parseFleetConfig('accounts:\n  source: static\n  ids: ["111122223333", "012345678901"]\nrole: { name: R1 }\n', 'f').accounts.ids)
      .toEqual(['111122223333', '012345678901']);
    expect(parseFleetConfig('accounts: { source: current }\n', 'f').role).toBeUndefined();
  });

  it.each([
    ['a typo in a key, naming the keys allowed', `${ORG}  sesionName: x\n`,
      'fleet.yaml:5:3: role.sesionName: unknown key; expected one of: name, externalId, sessionName'],
    ['an unknown top-level section', `${ORG}report: {}\n`,
      'fleet.yaml:5:1: report: unknown key; expected one of: accounts, role, regions, clusters, concurrency, timeouts, email, rules, exceptions'],
    ['an account id written as a number', 'accounts:\n  source: static\n  ids:\n    - "111122223333"\n    - 111122223334\nrole: { name: R }\n',
      'fleet.yaml:5:7: accounts.ids[1]: must be a quoted string of 12 digits'],
    ['a bad source', 'accounts:\n  source: organisations\nrole: { name: R }\n',
      'fleet.yaml:2:11: accounts.source: must be one of: organizations, static, current'],
    ['a missing source', 'accounts:\n  ids: []\nrole: { name: R }\n',
      'fleet.yaml:2:3: accounts.source: is required (and 1 more problem)'],
    ['static without ids', 'accounts:\n  source: static\nrole: { name: R }\n',
      'fleet.yaml:2:3: accounts: ids is required with source: static'],
    ['ids without static', 'accounts:\n  source: organizations\n  ids: ["111122223333"]\nrole: { name: R }\n',
      'fleet.yaml:3:8: accounts.ids: only allowed with source: static'],
    ['OUs without organizations', 'accounts:\n  source: static\n  ids: ["111122223333"]\n  exclude:\n    ous: [ou-ab12-abcdefgh]\nrole: { name: R }\n',
      'fleet.yaml:5:10: accounts.exclude.ous: OUs need source: organizations'],
    ['a malformed OU id', 'accounts:\n  source: organizations\n  include: { ous: [ou-x] }\nrole: { name: R }\n',
      'fleet.yaml:3:20: accounts.include.ous[0]: must be an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)'],
    ['a missing role', 'accounts:\n  source: organizations\n',
      'fleet.yaml:1:1: (top level): role is required with accounts.source: organizations'],
    ['a role with current', 'accounts: { source: current }\nrole: { name: R }\n',
      'fleet.yaml:2:7: role: not used with accounts.source: current (no role is assumed); remove it'],
    ['a missing role name', 'accounts: { source: organizations }\nrole:\n  sessionName: kubeseg\n',
      'fleet.yaml:3:3: role.name: is required'],
    ['a session name STS would refuse', `${ORG}  sessionName: "kube seg"\n`,
      'fleet.yaml:5:16: role.sessionName: must be 2 to 64 characters of letters, digits and +=,.@_-'],
    ['a bad region', `${ORG}regions: [eu-west-1, Europe]\n`, 'fleet.yaml:5:22: regions[1]: must be a region name such as eu-west-1'],
    ['a repeated region', `${ORG}regions: [eu-west-1, eu-west-1]\n`, 'fleet.yaml:5:10: regions: lists the same region twice'],
    ['an empty region list', `${ORG}regions: []\n`, 'fleet.yaml:5:10: regions: must list at least one region, or be left out'],
    ['a bad cluster pattern', `${ORG}clusters:\n  include: ["prod/*"]\n`,
      'fleet.yaml:6:13: clusters.include[0]: must be a cluster name (letters, digits, - and _) or a pattern with *'],
    ['a concurrency of zero', `${ORG}concurrency:\n  perAccount: 0\n`, 'fleet.yaml:6:15: concurrency.perAccount: must be a whole number from 1 to 64'],
    ['a fractional concurrency', `${ORG}concurrency: { clusters: 2.5 }\n`, 'fleet.yaml:5:26: concurrency.clusters: must be a whole number from 1 to 256'],
    ['a recipient that is not an address', `${ORG}email:\n  from: kubeseg@example.com\n  to: [security@example.com, "security team"]\n`,
      'fleet.yaml:7:30: email.to[1]: must be an email address'],
    ['an email section without recipients', `${ORG}email:\n  from: kubeseg@example.com\n`, 'fleet.yaml:6:3: email.to: is required'],
    ['a timeout as text', `${ORG}timeouts:\n  requestSeconds: soon\n`, 'fleet.yaml:6:19: timeouts.requestSeconds: must be a number of seconds from 1 to 300'],
    ['a section that is not a mapping', 'accounts: organizations\n',
      'fleet.yaml:1:11: accounts: must be a mapping with keys among: source, ids, include, exclude'],
    ['a list at the top', '- accounts\n', 'fleet.yaml:1:1: (top level): must be a mapping with keys among: accounts, role, regions, clusters, concurrency, timeouts, email, rules, exceptions'],
    ['an empty file', '# nothing yet\n', 'fleet.yaml:1:1: the file is empty; it needs at least accounts: (see examples/fleet.yaml)'],
    ['a duplicate key', `${ORG}regions: [eu-west-1]\nregions: [us-east-1]\n`, 'fleet.yaml:6:1: YAML syntax error: a key appears twice in the same mapping'],
    ['an unclosed quote', `${ORG}regions: "eu-west-1\n`, 'fleet.yaml:6:1: YAML syntax error: a quote or bracket is not closed'],
    ['a second document', `${ORG}---\naccounts: {}\n`, 'fleet.yaml:5:1: YAML syntax error: the file holds more than one YAML document (---)'],
    ['an unclosed bracket', `${ORG}regions: [eu-west-1\n`, 'fleet.yaml:6:1: YAML syntax error: bad indentation'],
  ])('reports %s with file, line, column and field', (_, text, message) => {
    expect(errorOf(text)).toBe(message);
  });

  it('reports the problem that comes first in the file', () => {
    expect(errorOf('accounts:\n  source: nope\nrole:\n  name: "has space"\n')).toMatch(/^fleet\.yaml:2:11: accounts\.source: .*\(and 1 more problem\)$/);
  });

  it('keeps every message on one line and shows control characters in key names', () => {
    const message = errorOf(`${ORG}"bad\\nkey\\u202e": 1\n`);
    expect(message).not.toContain('\n');
    expect(message).toContain('bad<U+000A>key<U+202E>: unknown key');
  });

  describe('never shows the ExternalId', () => {
    const secret = 'Xq9-SECRET-ext-id';
    it.each([
      ['invalid characters', `${ORG}  externalId: "${secret} with spaces"\n`],
      ['too short', `${ORG}  externalId: "x"\n`],
      ['a number', `${ORG}  externalId: 12345678\n`, '12345678'],
      ['a list', `${ORG}  externalId: ["${secret}"]\n`],
      ['an unclosed quote', `${ORG}  externalId: "${secret}\n`],
      ['a bad indent after it', `${ORG}  externalId: ${secret}\n     bad: indent\n`],
      ['a duplicate of it', `${ORG}  externalId: ${secret}\n  externalId: ${secret}\n`],
      ['a misplaced one', `accounts:\n  source: organizations\n  externalId: ${secret}\nrole: { name: R }\n`],
      ['a stray mapping', `${ORG}  externalId: { ${secret}: 1 }\n`],
    ])('when it is %s', (_, text, value = secret) => {
      const message = errorOf(text);
      expect(message).toMatch(/^fleet\.yaml:\d+:\d+: /);
      expect(message).not.toContain(value);
      expect(message).not.toContain('SECRET');
    });
  });
});
