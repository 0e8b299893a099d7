/**
 * Reading input files safely: a FIFO, socket or device is refused from its metadata, never opened
 * (opening a FIFO blocks until a writer comes; a device may never end), and a file over the size
 * limit is refused before a byte of it is read.
 */
import type { Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

/** A file that cannot be read as input; the message is one line and names no content. */
export class InputFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputFileError';
  }
}

/** What a path is when it is no regular file (`a FIFO (named pipe)`), or undefined for a regular file. */
export function specialFileKind(info: Pick<Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice'>): string | undefined {
  if (info.isFile()) return undefined;
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isSocket()) return 'a socket';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/** The text of a regular file of at most `maxBytes` bytes (UTF-8, a leading BOM dropped). */
export async function readInputFile(path: string, maxBytes: number): Promise<string> {
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw new InputFileError(`cannot read it: ${describeError(err)}`);
  });
  const special = specialFileKind(info);
  if (special) throw new InputFileError(`${special}, not a regular file: not read`);
  if (info.size > maxBytes) {
    throw new InputFileError(`${formatBytes(info.size)} is over the limit of ${formatBytes(maxBytes)} per input file: not read (split it into smaller files)`);
  }
  try {
    const text = await readFile(path, 'utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch (err) {
    throw new InputFileError(`cannot read it: ${describeError(err as NodeJS.ErrnoException)}`);
  }
}

/** `permission denied`, without the path Node repeats in its message. */
export function describeError(err: NodeJS.ErrnoException): string {
  return (err.code && ERRNO_TEXT[err.code]) ?? err.code ?? (err.message ?? String(err)).split('\n')[0]!;
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EIO: 'input/output error',
  EMFILE: 'too many open files',
};

/** `200 MiB`, `12 KiB`, `5 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / 1024 / 1024) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} bytes`;
}
