/** Writes one run's report files into a new folder `<root>/<timestamp>/` (the local counterpart of the S3 store). */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** `2026-11-26T06-00-00Z`: the run's time, safe as a folder name on every file system. */
export function runFolderName(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

/** The files' absolute paths, in the order given. An existing folder of the same second is reused, its files replaced. */
export async function writeReportFiles(root: string, at: Date, files: ReadonlyMap<string, string | Uint8Array>): Promise<string[]> {
  const folder = resolve(root, runFolderName(at));
  await mkdir(folder, { recursive: true });
  const paths: string[] = [];
  for (const [name, content] of files) {
    const path = join(folder, name);
    await writeFile(path, content);
    paths.push(path);
  }
  return paths;
}
