import { InvalidArgumentError, Option, type Command } from 'commander';
import { EXIT } from '../exitCodes.js';
import { formatOption } from '../formatOption.js';
import { stderrIsTerminal, type Io } from '../io.js';
import { addLiveOptions, liveOptions, wantsLive, type LiveFlags } from '../liveOptions.js';
import { loadedAtOnce, type SnapshotSource } from '../snapshotSource.js';
import { SCAN_FORMATS, type ScanFormat } from '../scanFormats.js';

type ScanFlags = LiveFlags & { format: ScanFormat; failBelow?: number; previous?: string; out?: string; snapshot?: string; config?: string };

export function registerScan(program: Command, io: Io, isTty: boolean): void {
  addLiveOptions(program
    .command('scan')
    .description('assess offline manifests (one cluster, or a fleet directory of clusters with kubeseg-cloud.yaml), saved snapshots (--snapshot DIR) '
      + 'or live clusters (--context NAME... | --all-contexts) against the Threat Matrix techniques and score segmentation')
    .argument('[path...]', 'manifest files or directories; a kubeseg-cloud.yaml beside them adds cloud facts')
    .addOption(formatOption(SCAN_FORMATS, 'text'))
    .addOption(new Option('--fail-below <score>', 'exit 1 when the fleet score is below this (0-100)').argParser(parseScore))
    .addOption(new Option('--previous <file>', 'a JSON report of an earlier scan: the reports show what changed since'))
    .addOption(new Option('--out <dir>', 'also write report.html, report.pdf, report.json and findings.csv into <dir>/<timestamp>/ and print their paths'))
    .addOption(new Option('--snapshot <dir>', 'assess the snapshots `kubeseg collect` wrote into <dir>'))
    .addOption(new Option('--config <file>', 'kubeseg.yaml: rule settings (severities, findings to ignore) and accepted risks (exceptions)')))
    .action(async (paths: string[], opts: ScanFlags, command: Command) => {
      const sources = [paths.length > 0, opts.snapshot !== undefined, wantsLive(opts)].filter(Boolean).length;
      if (sources !== 1) command.error('error: scan one of: manifest paths, --snapshot DIR, or --context NAME... | --all-contexts', { exitCode: EXIT.inputError });
      // Loaded on use: the techniques are not needed by other commands, and --help stays quick.
      const { runScan } = await import('../scan.js');
      await runScan(await snapshotSource(paths, opts, io), {
        format: opts.format, ...(opts.failBelow !== undefined && { failBelow: opts.failBelow }), ...(opts.previous !== undefined && { previous: opts.previous }),
        ...(opts.out !== undefined && { out: opts.out }), ...(opts.config !== undefined && { config: opts.config }),
        color: isTty, now: new Date(),
      }, io);
    });
}

async function snapshotSource(paths: readonly string[], opts: ScanFlags, io: Io): Promise<SnapshotSource> {
  if (opts.snapshot !== undefined) {
    const { readSnapshotDir } = await import('../../adapters/snapshots/snapshotDir.js');
    const dir = opts.snapshot;
    return loadedAtOnce((diagnostics) => readSnapshotDir(dir, diagnostics));
  }
  if (wantsLive(opts)) {
    const { collectLive } = await import('../live.js');
    return (diagnostics, each) => collectLive(liveOptions(opts, stderrIsTerminal(io)), diagnostics, io, each);
  }
  const { loadSnapshots } = await import('../../adapters/manifests/loadSnapshots.js');
  return loadedAtOnce((diagnostics) => loadSnapshots(paths, 'manifests', diagnostics));
}

export function parseScore(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new InvalidArgumentError('It takes a whole number from 0 to 100.');
  return n;
}
