/** The options that pick live clusters from a kubeconfig, shared by `collect` and `scan`. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { LiveOptions } from './live.js';
import { DEFAULT_CLUSTER_CONCURRENCY } from './liveDefaults.js';

export interface LiveFlags {
  context?: string[];
  allContexts?: boolean;
  kubeconfig?: string;
  timeout: number;
  concurrency?: number;
}

export function addLiveOptions(command: Command): Command {
  return command
    .addOption(new Option('--context <name...>', 'kubeconfig contexts to collect, one cluster each'))
    .addOption(new Option('--all-contexts', 'collect every context of the kubeconfig'))
    .addOption(new Option('--kubeconfig <file>', 'the kubeconfig (default: KUBECONFIG, else ~/.kube/config)'))
    .addOption(new Option('--timeout <seconds>', 'client-side timeout of each API request').default(15).argParser(parseSeconds))
    .addOption(new Option('--concurrency <n>', `clusters collected at once (default ${DEFAULT_CLUSTER_CONCURRENCY})`).argParser(parseConcurrency));
}

export const wantsLive = (flags: LiveFlags): boolean => flags.allContexts === true || (flags.context?.length ?? 0) > 0;

/** The LiveOptions of the flags (`--all-contexts` wins over `--context`); `terminal` draws the live progress display. */
export function liveOptions(flags: LiveFlags, terminal = false): LiveOptions {
  return {
    terminal,
    ...(flags.kubeconfig !== undefined && { kubeconfig: flags.kubeconfig }),
    ...(flags.context && { contexts: flags.context }),
    ...(flags.allContexts && { allContexts: true }),
    timeoutSeconds: flags.timeout,
    ...(flags.concurrency !== undefined && { concurrency: flags.concurrency }),
  };
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new InvalidArgumentError('It takes a number of seconds above 0, at most 3600.');
  return n;
}

function parseConcurrency(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new InvalidArgumentError('It takes a whole number of clusters from 1 to 256.');
  return n;
}
