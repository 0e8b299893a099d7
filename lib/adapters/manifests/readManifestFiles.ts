/**
 * Reads manifest files from disk: files given directly, and every `*.yaml`, `*.yml`, `*.json`
 * below given directories (recursively, in a stable order). Parsing is done by the pure core.
 */
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { DiagnosticList } from '../../core/diagnostics.js';
import { parseManifestText, type SourcedObject } from '../../core/manifests/parseManifestText.js';

export const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
/** Larger files are skipped with a warning rather than exhausting memory. */
export const MAX_MANIFEST_BYTES = 256 * 1024 * 1024;

/**
 * `skip` names files that sit among manifests but are not Kubernetes objects (kubeseg-cloud.yaml).
 */
export async function readManifestFiles(
  paths: readonly string[], diagnostics: DiagnosticList, skip: readonly string[] = [],
): Promise<SourcedObject[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) {
      diagnostics.fatal(`cannot read "${path}": no such file or directory`);
    } else if (info.isDirectory()) {
      await collect(path, files, seen, diagnostics, skip);
    } else {
      files.push(path);
    }
  }
  if (diagnostics.hasFatal) return [];
  if (files.length === 0) {
    diagnostics.fatal(`no manifest files found in ${paths.join(', ')}: recognized file extensions are ${MANIFEST_EXTENSIONS.join(', ')}`);
    return [];
  }
  const objects: SourcedObject[] = [];
  const warningsBefore = diagnostics.all.length;
  for (const file of files) {
    const size = (await stat(file)).size;
    if (size > MAX_MANIFEST_BYTES) {
      diagnostics.warn(`file is larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MiB; skipped`, { source: file });
      continue;
    }
    try {
      objects.push(...parseManifestText(file, await readFile(file, 'utf8'), diagnostics));
    } catch (err) {
      diagnostics.warn(`cannot read file: ${(err as Error).message}`, { source: file });
    }
  }
  if (objects.length === 0 && diagnostics.all.length > warningsBefore) {
    diagnostics.fatal('no readable Kubernetes objects in the input (see the messages above)');
  }
  return objects;
}

async function collect(dir: string, files: string[], seen: Set<string>, diagnostics: DiagnosticList, skip: readonly string[]): Promise<void> {
  const real = await realpath(dir);
  if (seen.has(real)) return; // a symlink loop, or the same directory given twice
  seen.add(real);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    diagnostics.warn(`cannot list directory: ${(err as Error).message}`, { source: dir });
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    const info = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : entry;
    if (info?.isDirectory()) await collect(path, files, seen, diagnostics, skip);
    else if (info?.isFile() && MANIFEST_EXTENSIONS.includes(extname(entry.name).toLowerCase()) && !skip.includes(entry.name)) files.push(path);
  }
}
