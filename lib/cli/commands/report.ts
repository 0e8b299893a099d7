import { Option, type Command } from 'commander';
import { addFleetOptions, fleetOptions, type FleetFlags } from '../fleetOptions.js';
import { formatOption } from '../formatOption.js';
import { stderrIsTerminal, type Io } from '../io.js';
import { linkDaysOption } from '../numberOptions.js';

const STDOUT_FORMATS = ['text', 'json', 'csv', 'html'] as const;

type ReportFlags = FleetFlags & {
  config: string; format: (typeof STDOUT_FORMATS)[number]; out: string;
  bucket?: string; bucketPrefix?: string; s3Endpoint?: string; smtp?: string; ses?: boolean; linkBase?: string; linkDays: number;
};

export function registerReport(program: Command, io: Io, isTty: boolean): void {
  addFleetOptions(program
    .command('report')
    .description('run the AWS fleet of a fleet file: discover accounts, regions and EKS clusters, collect and score each, store every report '
      + '(HTML, PDF, JSON, CSV, remediation YAML) under runs/<run id>/ in ./reports or an S3 bucket with the history that trends read, '
      + 'and mail the summary to the fleet file\'s recipients; exit 3 when a cluster was not fully collected'), true)
    .addOption(formatOption(STDOUT_FORMATS, 'text'))
    .addOption(new Option('--out <dir>', 'the local folder: the store without --bucket, and where outbox/ goes').default('reports'))
    .addOption(new Option('--bucket <name>', 'store the run in this S3 bucket instead of --out'))
    .addOption(new Option('--bucket-prefix <prefix>', 'with --bucket: keys go under this prefix'))
    .addOption(new Option('--s3-endpoint <url>', 'with --bucket: an S3-compatible endpoint instead of AWS (path-style addressing)'))
    .addOption(new Option('--smtp <url>', 'send the email through this SMTP server (smtp://host:587, smtps://user:password@host:465); '
      + 'default: write it as an .eml file into <out>/outbox/').env('KUBESEG_SMTP_URL').conflicts('ses'))
    .addOption(new Option('--ses', 'send the email through Amazon SES v2'))
    .addOption(new Option('--link-base <url>', 'the deployed API\'s base URL, with --bucket its bucket: the email links through the API\'s '
      + 'signed /links/ route, which opens the report without other credentials').conflicts('bucketPrefix'))
    .addOption(linkDaysOption())
    .action(async (opts: ReportFlags) => {
      // Loaded on use: the AWS SDK and the techniques are not needed by other commands, and --help stays quick.
      const { runFleetReport } = await import('../fleetReport.js');
      await runFleetReport({
        fleet: fleetOptions(opts, stderrIsTerminal(io)),
        format: opts.format, color: isTty, out: opts.out, now: new Date(), ses: opts.ses === true, linkDays: opts.linkDays,
        ...(opts.bucket !== undefined && { bucket: opts.bucket }),
        ...(opts.bucketPrefix !== undefined && { bucketPrefix: opts.bucketPrefix }),
        ...(opts.s3Endpoint !== undefined && { s3Endpoint: opts.s3Endpoint }),
        ...(opts.smtp !== undefined && { smtp: opts.smtp }),
        ...(opts.linkBase !== undefined && { linkBase: opts.linkBase }),
      }, io);
    });
}
