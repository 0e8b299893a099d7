/**
 * Reads manifest files from disk: files given directly, and every `*.yaml`, `*.yml`, `*.json`
 * below given directories (recursively, in a stable order). Parsing is done by the pure core.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { DiagnosticList } from '../../core/diagnostics.js';
import { parseManifestText, type SourcedObject } from '../../core/manifests/parseManifestText.js';
import { describeError, formatBytes, InputFileError, readInputFile, specialFileKind } from '../files/inputFile.js';

export const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];
/**
 * Input limits, checked before a byte is read (README, "Limits"): memory grows with the objects
 * read, so a run refuses more than it can hold in a few GiB rather than dying of it half-way.
 */
export const INPUT_LIMITS = {
  /** One manifest file. */
  fileBytes: 32 * 1024 * 1024,
  /** Every manifest file of one run together. */
  totalBytes: 64 * 1024 * 1024,
} as const;

/**
 * `skip` names files that sit among manifests but are not Kubernetes objects (kubeseg-cloud.yaml).
 */
export async function readManifestFiles(
  paths: readonly string[], diagnostics: DiagnosticList, skip: readonly string[] = [],
): Promise<SourcedObject[]> {
  const files: string[] = [];
  const seen = new Set<string>();
  for (const path of paths) {
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => err);
    if (info instanceof Error) {
      diagnostics.fatal(`cannot read "${path}": ${describeError(info)}`);
    } else if (info.isDirectory()) {
      await collect(path, files, seen, diagnostics, skip);
    } else if (specialFileKind(info)) {
      diagnostics.fatal(`${specialFileKind(info)!}, not a regular file: not read`, { source: path });
    } else {
      files.push(path);
    }
  }
  if (diagnostics.hasFatal) return [];
  if (files.length === 0) {
    diagnostics.fatal(`no manifest files found in ${paths.join(', ')}: recognized file extensions are ${MANIFEST_EXTENSIONS.join(', ')}`);
    return [];
  }
  const unique = await readOnce(files);
  await checkSizes(unique, diagnostics);
  if (diagnostics.hasFatal) return [];
  const objects: SourcedObject[] = [];
  const warningsBefore = diagnostics.all.length;
  for (const file of unique) {
    let text: string;
    try {
      text = await readInputFile(file, INPUT_LIMITS.fileBytes);
    } catch (err) {
      if (!(err instanceof InputFileError)) throw err;
      diagnostics.warn(`${err.message}; skipped`, { source: file });
      continue;
    }
    // A loop, not push(...list): a spread of 100k objects overflows the call stack.
    for (const o of parseManifestText(file, text, diagnostics)) objects.push(o);
  }
  if (objects.length === 0 && diagnostics.all.length > warningsBefore) {
    diagnostics.fatal('no readable Kubernetes objects in the input (see the messages above)');
  }
  return objects;
}

/** The files without repeats: one given twice, or both directly and inside a given directory, is read once. */
async function readOnce(files: readonly string[]): Promise<string[]> {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const file of files) {
    const real = await realpath(file).catch(() => file);
    if (!seen.has(real)) out.push(file);
    seen.add(real);
  }
  return out;
}

/** Refuses the whole input when a file, or all of them together, are over the limits. */
async function checkSizes(files: readonly string[], diagnostics: DiagnosticList): Promise<void> {
  let total = 0;
  for (const file of files) {
    const size = (await stat(file).catch(() => undefined))?.size ?? 0; // a file gone by now is reported when read
    total += size;
    if (size > INPUT_LIMITS.fileBytes) {
      diagnostics.fatal(`${formatBytes(size)} is over the limit of ${formatBytes(INPUT_LIMITS.fileBytes)} per manifest file: not read`, { source: file });
    }
  }
  if (!diagnostics.hasFatal && total > INPUT_LIMITS.totalBytes) {
    diagnostics.fatal(`the input holds ${formatBytes(total)} in ${files.length} files, over the limit of ${formatBytes(INPUT_LIMITS.totalBytes)} per run: not read`);
  }
}

async function collect(dir: string, files: string[], seen: Set<string>, diagnostics: DiagnosticList, skip: readonly string[]): Promise<void> {
  const real = await realpath(dir).catch(() => dir);
  if (seen.has(real)) return; // a symlink loop, or the same directory given twice
  seen.add(real);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    diagnostics.warn(`cannot list directory: ${describeError(err as NodeJS.ErrnoException)}`, { source: dir });
    return;
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    const info = entry.isSymbolicLink() ? await stat(path).catch(() => undefined) : entry;
    const isManifest = MANIFEST_EXTENSIONS.includes(extname(entry.name).toLowerCase()) && !skip.includes(entry.name);
    if (info?.isDirectory()) await collect(path, files, seen, diagnostics, skip);
    else if (info?.isFile()) {
      if (isManifest) files.push(path);
    } else if (info && isManifest) {
      // Never opened: a FIFO would block the run, a device might never end.
      diagnostics.warn(`${specialFileKind(info)!}, not a regular file; skipped`, { source: path });
    }
  }
}
