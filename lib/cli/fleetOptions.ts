/** The options that name an AWS fleet, shared by `collect` and `report`. */
import { Option, type Command } from 'commander';
import type { FleetOptions } from './fleet.js';

export interface FleetFlags {
  config?: string;
  profile?: string;
  region?: string;
}

export function addFleetOptions(command: Command, configRequired = false): Command {
  const config = new Option('--config <file>', 'the fleet file: accounts, role, regions, clusters, concurrency and timeouts (see examples/fleet.yaml)');
  return command
    .addOption(configRequired ? config.makeOptionMandatory() : config)
    .addOption(new Option('--profile <name>', 'the AWS profile to start from instead of the default credential chain'))
    .addOption(new Option('--region <region>', 'the region of the starting identity (STS, partition); default AWS_REGION, else us-east-1'));
}

export function fleetOptions(flags: FleetFlags & { config: string }, terminal: boolean): FleetOptions {
  return {
    config: flags.config,
    ...(flags.profile !== undefined && { profile: flags.profile }),
    ...(flags.region !== undefined && { region: flags.region }),
    terminal,
  };
}
