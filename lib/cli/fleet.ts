/**
 * The AWS fleet for `report --config` and `collect --config`: the fleet file → discovery and
 * collection (lib/adapters/aws/collectFleet.ts) with a progress display. A fleet file that cannot
 * be read or is invalid is an input error, named in one line; an account or cluster that fails is
 * reported in its snapshot.
 */
import { defaultAwsClients } from '../adapters/aws/clients.js';
import { collectFleet } from '../adapters/aws/collectFleet.js';
import { FleetConfigError, parseFleetConfig, type FleetConfig } from '../core/config/fleetConfig.js';
import type { DiagnosticList } from '../core/diagnostics.js';
import type { EvidenceSnapshot } from '../core/evidence/snapshot.js';
import { readConfigFile } from './configFile.js';
import type { Io } from './io.js';
import { createProgress } from './progress.js';

export interface FleetOptions {
  /** The fleet file (accounts, role, regions, concurrency, timeouts). */
  readonly config: string;
  /** An AWS profile instead of the default credential chain. */
  readonly profile?: string;
  /** The hub identity's region (STS, the partition). */
  readonly region?: string;
  /** Draw a live display on stderr (a terminal) rather than one line per cluster. */
  readonly terminal: boolean;
}

export function readFleetConfig(path: string, diagnostics: DiagnosticList): Promise<FleetConfig | undefined> {
  return readConfigFile(path, parseFleetConfig, FleetConfigError, diagnostics);
}

/** The fleet's snapshots, each handed to `each` as it arrives (see SnapshotSource). */
export async function collectAwsFleet<T>(options: FleetOptions, diagnostics: DiagnosticList, io: Io, each: (snapshot: EvidenceSnapshot) => T): Promise<T[]> {
  const config = await readFleetConfig(options.config, diagnostics);
  return config ? collectConfiguredFleet(config, options, io, each) : [];
}

/** The same, for a fleet file already read. */
export async function collectConfiguredFleet<T>(config: FleetConfig, options: FleetOptions, io: Io, each: (snapshot: EvidenceSnapshot) => T): Promise<T[]> {
  const progress = createProgress(io, options.terminal);
  try {
    return await collectFleet(config, {
      clients: defaultAwsClients({
        ...(options.profile !== undefined && { profile: options.profile }),
        ...(options.region !== undefined && { region: options.region }),
        requestTimeoutMs: config.timeouts.requestSeconds * 1000,
      }),
      now: () => new Date(),
      progress,
    }, each);
  } finally {
    await progress.end();
  }
}
