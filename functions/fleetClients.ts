/**
 * The AWS clients discovery and collection use in the member accounts (STS, EKS, EC2,
 * Organizations), once per container. Apart from runtime.ts so that the report and http
 * functions' bundles do not carry them.
 */
import { defaultAwsClients, type AwsClientFactory } from '../lib/adapters/aws/clients.js';

let clients: { readonly region: string; readonly factory: AwsClientFactory } | undefined;

export function fleetClients(region: string): AwsClientFactory {
  if (clients?.region !== region) clients = { region, factory: defaultAwsClients({ region }) };
  return clients.factory;
}
