import { InvalidArgumentError, Option, type Command } from 'commander';
import { formatOption } from '../formatOption.js';
import type { Io } from '../io.js';
import { SCAN_FORMATS, type ScanFormat } from '../scanFormats.js';

export function registerScan(program: Command, io: Io, isTty: boolean): void {
  program
    .command('scan')
    .description('assess offline manifests (one cluster, or a fleet directory of clusters with kubeseg-cloud.yaml) against the Threat Matrix techniques and score segmentation')
    .argument('<path...>', 'manifest files or directories; a kubeseg-cloud.yaml beside them adds cloud facts')
    .addOption(formatOption(SCAN_FORMATS, 'text'))
    .addOption(new Option('--fail-below <score>', 'exit 1 when the fleet score is below this (0-100)').argParser(parseScore))
    .addOption(new Option('--previous <file>', 'a JSON report of an earlier scan: the reports show what changed since'))
    .addOption(new Option('--out <dir>', 'also write report.html, report.pdf, report.json and findings.csv into <dir>/<timestamp>/ and print their paths'))
    .action(async (paths: string[], opts: { format: ScanFormat; failBelow?: number; previous?: string; out?: string }) => {
      // Loaded on use: the techniques are not needed by other commands, and --help stays quick.
      const { runScan } = await import('../scan.js');
      await runScan(paths, 'manifests', {
        format: opts.format, ...(opts.failBelow !== undefined && { failBelow: opts.failBelow }), ...(opts.previous !== undefined && { previous: opts.previous }),
        ...(opts.out !== undefined && { out: opts.out }),
        color: isTty, now: new Date(),
      }, io);
    });
}

export function parseScore(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new InvalidArgumentError('It takes a whole number from 0 to 100.');
  return n;
}
