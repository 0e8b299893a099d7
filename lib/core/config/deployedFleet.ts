/**
 * The fleet of a deployment that has no fleet file in its bucket: built from the deploy
 * parameters (serverless.yml passes them to the functions as FLEET_* and EMAIL_* variables).
 * They cover the common case; include/exclude filters, cluster patterns and limits need the file.
 * The text is written with the YAML library and parsed like a file, so the same validation and
 * the same one-line errors apply, naming the field (never the value).
 */
import { stringify } from 'yaml';
import { parseFleetConfig, type FleetConfig } from './fleetConfig.js';

export interface FleetParameters {
  /** `organizations`, `current`, or account ids separated by commas. */
  readonly FLEET_ACCOUNTS?: string | undefined;
  /** Regions separated by commas; empty for every enabled region. */
  readonly FLEET_REGIONS?: string | undefined;
  readonly FLEET_ROLE_NAME?: string | undefined;
  readonly FLEET_EXTERNAL_ID?: string | undefined;
  readonly EMAIL_FROM?: string | undefined;
  /** Recipients separated by commas; empty for no email. */
  readonly EMAIL_TO?: string | undefined;
}

export const DEPLOY_PARAMETERS = 'the deploy parameters';

const list = (value: string | undefined): string[] => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

/** The fleet the parameters describe, or undefined when they name no accounts. */
export function fleetFromParameters(params: FleetParameters): FleetConfig | undefined {
  const accounts = (params.FLEET_ACCOUNTS ?? '').trim();
  if (accounts === '') return undefined;
  const source = accounts === 'organizations' || accounts === 'current' ? accounts : 'static';
  const regions = list(params.FLEET_REGIONS);
  const to = list(params.EMAIL_TO);
  const document = {
    accounts: source === 'static' ? { source, ids: list(accounts) } : { source },
    ...(source !== 'current' && {
      role: { name: params.FLEET_ROLE_NAME || 'KubesegReader', ...(params.FLEET_EXTERNAL_ID && { externalId: params.FLEET_EXTERNAL_ID }) },
    }),
    ...(regions.length > 0 && { regions }),
    ...(to.length > 0 && { email: { from: params.EMAIL_FROM ?? '', to } }),
  };
  return parseFleetConfig(stringify(document), DEPLOY_PARAMETERS);
}
