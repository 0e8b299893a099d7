/**
 * Where a run's objects go in the store, S3 or a local folder alike. Every key is built here.
 *
 *   runs/<runId>/request.json           what was asked: scope, trigger, recipients
 *   runs/<runId>/status.json            running, done, partial or failed; scores; email outcome
 *   runs/<runId>/items.json             the clusters to collect (the Distributed Map reads it)
 *   runs/<runId>/snapshots/<n>.json     one evidence snapshot per cluster, or per discovery gap
 *   runs/<runId>/failures/<n>.json      a collect step that failed outright (timeout, crash)
 *   runs/<runId>/<file>                 report.html, report.pdf, report.json, findings.csv, remediation-*.yaml
 *   runs/<runId>/trend-basis.json       what the next run's trends read of this one (core/report/trendBasis.ts)
 *   history/<scope>/index.json          the scope's runs, for trends and latest
 *   history/<scope>/latest.json         the scope's newest run
 *   idempotency/<digest>.json           an on-demand request's Idempotency-Key and the run it started
 *   secrets/link-key                    the HMAC key of emailed links (linkKey.ts)
 *   config/fleet.yaml                   the deployment's fleet file, when uploaded (functions/runtime.ts)
 */
import { isRunId } from '../core/run/runId.js';

function run(runId: string): string {
  if (!isRunId(runId)) throw new Error(`not a run id: ${JSON.stringify(runId)}`);
  return `runs/${runId}`;
}

/** Snapshot and failure numbers are zero-padded, so the store lists them in order. */
const numbered = (n: number): string => String(n).padStart(5, '0');

export const runKeys = {
  prefix: (runId: string) => `${run(runId)}/`,
  request: (runId: string) => `${run(runId)}/request.json`,
  status: (runId: string) => `${run(runId)}/status.json`,
  items: (runId: string) => `${run(runId)}/items.json`,
  snapshots: (runId: string) => `${run(runId)}/snapshots/`,
  snapshot: (runId: string, n: number) => `${run(runId)}/snapshots/${numbered(n)}.json`,
  failures: (runId: string) => `${run(runId)}/failures/`,
  failure: (runId: string, n: number) => `${run(runId)}/failures/${numbered(n)}.json`,
  file: (runId: string, file: string) => `${run(runId)}/${file}`,
  trendBasis: (runId: string) => `${run(runId)}/trend-basis.json`,
};

export const historyKeys = {
  index: (scopeKey: string) => `history/${scopeKey}/index.json`,
  latest: (scopeKey: string) => `history/${scopeKey}/latest.json`,
};

export const idempotencyKeyOf = (digest: string): string => `idempotency/${digest}.json`;
