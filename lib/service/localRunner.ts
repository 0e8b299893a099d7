/**
 * The state machine's local equivalent for `kubeseg serve`: each run's stages, the same functions
 * the Lambda handlers call, in this process, one run after another. A run that throws is failed
 * through failRun, with the stage and reason, as the state machine's Catch does.
 */
import type { FleetConfig } from '../core/config/fleetConfig.js';
import type { EvidenceSnapshot } from '../core/evidence/snapshot.js';
import type { RunScope } from '../core/run/scope.js';
import type { AwsClientFactory } from '../adapters/aws/clients.js';
import { fleetItemSchema } from '../adapters/aws/fleetItem.js';
import { runBounded } from '../adapters/k8s/runBounded.js';
import type { ObjectStore } from '../adapters/storage/objectStore.js';
import type { ReportRunDeps } from './reportRun.js';
import { runKeys } from './runLayout.js';
import type { RunRequest } from './runRequest.js';
import { collectRunItem, discoverRun } from './collectStages.js';
import { failRun, reportStoredRun } from './reportStages.js';
import type { RunStarter } from './startRun.js';
import { readJson, writeJson } from './storedJson.js';

/** Where a local run's clusters come from: the AWS fleet of a fleet file, or snapshots at hand (the demo fleet). */
export type LocalFleet =
  | { readonly kind: 'aws'; readonly config: FleetConfig; readonly clients: AwsClientFactory }
  | { readonly kind: 'snapshots'; readonly load: (scope: RunScope) => Promise<EvidenceSnapshot[]> };

export interface LocalRunnerDeps {
  readonly store: ObjectStore;
  readonly fleet: LocalFleet;
  readonly now: () => Date;
  readonly mail: (request: RunRequest) => ReportRunDeps['mail'];
  readonly linkTo: ReportRunDeps['linkTo'];
  readonly maxSnapshotBytes: number;
  /** Told when a run ends, for the server's log. */
  readonly onEnd?: (runId: string, outcome: string) => void;
}

export class LocalRunner implements RunStarter {
  private queue: Promise<void> = Promise.resolve();
  private readonly started = new Set<string>();

  constructor(private readonly deps: LocalRunnerDeps) {}

  start(request: RunRequest): Promise<void> {
    this.started.add(request.runId);
    this.queue = this.queue.then(() => this.run(request));
    return Promise.resolve();
  }

  /** A run still marked running that this process did not start was left by an earlier server. */
  failure(runId: string): Promise<string | undefined> {
    return Promise.resolve(this.started.has(runId) ? undefined : 'the kubeseg serve process that ran it stopped before the run ended');
  }

  /** Resolves when every run started so far has ended. */
  idle(): Promise<void> {
    return this.queue;
  }

  private async run(request: RunRequest): Promise<void> {
    const { store, fleet, now } = this.deps;
    const mail = this.deps.mail(request);
    let stage = 'discover';
    try {
      if (fleet.kind === 'aws') {
        await discoverRun(request.runId, fleet.config, { store, clients: fleet.clients, now });
        stage = 'collect';
        const items = (await readJson(store, runKeys.items(request.runId), fleetItemSchema.array()))!.value;
        await runBounded(items, { concurrency: fleet.config.concurrency.clusters, group: (i) => i.account, perGroup: fleet.config.concurrency.perAccount },
          (item) => collectRunItem(request.runId, item, fleet.config, { store, clients: fleet.clients, now }));
      } else {
        for (const [n, snapshot] of (await fleet.load(request.scope)).entries()) await writeJson(store, runKeys.snapshot(request.runId, n), snapshot);
      }
      stage = 'report';
      const { status } = await reportStoredRun(request.runId, {
        store, now, linkTo: this.deps.linkTo, maxSnapshotBytes: this.deps.maxSnapshotBytes, ...(mail && { mail }),
      });
      this.deps.onEnd?.(request.runId, status.status);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await failRun(request.runId, { stage, message }, { store, now, ...(mail && { mail }) });
      this.deps.onEnd?.(request.runId, `failed in ${stage}: ${message.split('\n')[0]}`);
    }
  }
}
