/** The JSON Schema (draft 2020-12) of the report contract, derived from its zod schema. */
import * as z from 'zod';
import { reportSchema } from './jsonReport.js';

export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(reportSchema, { target: 'draft-2020-12' }),
    $id: 'kubeseg-report-v1.schema.json',
    title: 'kubeseg JSON report, schema version 1',
    description: 'What `kubeseg scan --format json` prints (DESIGN §3.2).',
  };
}
