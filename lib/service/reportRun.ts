/**
 * The last stage of every run, local or in AWS: the assessed clusters → the JSON report with trends
 * against the scope's previous run → every report file stored under `runs/<runId>/` → the scope's
 * history → the summary email → the run's status. A failed email is recorded in the status, never
 * a failed run: the reports are stored by then.
 */
import type { EmailConfig } from '../core/config/fleetConfig.js';
import type { RulesConfig } from '../core/config/rulesConfig.js';
import { expiredExceptions, ruleSettingsAt, type RuleSettings } from '../core/report/findingRules.js';
import type { ClusterAssessment } from '../core/report/assessCluster.js';
import { assembleJsonReport, jsonCluster, reportSchema, type JsonCluster, type JsonReport } from '../core/report/jsonReport.js';
import { reportJsonChunks } from '../core/report/reportJsonChunks.js';
import { trendBasis } from '../core/report/trendBasis.js';
import { compareReports } from '../core/report/trends.js';
import type { RunStatus } from '../core/run/runStatus.js';
import { scopeKey } from '../core/run/scope.js';
import { VERSION } from '../core/version.js';
import { renderSummaryEmail, type ReportLinks } from '../adapters/render/renderEmail.js';
import type { Mailer, MailMessage } from '../adapters/email/mailer.js';
import type { ObjectStore } from '../adapters/storage/objectStore.js';
import { previousRun, recordRun } from './historyStore.js';
import { contentTypeOf, ReportOutputs, utf8, type ClusterRemediation } from './reportOutputs.js';
import type { RunRequest } from './runRequest.js';
import { runKeys } from './runLayout.js';
import { readJson, StoredDocumentError, writeJson } from './storedJson.js';

export const LINKED_FORMATS = ['html', 'pdf', 'json', 'csv'] as const;
export type LinkedFormat = (typeof LINKED_FORMATS)[number];
export const FILE_OF_FORMAT: Readonly<Record<LinkedFormat, string>> = {
  html: 'report.html', pdf: 'report.pdf', json: 'report.json', csv: 'findings.csv',
};

export interface RunMail {
  readonly mailer: Mailer;
  readonly from: string;
  /** The configuration's recipients; an on-demand request's own recipients replace them. */
  readonly to: readonly string[];
  readonly attachPdfUpToBytes: number;
}

/** A fleet file's email section, sent through `mailer`. */
export function runMail(mailer: Mailer, email: EmailConfig): RunMail {
  return { mailer, from: email.from, to: email.to, attachPdfUpToBytes: email.attachPdfUpToMiB * 1024 * 1024 };
}

export interface ReportRunDeps {
  readonly store: ObjectStore;
  readonly now: () => Date;
  /** Without it, the run is stored and not mailed (the status says so). */
  readonly mail?: RunMail;
  /** Where a reader of the email fetches a stored report (the API's redirect, or a local file URL). */
  readonly linkTo: (runId: string, format: LinkedFormat) => string | undefined;
  /** The fleet file's rules and exceptions; the clusters were assessed with {@link runSettings} of them. */
  readonly rules?: RulesConfig;
}

/** The rules as this run applies them: exceptions expire by the run's day (UTC). */
export function runSettings(deps: Pick<ReportRunDeps, 'rules' | 'now'>): RuleSettings | undefined {
  return deps.rules && ruleSettingsAt(deps.rules, deps.now());
}

export interface ReportRunResult {
  readonly status: RunStatus;
  readonly outputs: ReportOutputs;
  /** The stored files' keys, in the order written. */
  readonly keys: readonly string[];
}

/**
 * A cluster as the report keeps it: its JSON section and its remediation bundle. Its findings
 * (and the closures behind their remediations) are let go as soon as it is assessed, which
 * keeps the heap of a large fleet's report small.
 */
export interface ReportedCluster {
  readonly report: JsonCluster;
  readonly remediation: ClusterRemediation;
}

export const reportedCluster = (a: ClusterAssessment): ReportedCluster => ({
  report: jsonCluster(a), remediation: { cluster: a.cluster, bundle: a.bundle },
});

