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

/** Warnings and errors go to stderr, one per line; stdout carries only results. */
export function reportDiagnostics(diagnostics: DiagnosticList, io: Io): void {
  for (const d of diagnostics.all) io.stderr(`${formatDiagnostic(d)}\n`);
}
