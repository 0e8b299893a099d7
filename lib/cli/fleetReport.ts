/**
 * `kubeseg report --config`: the whole fleet run on this machine, the same stages the service runs
 * in AWS. Discover and collect (lib/cli/fleet.ts), assess each cluster as it arrives, then
 * reportRun: the reports stored under `runs/<runId>/` in `./reports` (or an S3 bucket), the scope's
 * history for trends, and the summary email (an .eml file in the outbox unless --smtp or --ses).
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Mailer } from '../adapters/email/mailer.js';
import { SmtpUrlError } from '../adapters/email/smtpMailer.js';
import { outputRootProblem } from '../adapters/files/writeReportFiles.js';
import { FsStore } from '../adapters/storage/fsStore.js';
import type { ObjectStore } from '../adapters/storage/objectStore.js';
import { s3Client } from '../adapters/storage/s3Client.js';
import { S3Store } from '../adapters/storage/s3Store.js';
import { DiagnosticList } from '../core/diagnostics.js';
import { inertLine } from '../core/format/inert.js';
import { fleetRules } from '../core/config/fleetConfig.js';
import { expiryWarnings } from './rules.js';
import { assessCluster } from '../core/report/assessCluster.js';
import { newRunId } from '../core/run/runId.js';
import type { RunStatus } from '../core/run/runStatus.js';
import { TECHNIQUES } from '../core/techniques/catalog.js';
import { reportedCluster, reportRun, runMail, runSettings, type LinkedFormat, FILE_OF_FORMAT } from '../service/reportRun.js';
import type { ReportFormat } from '../service/reportOutputs.js';
import { runKeys } from '../service/runLayout.js';
import type { RunRequest } from '../service/runRequest.js';
import { linkSignerOf } from '../service/linkKey.js';
import { beginRun } from '../service/startRun.js';
import { EXIT } from './exitCodes.js';
import { collectConfiguredFleet, readFleetConfig, type FleetOptions } from './fleet.js';
import { reportDiagnostics, type Io } from './io.js';
import { chooseMailer } from './mailers.js';

export interface FleetReportOptions {
  readonly fleet: FleetOptions;
  /** What stdout shows; the stored files are always all of them. */
  readonly format: ReportFormat;
  readonly color: boolean;
  /** The local folder: the store without --bucket, and the outbox's parent either way. */
  readonly out: string;
  readonly bucket?: string;
  readonly bucketPrefix?: string;
  readonly s3Endpoint?: string;
  readonly smtp?: string;
  readonly ses: boolean;
  /** The deployed API's base URL: the email's links go through its signed /links/ route (needs `bucket`). */
  readonly linkBase?: string;
  readonly linkDays: number;
  readonly now: Date;
}

export async function runFleetReport(options: FleetReportOptions, io: Io): Promise<void> {
  const fail = (message: string) => {
    io.stderr(`error: ${inertLine(message)}\n`);
    io.exitCode(EXIT.inputError);
  };
  const outProblem = await outputRootProblem(options.out);
  if (outProblem) return fail(`--out ${options.out}: ${outProblem}`);
  if (options.linkBase !== undefined && options.bucket === undefined) {
    return fail('--link-base needs --bucket, the deployment\'s bucket: its API serves the runs stored there, and the links are signed with its key');
  }
  if (options.linkBase !== undefined && !/^https?:\/\/[^/\s]+/.test(options.linkBase)) return fail(`--link-base: not an http(s) URL`);
  const diagnostics = new DiagnosticList();
  const config = await readFleetConfig(options.fleet.config, diagnostics);
  reportDiagnostics(diagnostics, io);
  if (!config) return io.exitCode(EXIT.inputError);

  const runId = newRunId(options.now, randomBytes(8));
  let mailer: Mailer | undefined;
  try {
    mailer = config.email && chooseMailer({
      ses: options.ses, out: options.out, ...(options.smtp !== undefined && { smtp: options.smtp }),
      ...(options.fleet.region !== undefined && { region: options.fleet.region }),
      ...(options.fleet.profile !== undefined && { profile: options.fleet.profile }),
    }, runId);
  } catch (err) {
    if (err instanceof SmtpUrlError) return fail(err.message);
    throw err;
  }
  const store = chooseStore(options);
  const request: RunRequest = { runId, trigger: 'cli', scope: {}, startedAt: options.now.toISOString() };
  await beginRun(store, request);

  const rules = fleetRules(config);
  const settings = runSettings({ now: () => options.now, ...(rules && { rules }) });
  for (const warning of settings ? expiryWarnings(settings) : []) io.stderr(`warning: ${inertLine(warning)}\n`);
  const clusters = await collectConfiguredFleet(config, options.fleet, io, (snapshot) => reportedCluster(assessCluster(snapshot, TECHNIQUES, settings)));
  const { status, outputs } = await reportRun(request, clusters, {
    ...(rules && { rules }),
    store, now: () => new Date(), ...(mailer && config.email && { mail: runMail(mailer, config.email) }), linkTo: await linker(options, store),
  });

  io.stdout(outputs.render(options.format, options.color));
  // Where things went is for people: with a machine-readable stdout it goes to stderr.
  const print = options.format === 'text' ? io.stdout : io.stderr;
  print(`${options.format === 'text' ? '\n' : ''}Run ${runId}: reports stored in ${store.location}${runKeys.prefix(runId)}\n`
    + `${status.files!.map((f) => `  ${f}\n`).join('')}${emailLine(status.email!)}\n`);
  io.exitCode(status.status === 'done' ? EXIT.ok : EXIT.partial);
}

function chooseStore(options: FleetReportOptions): ObjectStore {
  if (options.bucket === undefined) return new FsStore(options.out);
  return new S3Store({
    client: s3Client({
      region: options.fleet.region ?? process.env.AWS_REGION ?? 'us-east-1',
      ...(options.fleet.profile !== undefined && { profile: options.fleet.profile }),
      ...(options.s3Endpoint !== undefined && { endpoint: options.s3Endpoint }),
    }),
    bucket: options.bucket,
    ...(options.bucketPrefix !== undefined && { prefix: options.bucketPrefix }),
  });
}

/**
 * Links in the email: signed links through the deployed API when there is one (with the key its
 * bucket holds, so the API accepts them), else to the files in a local store; none for a bucket alone.
 */
async function linker(options: FleetReportOptions, store: ObjectStore): Promise<(runId: string, format: LinkedFormat) => string | undefined> {
  if (options.linkBase !== undefined) {
    const base = options.linkBase.replace(/\/+$/, '');
    const links = await linkSignerOf(store);
    const expires = new Date(options.now.getTime() + options.linkDays * 86_400_000);
    return (runId, format) => `${base}${links.path(runId, format, expires)}`;
  }
  if (store instanceof FsStore) return (runId, format) => pathToFileURL(join(store.location, runKeys.file(runId, FILE_OF_FORMAT[format]))).href;
  return () => undefined;
}

function emailLine(email: NonNullable<RunStatus['email']>): string {
  switch (email.status) {
    case 'sent':
      return `Email to ${email.recipients} recipient${email.recipients === 1 ? '' : 's'}: ${email.detail ?? 'sent'}`;
    case 'failed':
      return `Email NOT sent to ${email.recipients} recipient${email.recipients === 1 ? '' : 's'}: ${email.detail ?? 'failed'}`;
    case 'not-configured':
      return 'Email: none (the fleet file has no email section)';
  }
}
