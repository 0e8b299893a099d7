import { Option, type Command } from 'commander';
import { EXIT } from '../exitCodes.js';
import type { Io } from '../io.js';
import { addLiveOptions, liveOptions, wantsLive, type LiveFlags } from '../liveOptions.js';

export function registerCollect(program: Command, io: Io): void {
  addLiveOptions(program
    .command('collect')
    .description('collect live clusters (kubeconfig contexts) into evidence snapshots: one JSON file per cluster and index.json in --snapshot DIR, '
      + 'secret and configuration values removed; `scan --snapshot DIR` assesses them'))
    .addOption(new Option('--snapshot <dir>', 'where the snapshots go').makeOptionMandatory())
    .action(async (opts: LiveFlags & { snapshot: string }, command: Command) => {
      if (!wantsLive(opts)) command.error('error: name the clusters: --context NAME... or --all-contexts', { exitCode: EXIT.inputError });
      // Loaded on use: client-node is not needed by other commands, and --help stays quick.
      const { runCollect } = await import('../live.js');
      await runCollect({ ...liveOptions(opts), snapshot: opts.snapshot, now: new Date() }, io);
    });
}
