import type { DiagnosticList } from '../core/diagnostics.js';
import { formatDiagnostic } from '../core/diagnostics.js';

/** The CLI's only contact with the process, so that commands can run in tests. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  exitCode(code: number): void;
}

export const processIo: Io = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  exitCode: (code) => void (process.exitCode = code),
};

/** The live progress display only draws on a real terminal; in tests and pipes each cluster gets a plain line. */
export const stderrIsTerminal = (io: Io): boolean => io === processIo && process.stderr.isTTY === true;

/**
 * A reader that stops early (`kubeseg demo | head -1`) closes the pipe: the run is then over, and
 * ends with the exit code it has so far instead of an EPIPE trace. Installed once per process.
 */
export function endQuietlyWhenOutputCloses(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      process.exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
    });
  }
}
let guarded = false;

/** Warnings and errors go to stderr, one per line; stdout carries only results. */
export function reportDiagnostics(diagnostics: DiagnosticList, io: Io): void {
  for (const d of diagnostics.all) io.stderr(`${formatDiagnostic(d)}\n`);
}
