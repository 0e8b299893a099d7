/** Reading a configuration file for a command: an unreadable or invalid one is a fatal diagnostic of one line. */
import { InputFileError, readInputFile } from '../adapters/files/inputFile.js';
import type { DiagnosticList } from '../core/diagnostics.js';

/** A configuration file is small; anything larger is not one. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** `parse`'s own errors (`ownError`) already name the file, line and field. */
export async function readConfigFile<T>(
  path: string, parse: (text: string, file: string) => T, ownError: abstract new (...args: never[]) => Error, diagnostics: DiagnosticList,
): Promise<T | undefined> {
  try {
    return parse(await readInputFile(path, MAX_CONFIG_BYTES), path);
  } catch (err) {
    if (err instanceof InputFileError) diagnostics.fatal(err.message, { source: path });
    else if (err instanceof ownError) diagnostics.fatal(err.message);
    else throw err;
    return undefined;
  }
}
