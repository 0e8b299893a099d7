/** Writes one run's report files into a new folder `<root>/<timestamp>/` (the local counterpart of the S3 store). */
import { constants } from 'node:fs';
import { access, mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ObjectBody } from '../storage/objectStore.js';
import { describeError } from './inputFile.js';

/** `2026-11-26T06-00-00Z`: the run's time, safe as a folder name on every file system. */
export function runFolderName(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

/** The files' absolute paths, in the order given. An existing folder of the same second is reused, its files replaced. */
export async function writeReportFiles(root: string, at: Date, files: AsyncIterable<readonly [string, ObjectBody]>): Promise<string[]> {
  const folder = resolve(root, runFolderName(at));
  await mkdir(folder, { recursive: true });
  const paths: string[] = [];
  for await (const [name, content] of files) {
    const path = join(folder, name);
    await writeFile(path, content);
    paths.push(path);
  }
  return paths;
}

/**
 * Why report files cannot go under `root`, or undefined when they can: asked before a run, so that
 * a long analysis never ends in an unwritable folder. `root` must be a directory or not exist yet,
 * and the nearest directory that exists must be writable.
 */
export async function outputRootProblem(root: string): Promise<string | undefined> {
  let path = resolve(root);
  for (;;) {
    const info = await stat(path).catch((err: NodeJS.ErrnoException) => err);
    if (!(info instanceof Error)) {
      if (!info.isDirectory()) return path === resolve(root) ? 'exists and is not a directory' : `${path} is not a directory`;
      const writable = await access(path, constants.W_OK | constants.X_OK).then(() => true, () => false);
      return writable ? undefined : `${path} is not writable`;
    }
    if (info.code !== 'ENOENT') return `cannot be created: ${describeError(info)}`;
    const parent = dirname(path);
    if (parent === path) return 'cannot be created';
    path = parent;
  }
}