export async function reportRun(request: RunRequest, clusters: readonly ReportedCluster[], deps: ReportRunDeps): Promise<ReportRunResult> {
  const { store } = deps;
  const settings = runSettings(deps);
  const report = assembleJsonReport(clusters.map((c) => c.report), {
    generatedAt: deps.now().toISOString(), version: VERSION, ...(settings && { expiredExceptions: expiredExceptions(settings.rules, settings.today) }),
  });
  const scope = scopeKey(request.scope);
  const previous = await previousReport(store, scope, request.runId);
  const outputs = new ReportOutputs(report, previous && compareReports(report, previous), clusters.map((c) => c.remediation));

  const files: string[] = [];
  let pdf: Uint8Array | undefined;
  // Each file is stored before the next is rendered; only the PDF is kept, for the email.
  for await (const [name, content] of outputs.files()) {
    await store.put(runKeys.file(request.runId, name), content, { contentType: contentTypeOf(name) });
    files.push(name);
    if (name === 'report.pdf') pdf = content as Uint8Array;
  }
  // Before the run is recorded in the history, where the next run finds it.
  await store.put(runKeys.trendBasis(request.runId), utf8(reportJsonChunks(trendBasis(report))), { contentType: 'application/json' });
  const partial = report.clusters.some((c) => c.status !== 'assessed');
  await recordRun(store, scope, request.scope, {
    runId: request.runId, generatedAt: report.generatedAt, status: partial ? 'partial' : 'done',
    score: report.fleet.score, grade: report.fleet.grade, coverage: report.fleet.coverage, clusters: report.fleet.clusters,
  });

  const email = await sendSummary(request, outputs, pdf!, deps);
  const status: RunStatus = {
    runId: request.runId, trigger: request.trigger, scope: request.scope, startedAt: request.startedAt,
    finishedAt: deps.now().toISOString(), status: partial ? 'partial' : 'done',
    fleet: { score: report.fleet.score, grade: report.fleet.grade, coverage: report.fleet.coverage, clusters: report.fleet.clusters },
    clusters: report.clusters.map((c) => ({
      name: c.name, ...(c.account && { account: c.account }), ...(c.region && { region: c.region }),
      status: c.status, score: c.score, grade: c.grade,
    })),
    files,
    email,
  };
  await writeJson(store, runKeys.status(request.runId), status);
  return { status, outputs, keys: files.map((name) => runKeys.file(request.runId, name)) };
}

/**
 * What the trends read of the scope's run before this one: its trend basis, or its whole report
 * when it was stored without one. An unreadable one only costs the trends.
 */
async function previousReport(store: ObjectStore, scope: string, runId: string): Promise<JsonReport | undefined> {
  const entry = await previousRun(store, scope, runId);
  if (!entry) return undefined;
  try {
    return (await readJson(store, runKeys.trendBasis(entry.runId), reportSchema))?.value
      ?? (await readJson(store, runKeys.file(entry.runId, 'report.json'), reportSchema))?.value;
  } catch (err) {
    if (err instanceof StoredDocumentError) return undefined;
    throw err;
  }
}

async function sendSummary(request: RunRequest, outputs: ReportOutputs, pdf: Uint8Array, deps: ReportRunDeps): Promise<NonNullable<RunStatus['email']>> {
  const mail = deps.mail;
  const to = request.recipients ?? mail?.to ?? [];
  if (!mail || to.length === 0) return { status: 'not-configured', recipients: 0 };
  const attach = pdf.byteLength <= mail.attachPdfUpToBytes;
  const links: ReportLinks = Object.fromEntries(LINKED_FORMATS.flatMap((f) => {
    const url = deps.linkTo(request.runId, f);
    return url ? [[f, url]] : [];
  }));
  const email = renderSummaryEmail(outputs.model(), links);
  const message: MailMessage = {
    from: mail.from, to, subject: email.subject, html: email.html, text: email.text,
    ...(attach && { attachments: [{ filename: 'report.pdf', contentType: 'application/pdf', content: pdf }] }),
  };
  try {
    const sent = await mail.mailer.send(message);
    return { status: 'sent', recipients: to.length, detail: `${sent.where}${attach ? '' : `; the PDF (${mib(pdf.byteLength)}) is linked, not attached`}` };
  } catch (err) {
    return { status: 'failed', recipients: to.length, detail: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
  }
}

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
