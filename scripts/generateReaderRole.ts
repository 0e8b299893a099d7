/**
 * Writes infra/kubeseg-reader.yaml from lib/core/access/readerRole.ts. Run after changing the role:
 * `npm run reader-role`. A test fails when the file is stale.
 */
import { writeFileSync } from 'node:fs';
import { readerRoleManifest } from '../lib/core/access/readerRole.js';

const target = new URL('../infra/kubeseg-reader.yaml', import.meta.url);
writeFileSync(target, readerRoleManifest());
console.log(`wrote ${target.pathname}`);
