/**
 * Offline evidence: manifest paths → one evidence snapshot per cluster.
 *
 * A directory without a kubeseg-cloud.yaml of its own whose subdirectories hold one is a fleet:
 * each such subdirectory is a cluster (that is how `demo/` is laid out); other subdirectories are
 * skipped with a warning. Otherwise all paths together are one cluster, named by its
 * kubeseg-cloud.yaml or after the first path.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { DiagnosticList } from '../../core/diagnostics.js';
import { CLOUD_FILE_NAME, parseCloudFile, snapshotFromObjects, type CloudFile } from '../../core/evidence/buildSnapshot.js';
import { EVIDENCE_OBJECT_KINDS } from '../../core/evidence/sanitize.js';
import type { ClusterIdentity, EvidenceSnapshot } from '../../core/evidence/snapshot.js';
import { admitObjects } from '../../core/netpol/buildClusterModel.js';
import { InputFileError, readInputFile } from '../files/inputFile.js';
import { readManifestFiles } from './readManifestFiles.js';

export async function loadSnapshots(
  paths: readonly string[], source: ClusterIdentity['source'], diagnostics: DiagnosticList,
): Promise<EvidenceSnapshot[]> {
  const clusters = await clusterDirectories(paths, diagnostics);
  const groups = clusters.length > 0 ? clusters.map((dir) => [dir]) : [paths];
  const snapshots: EvidenceSnapshot[] = [];
  for (const group of groups) {
    const cloudFile = await readCloudFile(group, diagnostics);
    const objects = admitObjects(await readManifestFiles(group, diagnostics, [CLOUD_FILE_NAME]), EVIDENCE_OBJECT_KINDS, diagnostics);
    if (diagnostics.hasFatal) return [];
    const name = cloudFile?.cluster?.name ?? basename(resolve(group[0]!));
    snapshots.push(snapshotFromObjects({ objects, identity: { name, source }, ...(cloudFile && { cloudFile }) }));
  }
  return snapshots;
}

/** Subdirectories holding a cloud file, when the only path is such a fleet directory. */
async function clusterDirectories(paths: readonly string[], diagnostics: DiagnosticList): Promise<string[]> {
  if (paths.length !== 1 || !(await isDirectory(paths[0]!)) || (await exists(join(paths[0]!, CLOUD_FILE_NAME)))) return [];
  const entries = await readdir(paths[0]!, { withFileTypes: true }).catch(() => []); // reading it reports the problem
  const dirs = entries.filter((e) => e.isDirectory()).map((e) => join(paths[0]!, e.name)).sort();
  const withCloud: string[] = [];
  for (const dir of dirs) if (await exists(join(dir, CLOUD_FILE_NAME))) withCloud.push(dir);
  if (withCloud.length > 0) {
    for (const dir of dirs.filter((d) => !withCloud.includes(d))) {
      diagnostics.warn(`not a cluster of this fleet (no ${CLOUD_FILE_NAME}); skipped`, { source: dir });
    }
  }
  return withCloud;
}

/** A cloud file that cannot be read is fatal, as one that cannot be parsed: a wrong fact gives a wrong answer. */
async function readCloudFile(paths: readonly string[], diagnostics: DiagnosticList): Promise<CloudFile | undefined> {
  for (const path of paths) {
    const file = (await isDirectory(path)) ? join(path, CLOUD_FILE_NAME) : undefined;
    if (!file || !(await exists(file))) continue;
    try {
      return parseCloudFile(await readInputFile(file, MAX_CLOUD_FILE_BYTES), file, diagnostics);
    } catch (err) {
      if (!(err instanceof InputFileError)) throw err;
      diagnostics.fatal(err.message, { source: file });
      return undefined;
    }
  }
  return undefined;
}

/** A cloud file holds a few dozen facts. */
const MAX_CLOUD_FILE_BYTES = 1024 * 1024;

async function isDirectory(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}
