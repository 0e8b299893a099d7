/** Reads the previous run's JSON report (`--previous FILE`) for trends; a file that is not one is refused. */
import { readFile } from 'node:fs/promises';
import { reportSchema, type JsonReport } from '../../core/report/jsonReport.js';

export class PreviousReportError extends Error {}

/** The report, or a PreviousReportError that names the file and the first problem (never a value from it). */
export async function readPreviousReport(path: string): Promise<JsonReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PreviousReportError(`--previous ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PreviousReportError(`--previous ${path}: not JSON; pass a report written by \`kubeseg scan --format json\``);
  }
  const parsed = reportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path.length > 0 ? issue.path.join('.') : 'the document';
    throw new PreviousReportError(`--previous ${path}: not a kubeseg report of schema 1 (${where}: ${issue.code})`);
  }
  return parsed.data;
}
