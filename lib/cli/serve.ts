/**
 * `kubeseg serve`: the on-demand API of the service on this machine, so it can be tried without
 * AWS. The same handler as the Lambda function (lib/service/httpApi.ts) behind node:http on
 * 127.0.0.1, a bearer token instead of IAM, a folder instead of S3, and the run's stages in this
 * process (LocalRunner) instead of Step Functions. Without --config it serves the demo fleet.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { listenApi, type RunningServer } from '../adapters/http/nodeHttp.js';
import { defaultAwsClients } from '../adapters/aws/clients.js';
import { clusterSelected } from '../adapters/aws/clusters.js';
import { SmtpUrlError } from '../adapters/email/smtpMailer.js';
import { outputRootProblem } from '../adapters/files/writeReportFiles.js';
import { loadSnapshots } from '../adapters/manifests/loadSnapshots.js';
import { FsStore } from '../adapters/storage/fsStore.js';
import { DiagnosticList } from '../core/diagnostics.js';
import { inertLine } from '../core/format/inert.js';
import { scopeProblemOf, type RunScope } from '../core/run/scope.js';
import { handleApiRequest, MAX_BODY_BYTES, type ApiDeps } from '../service/httpApi.js';
import { LocalRunner, type LocalFleet } from '../service/localRunner.js';
import { runMail, type RunMail } from '../service/reportRun.js';
import type { RunRequest } from '../service/runRequest.js';
import { linkSignerOf } from '../service/linkKey.js';
import { DEMO_FLEET } from './commands/demo.js';
import { EXIT } from './exitCodes.js';
import { readFleetConfig } from './fleet.js';
import { reportDiagnostics, type Io } from './io.js';
import { chooseMailer } from './mailers.js';

export interface ServeOptions {
  readonly port: number;
  readonly out: string;
  /** A fleet file; without one, the demo fleet. */
  readonly config?: string;
  readonly profile?: string;
  readonly region?: string;
  readonly smtp?: string;
  /** KUBESEG_SERVE_TOKEN; without it a random token, printed once. */
  readonly token?: string;
  /** How long an email's link stays valid. */
  readonly linkDays: number;
}

export interface Serving extends RunningServer {
  readonly runner: LocalRunner;
  readonly token: string;
}

/** The sender of a demo run's email, which has no fleet file to name one. */
const DEMO_SENDER = 'kubeseg@localhost';
/** Presigned-URL lifetime, were the store S3; a folder serves the bytes itself. */
const LINK_SECONDS = 300;
/** Snapshots read from a local folder are bounded by this machine, not a function's memory. */
const MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024 * 1024;

/** Starts the server, or reports why it cannot and returns undefined. */
export async function startServe(options: ServeOptions, io: Io): Promise<Serving | undefined> {
  const fail = (message: string) => {
    io.stderr(`error: ${inertLine(message)}\n`);
    io.exitCode(EXIT.inputError);
    return undefined;
  };
  const outProblem = await outputRootProblem(options.out);
  if (outProblem) return fail(`--out ${options.out}: ${outProblem}`);
  const fleet = await localFleet(options, io);
  if (!fleet) return undefined;
  const email = fleet.kind === 'aws' ? fleet.config.email : undefined;
  try {
    chooseMailer(mailChoice(options), 'check');
  } catch (err) {
    if (err instanceof SmtpUrlError) return fail(err.message);
    throw err;
  }

  const token = options.token ?? randomBytes(24).toString('base64url');
  const store = new FsStore(options.out);
  const links = await linkSignerOf(store);
  let base = '';
  const mail = (request: RunRequest): RunMail | undefined => {
    const mailer = chooseMailer(mailChoice(options), request.runId);
    if (email) return runMail(mailer, email);
    return request.recipients ? { mailer, from: DEMO_SENDER, to: [], attachPdfUpToBytes: 5 * 1024 * 1024 } : undefined;
  };
  const runner = new LocalRunner({
    store, fleet, now: () => new Date(), mail, maxSnapshotBytes: MAX_SNAPSHOT_BYTES,
    linkTo: (runId, format) => `${base}${links.path(runId, format, new Date(Date.now() + options.linkDays * 86_400_000))}`,
    onEnd: (runId, outcome) => io.stderr(`run ${runId}: ${inertLine(outcome)}\n`),
  });
  const deps: ApiDeps = {
    store, starter: runner, now: () => new Date(), random: () => randomBytes(8), linkSeconds: LINK_SECONDS, links,
    scopeProblem: (scope) => scopeProblem(fleet, scope),
  };
  const expected = digest(`Bearer ${token}`);
  let server: RunningServer;
  try {
    server = await listenApi(async (request) => {
      const response = await handleApiRequest(request, deps);
      io.stderr(`${request.method} ${inertLine(request.path)} ${response.status}\n`);
      return response;
    }, {
      host: '127.0.0.1', port: options.port, maxBodyBytes: MAX_BODY_BYTES,
      authenticate: (headers) => timingSafeEqual(digest(headers.authorization ?? ''), expected),
      onError: (err) => io.stderr(`error: internal error: ${inertLine(err instanceof Error ? err.message : String(err))}\n`),
    });
  } catch (err) {
    return fail(`--port ${options.port}: ${err instanceof Error ? err.message : String(err)}`);
  }
  base = server.url;
  io.stderr(`kubeseg serve: the on-demand API of ${fleet.kind === 'aws' ? `the fleet of ${options.config}` : 'the demo fleet'} on ${server.url}, `
    + `reports stored in ${store.location}\n`
    + (options.token === undefined ? `token (this run only; set KUBESEG_SERVE_TOKEN to choose one): ${token}\n` : 'token: the value of KUBESEG_SERVE_TOKEN\n')
    + `try: curl -s -X POST -H "Authorization: Bearer $TOKEN" ${server.url}/reports\n`);
  return { ...server, runner, token };
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();

function mailChoice(options: ServeOptions) {
  return {
    ses: false, out: options.out, ...(options.smtp !== undefined && { smtp: options.smtp }),
    ...(options.region !== undefined && { region: options.region }), ...(options.profile !== undefined && { profile: options.profile }),
  };
}

async function localFleet(options: ServeOptions, io: Io): Promise<LocalFleet | undefined> {
  const diagnostics = new DiagnosticList();
  if (options.config === undefined) {
    return {
      kind: 'snapshots',
      load: async (scope) => {
        const loaded = new DiagnosticList();
        const snapshots = await loadSnapshots([DEMO_FLEET], 'demo', loaded);
        if (loaded.hasFatal) throw new Error(`the demo fleet did not load: ${loaded.all[0]?.message ?? 'unknown problem'}`);
        return snapshots.filter((s) => clusterSelected(s.cluster.name, { include: scope.clusters ?? [] }));
      },
    };
  }
  const config = await readFleetConfig(options.config, diagnostics);
  reportDiagnostics(diagnostics, io);
  if (!config) {
    io.exitCode(EXIT.inputError);
    return undefined;
  }
  const clients = defaultAwsClients({
    ...(options.profile !== undefined && { profile: options.profile }),
    ...(options.region !== undefined && { region: options.region }),
    requestTimeoutMs: config.timeouts.requestSeconds * 1000,
  });
  return { kind: 'aws', config, clients };
}

function scopeProblem(fleet: LocalFleet, scope: RunScope): string | undefined {
  if (fleet.kind === 'aws') return scopeProblemOf(fleet.config, scope);
  return scope.accounts || scope.regions ? 'the demo fleet has no AWS accounts or regions; narrow it by cluster name' : undefined;
}
