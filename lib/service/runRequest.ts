/** What a run was asked to do (`runs/<runId>/request.json`), written when it starts and read by every later stage. */
import { z } from 'zod';
import type { ObjectStore } from '../adapters/storage/objectStore.js';
import { RUN_ID_PATTERN } from '../core/run/runId.js';
import { TRIGGERS } from '../core/run/runStatus.js';
import { scopeSchema } from '../core/run/scope.js';
import { runKeys } from './runLayout.js';
import { readJson, StoredDocumentError } from './storedJson.js';

export const runRequestSchema = z.object({
  runId: z.string().regex(RUN_ID_PATTERN),
  trigger: z.enum(TRIGGERS),
  scope: scopeSchema,
  /** ISO 8601. */
  startedAt: z.string(),
  /** An on-demand run's own recipients; else the configuration's. */
  recipients: z.array(z.email()).max(50).optional(),
});
export type RunRequest = z.infer<typeof runRequestSchema>;

export async function readRequest(store: ObjectStore, runId: string): Promise<RunRequest> {
  const request = await readJson(store, runKeys.request(runId), runRequestSchema);
  if (!request) throw new StoredDocumentError(`${store.location}${runKeys.request(runId)}: no such run`);
  return request.value;
}
