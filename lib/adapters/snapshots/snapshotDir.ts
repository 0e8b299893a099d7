/**
 * A snapshot directory: one evidence snapshot JSON per cluster, each written atomically (a temp
 * file, then a rename), and `index.json` saying what was asked for and what came back. `scan
 * --snapshot DIR` reads it back through the same zod schema every snapshot has.
 */
import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import type { DiagnosticList } from '../../core/diagnostics.js';
import { API_SERVER_STEP, snapshotSchema, type EvidenceSnapshot } from '../../core/evidence/snapshot.js';
import { InputFileError, readInputFile } from '../files/inputFile.js';

export const INDEX_FILE = 'index.json';

export const COLLECTED_STATUSES = ['collected', 'partial', 'unreachable'] as const;

const indexSchema = z.object({
  /** Where the clusters were asked for: the kubeconfig files (contexts), or the fleet file (AWS). */
  kubeconfig: z.string().optional(),
  fleetConfig: z.string().optional(),
  /** The context names asked for, every context of the kubeconfig, or every cluster the fleet file's discovery found. */
  requested: z.union([z.array(z.string()), z.literal('all-contexts'), z.literal('fleet')]),
  collectedAt: z.string(),
  clusters: z.array(z.object({
    context: z.string(),
    file: z.string(),
    status: z.enum(COLLECTED_STATUSES),
    /** Steps not fully collected: `rbac: forbidden: 403 Forbidden: list roles.rbac.authorization.k8s.io`. */
    problems: z.array(z.string()),
  }).strict()),
}).strict();
export type SnapshotIndex = z.infer<typeof indexSchema>;

export type SnapshotRequest = Pick<SnapshotIndex, 'kubeconfig' | 'fleetConfig' | 'requested'> & { readonly collectedAt: Date };

/** Unreachable when the API server step failed; partial when any other step is forbidden or an error. */
export function collectedStatus(snapshot: EvidenceSnapshot): SnapshotIndex['clusters'][number]['status'] {
  if (snapshot.collection.some((s) => s.step === API_SERVER_STEP && s.status !== 'ok')) return 'unreachable';
  return snapshot.collection.some((s) => s.status === 'forbidden' || s.status === 'error') ? 'partial' : 'collected';
}

/** Steps not fully collected; for an unreachable cluster only the reason (no step was tried). */
function problems(snapshot: EvidenceSnapshot): string[] {
  const failed = snapshot.collection.filter((c) => c.status === 'forbidden' || c.status === 'error');
  const shown = collectedStatus(snapshot) === 'unreachable' ? failed.filter((c) => c.step === API_SERVER_STEP) : failed;
  return shown.map((c) => `${c.step}: ${c.status}: ${c.detail ?? ''}`);
}

/** Writes the snapshots and the index; returns the index. */
export async function writeSnapshotDir(dir: string, request: SnapshotRequest, snapshots: readonly EvidenceSnapshot[]): Promise<SnapshotIndex> {
  await mkdir(dir, { recursive: true });
  const files = fileNames(snapshots.map((s) => s.cluster.name));
  for (const [i, snapshot] of snapshots.entries()) await writeAtomically(join(dir, files[i]!), `${JSON.stringify(snapshot, null, 2)}\n`);
  const index: SnapshotIndex = {
    ...(request.kubeconfig !== undefined && { kubeconfig: request.kubeconfig }),
    ...(request.fleetConfig !== undefined && { fleetConfig: request.fleetConfig }),
    requested: request.requested,
    collectedAt: request.collectedAt.toISOString(),
    clusters: snapshots.map((s, i) => ({ context: s.cluster.name, file: files[i]!, status: collectedStatus(s), problems: problems(s) })),
  };
  await writeAtomically(join(dir, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}

/** The snapshots of a directory, in its index's order (or by file name without an index); a bad file is fatal. */
export async function readSnapshotDir(dir: string, diagnostics: DiagnosticList): Promise<EvidenceSnapshot[]> {
  const indexText = await read(join(dir, INDEX_FILE), diagnostics, true);
  let files: string[];
  if (indexText !== undefined) {
    const index = parseWith(indexSchema, indexText, join(dir, INDEX_FILE), diagnostics);
    if (!index) return [];
    files = index.clusters.map((c) => c.file);
  } else {
    const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => err);
    if (entries instanceof Error) {
      diagnostics.fatal(`cannot read snapshot directory: ${entries.code ?? entries.message}`, { source: dir });
      return [];
    }
    files = entries.filter((f) => f.endsWith('.json') && f !== INDEX_FILE).sort();
  }
  if (files.length === 0) diagnostics.fatal('no snapshots in this directory', { source: dir });
  const snapshots: EvidenceSnapshot[] = [];
  for (const file of files) {
    const text = await read(join(dir, file), diagnostics, false);
    const snapshot = text === undefined ? undefined : parseWith(snapshotSchema, text, join(dir, file), diagnostics);
    if (snapshot) snapshots.push(snapshot);
  }
  return diagnostics.hasFatal ? [] : snapshots;
}

/** A snapshot of a large cluster runs to tens of megabytes. */
const MAX_SNAPSHOT_BYTES = 512 * 1024 * 1024;

async function read(file: string, diagnostics: DiagnosticList, optional: boolean): Promise<string | undefined> {
  try {
    return await readInputFile(file, MAX_SNAPSHOT_BYTES);
  } catch (err) {
    if (!(err instanceof InputFileError)) throw err;
    if (!optional) diagnostics.fatal(err.message, { source: file });
    return undefined;
  }
}

function parseWith<T>(schema: z.ZodType<T>, text: string, source: string, diagnostics: DiagnosticList): T | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    diagnostics.fatal(`not JSON: ${(err as Error).message.split('\n')[0]}`, { source });
    return undefined;
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  diagnostics.fatal(`not a kubeseg snapshot: ${issue.path.join('.') || '(root)'}: ${issue.message.split('\n')[0]}`, { source });
  return undefined;
}

/** A file name per cluster from its context name (`arn:aws:eks:…:cluster/x` has `:` and `/`), unique within the run. */
function fileNames(names: readonly string[]): string[] {
  const used = new Set<string>([INDEX_FILE]);
  return names.map((name) => {
    const base = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^\.+/, '_') || 'cluster';
    let file = `${base}.json`;
    for (let n = 2; used.has(file); n++) file = `${base}-${n}.json`;
    used.add(file);
    return file;
  });
}

/** Readers never see half a file: the content goes to a temp file beside the target, then replaces it. */
async function writeAtomically(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temp, content, { mode: 0o600 });
  await rename(temp, file);
}
