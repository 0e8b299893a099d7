import { inertLine } from './format/inert.js';

/**
 * Problems found in the input. `fatal` stops the analysis (np-guard's "Error:"); `warning` is
 * reported and the analysis continues with what could be read.
 */
export type Severity = 'fatal' | 'warning';

export interface Diagnostic {
  readonly severity: Severity;
  readonly message: string;
  /** Where it came from: a file path, optionally with a document number. */
  readonly source?: string;
  /** `Kind namespace/name` of the object concerned, when known. */
  readonly object?: string;
}

/** Collects diagnostics in order; the core returns them instead of logging. */
export class DiagnosticList {
  private readonly items: Diagnostic[] = [];

  fatal(message: string, where: Pick<Diagnostic, 'source' | 'object'> = {}): void {
    this.items.push({ severity: 'fatal', message, ...where });
  }

  warn(message: string, where: Pick<Diagnostic, 'source' | 'object'> = {}): void {
    this.items.push({ severity: 'warning', message, ...where });
  }

  get all(): readonly Diagnostic[] {
    return this.items;
  }

  get hasFatal(): boolean {
    return this.items.some((d) => d.severity === 'fatal');
  }
}

/**
 * `file: Kind ns/name: message`, always one line: names and messages carry text from the input, so
 * control, bidi and zero-width characters (a newline in a file or object name) are shown as code points.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const label = d.severity === 'fatal' ? 'error' : 'warning';
  const where = [d.source, d.object].filter(Boolean).join(': ');
  return `${label}: ${inertLine(`${where ? `${where}: ` : ''}${d.message}`)}`;
}
