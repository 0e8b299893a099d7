/** Reads the previous run's JSON report (`--previous FILE`) for trends; a file that is not one is refused. */
import { reportSchema, type JsonReport } from '../../core/report/jsonReport.js';
import { InputFileError, readInputFile } from '../files/inputFile.js';

/** A fleet of 200 clusters and 20,000 findings is a few tens of MiB. */
const MAX_REPORT_BYTES = 256 * 1024 * 1024;

export class PreviousReportError extends Error {}

/** The report, or a PreviousReportError that names the file and the first problem (never a value from it). */
export async function readPreviousReport(path: string): Promise<JsonReport> {
  let text: string;
  try {
    text = await readInputFile(path, MAX_REPORT_BYTES);
  } catch (err) {
    if (!(err instanceof InputFileError)) throw err;
    throw new PreviousReportError(`--previous ${path}: ${err.message}`);
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
