/**
 * Writes schemas/report-v1.schema.json from the zod contract in lib/core/report/jsonReport.ts.
 * Run after changing the contract: `npm run schemas`. A test fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { reportJsonSchema } from '../lib/core/report/jsonSchema.js';

const target = new URL('../schemas/report-v1.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(reportJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
