import { describe, expect, it } from 'vitest';
import { DEPLOY_PARAMETERS, fleetFromParameters } from '../../lib/core/config/deployedFleet.js';

describe('the fleet of the deploy parameters', () => {
  it('is undefined without accounts, so a fleet file is asked for', () => {
    expect(fleetFromParameters({})).toBeUndefined();
    expect(fleetFromParameters({ FLEET_ACCOUNTS: '  ' })).toBeUndefined();
  });

  it('scans the hub account itself with accounts=current, every enabled region, no role and no email', () => {
    const fleet = fleetFromParameters({ FLEET_ACCOUNTS: 'current', FLEET_REGIONS: '', FLEET_ROLE_NAME: 'KubesegReader', EMAIL_FROM: 'k@example.com', EMAIL_TO: '' })!;
    expect(fleet.accounts).toEqual({ source: 'current' });
    expect([fleet.role, fleet.regions, fleet.email]).toEqual([undefined, undefined, undefined]);
  });

  it('reads an Organization or a list of accounts through the member role, with its ExternalId, regions and recipients', () => {
    expect(fleetFromParameters({ FLEET_ACCOUNTS: 'organizations', FLEET_ROLE_NAME: 'kubeseg/Reader', FLEET_EXTERNAL_ID: 'ext-123' })).toMatchObject({
      accounts: { source: 'organizations' }, role: { name: 'kubeseg/Reader', externalId: 'ext-123', sessionName: 'kubeseg' },
    });
    expect(fleetFromParameters({
      FLEET_ACCOUNTS: '111111111111, 222222222222', FLEET_REGIONS: 'eu-west-1,us-east-1', EMAIL_FROM: 'kubeseg@example.com', EMAIL_TO: 'a@example.com, b@example.com',
    })).toMatchObject({
      accounts: { source: 'static', ids: ['111111111111', '222222222222'] }, role: { name: 'KubesegReader' }, regions: ['eu-west-1', 'us-east-1'],
      email: { from: 'kubeseg@example.com', to: ['a@example.com', 'b@example.com'], attachPdfUpToMiB: 5 },
    });
  });

  it('refuses a bad parameter in one line naming the field, never the value', () => {
    expect(() => fleetFromParameters({ FLEET_ACCOUNTS: '12345' })).toThrow(new RegExp(`^${DEPLOY_PARAMETERS}:\\d+:\\d+: accounts\\.ids\\[0\\]: must be a quoted string of 12 digits$`));
    expect(() => fleetFromParameters({ FLEET_ACCOUNTS: 'organizations', FLEET_EXTERNAL_ID: 'bad id with spaces' })).toThrow(/role\.externalId: must be 2 to 1224 characters/);
    expect(() => fleetFromParameters({ FLEET_ACCOUNTS: 'organizations', FLEET_EXTERNAL_ID: 'bad id with spaces' })).not.toThrow(/bad id/);
    expect(() => fleetFromParameters({ FLEET_ACCOUNTS: 'current', EMAIL_TO: 'a@example.com' })).toThrow(/email\.from: must be an email address/);
  });
});
