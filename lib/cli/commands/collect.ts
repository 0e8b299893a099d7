import { Option, type Command } from 'commander';
import { EXIT } from '../exitCodes.js';
import { stderrIsTerminal, type Io } from '../io.js';
import { addFleetOptions, fleetOptions, type FleetFlags } from '../fleetOptions.js';
import { addLiveOptions, liveOptions, wantsLive, type LiveFlags } from '../liveOptions.js';

export function registerCollect(program: Command, io: Io): void {
  addFleetOptions(addLiveOptions(program
    .command('collect')
    .description('collect live clusters (kubeconfig contexts, or the EKS clusters of a fleet file) into evidence snapshots: one JSON file per cluster '
      + 'and index.json in --snapshot DIR, secret and configuration values removed; `scan --snapshot DIR` assesses them')))
    .addOption(new Option('--snapshot <dir>', 'where the snapshots go').makeOptionMandatory())
    .action(async (opts: LiveFlags & FleetFlags & { snapshot: string }, command: Command) => {
      const sources = [wantsLive(opts), opts.config !== undefined].filter(Boolean).length;
      if (sources !== 1) command.error('error: name the clusters: --context NAME..., --all-contexts, or --config FLEET.yaml', { exitCode: EXIT.inputError });
      const target = { snapshot: opts.snapshot, now: new Date() };
      // Loaded on use: client-node and the AWS SDK are not needed by other commands, and --help stays quick.
      const { runCollect, collectLive, kubeconfigRequest } = await import('../live.js');
      if (opts.config !== undefined) {
        const fleet = fleetOptions({ ...opts, config: opts.config }, stderrIsTerminal(io));
        const { collectAwsFleet } = await import('../fleet.js');
        await runCollect((diagnostics, each) => collectAwsFleet(fleet, diagnostics, io, each), { fleetConfig: fleet.config, requested: 'fleet' }, target, io);
        return;
      }
      const live = liveOptions(opts, stderrIsTerminal(io));
      await runCollect((diagnostics, each) => collectLive(live, diagnostics, io, each), kubeconfigRequest(live), target, io);
    });
}
