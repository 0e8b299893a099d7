import { Option, type Command } from 'commander';
import { addFleetOptions, fleetOptions, type FleetFlags } from '../fleetOptions.js';
import { formatOption } from '../formatOption.js';
import { stderrIsTerminal, type Io } from '../io.js';
import { SCAN_FORMATS, type ScanFormat } from '../scanFormats.js';

type ReportFlags = FleetFlags & { config: string; format: ScanFormat; out: string; previous?: string };

export function registerReport(program: Command, io: Io, isTty: boolean): void {
  addFleetOptions(program
    .command('report')
    .description('run the AWS fleet of a fleet file: discover accounts, regions and EKS clusters, collect each, score them, '
      + 'and write report.html, report.pdf, report.json and findings.csv into ./reports/<timestamp>/; exit 3 when a cluster was not fully collected'), true)
    .addOption(formatOption(SCAN_FORMATS, 'text'))
    .addOption(new Option('--out <dir>', 'where the report folder goes').default('reports'))
    .addOption(new Option('--previous <file>', 'a JSON report of an earlier run: the reports show what changed since'))
    .action(async (opts: ReportFlags) => {
      // Loaded on use: the AWS SDK and the techniques are not needed by other commands, and --help stays quick.
      const [{ runScan }, { collectAwsFleet }] = await Promise.all([import('../scan.js'), import('../fleet.js')]);
      const fleet = fleetOptions(opts, stderrIsTerminal(io));
      await runScan((diagnostics, each) => collectAwsFleet(fleet, diagnostics, io, each), {
        format: opts.format, color: isTty, now: new Date(), out: opts.out, ...(opts.previous !== undefined && { previous: opts.previous }),
      }, io);
    });
}

