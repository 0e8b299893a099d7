import { fileURLToPath } from 'node:url';
import { Option, type Command } from 'commander';
import { formatOption } from '../formatOption.js';
import type { Io } from '../io.js';
import { loadedAtOnce } from '../snapshotSource.js';
import { SCAN_FORMATS, type ScanFormat } from '../scanFormats.js';

/** The bundled demo fleet: four clusters with distinct postures. */
export const DEMO_FLEET = fileURLToPath(new URL('../../../demo', import.meta.url));

export function registerDemo(program: Command, io: Io, isTty: boolean): void {
  program
    .command('demo')
    .description('scan the bundled demo fleet (four clusters: hardened, typical, wide open, policies without enforcement), '
      + 'print the summary and write report.html, report.pdf, report.json and findings.csv into ./reports/<timestamp>/')
    .addOption(formatOption(SCAN_FORMATS, 'text'))
    .addOption(new Option('--out <dir>', 'where the report folder goes').default('reports'))
    .addOption(new Option('--previous <file>', 'a JSON report of an earlier run: the reports show what changed since'))
    .addOption(new Option('--config <file>', 'kubeseg.yaml: rule settings (severities, findings to ignore) and accepted risks (exceptions)'))
    .action(async (opts: { format: ScanFormat; out: string; previous?: string; config?: string }) => {
      // Loaded on use: the techniques are not needed by other commands, and --help stays quick.
      const [{ runScan }, { loadSnapshots }] = await Promise.all([import('../scan.js'), import('../../adapters/manifests/loadSnapshots.js')]);
      await runScan(loadedAtOnce((diagnostics) => loadSnapshots([DEMO_FLEET], 'demo', diagnostics)), {
        format: opts.format, color: isTty, now: new Date(), out: opts.out, ...(opts.previous !== undefined && { previous: opts.previous }),
        ...(opts.config !== undefined && { config: opts.config }),
      }, io);
    });
}
