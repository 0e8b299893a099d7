/**
 * Progress of a live collection, on stderr (stdout carries the report). On a terminal, a live
 * display (listr2): clusters done out of the total, the current phase, and every cluster that was
 * not fully collected as it happens. Elsewhere (CI, a pipe, a log file), one plain line per cluster.
 */
import { Listr, ListrLogger, ProcessOutput, type ListrTaskWrapper } from 'listr2';
import { collectedStatus } from '../adapters/snapshots/snapshotDir.js';
import { API_SERVER_STEP, type EvidenceSnapshot } from '../core/evidence/snapshot.js';
import { inertLine } from '../core/format/inert.js';
import type { Io } from './io.js';

export interface Progress {
  /** What the run is doing now: "discovering clusters in 12 accounts". */
  phase(text: string): void;
  /** How many clusters will be collected, once discovery knows. */
  expect(total: number): void;
  collected(snapshot: EvidenceSnapshot): void;
  /** Something that went wrong outside a cluster (an account that could not be entered). */
  problem(line: string): void;
  end(): Promise<void>;
}

/** `terminal` is only true for the process's own stderr (`stderrIsTerminal`), which the live display draws on. */
export function createProgress(io: Io, terminal: boolean): Progress {
  return terminal ? new LiveDisplay() : new PlainLines(io);
}

/** One line on a cluster's collection: collected, partial (which steps, why) or unreachable (why). */
export function progressLine(snapshot: EvidenceSnapshot): string {
  const status = collectedStatus(snapshot);
  const name = snapshot.cluster.name;
  if (status === 'unreachable') {
    const reason = snapshot.collection.find((s) => s.step === API_SERVER_STEP)?.detail ?? '';
    return `${name}: unreachable: ${reason.replace(/^unreachable: /, '')}`;
  }
  if (status === 'partial') {
    const problems = snapshot.collection.filter((s) => s.status === 'forbidden' || s.status === 'error');
    return `${name}: partial: ${problems.map((s) => `${s.step} ${s.status} (${s.detail ?? ''})`).join('; ')}`;
  }
  return `${name}: collected (${snapshot.objects.length} objects)`;
}

class PlainLines implements Progress {
  constructor(private readonly io: Io) {}

  // A log gets a line per cluster and per problem; phases are for the live display.
  phase(): void {}

  expect(): void {}

  collected(snapshot: EvidenceSnapshot): void {
    this.io.stderr(`${inertLine(progressLine(snapshot))}\n`);
  }

  problem(line: string): void {
    this.io.stderr(`${inertLine(line)}\n`);
  }

  async end(): Promise<void> {}
}

class LiveDisplay implements Progress {
  private task: ListrTaskWrapper<unknown, never, never> | undefined;
  private total: number | undefined;
  private done = 0;
  private incomplete = 0;
  private current = 'starting';
  /** Lines that came before the display started; each later one is output once, as it happens. */
  private readonly pending: string[] = [];
  private finish!: () => void;
  private readonly running: Promise<void>;

  constructor() {
    const finished = new Promise<void>((resolve) => (this.finish = resolve));
    const list = new Listr([{
      title: 'kubeseg',
      task: (_ctx, task) => {
        this.task = task as unknown as ListrTaskWrapper<unknown, never, never>;
        for (const line of this.pending.splice(0)) this.output(line);
        this.redraw();
        return finished;
      },
      rendererOptions: { outputBar: Infinity, persistentOutput: true },
    }], {
      renderer: 'default',
      exitOnError: false,
      // On stderr, so that the report on stdout stays clean.
      rendererOptions: { logger: new ListrLogger({ processOutput: new ProcessOutput(process.stderr, process.stderr) }) },
    });
    this.running = list.run().then(() => undefined);
  }

  phase(text: string): void {
    this.current = text;
    this.redraw();
  }

  expect(total: number): void {
    this.total = total;
    this.redraw();
  }

  collected(snapshot: EvidenceSnapshot): void {
    this.done++;
    if (collectedStatus(snapshot) !== 'collected') {
      this.incomplete++;
      this.output(progressLine(snapshot));
    }
    this.redraw();
  }

  problem(line: string): void {
    this.output(line);
  }

  async end(): Promise<void> {
    this.current = 'done';
    this.redraw();
    this.finish();
    await this.running;
  }

  private redraw(): void {
    if (!this.task) return;
    const counts = this.total === undefined ? '' : `${this.done}/${this.total} clusters collected`
      + `${this.incomplete > 0 ? `, ${this.incomplete} not fully` : ''} · `;
    this.task.title = inertLine(`${counts}${this.current}`);
  }

  /** listr2 keeps every value given to `output` as a line of its own (outputBar: Infinity). */
  private output(line: string): void {
    if (this.task) this.task.output = inertLine(line);
    else this.pending.push(line);
  }
}
