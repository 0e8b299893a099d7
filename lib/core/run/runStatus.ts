/**
 * A run's status document (`runs/<runId>/status.json`): what `GET /reports/{id}` answers and what
 * each stage of a run updates. It holds scores and names, never a configuration value.
 */
import { z } from 'zod';
import { RUN_ID_PATTERN } from './runId.js';
import { scopeSchema } from './scope.js';

export const RUN_STATES = ['running', 'done', 'partial', 'failed'] as const;
export type RunState = (typeof RUN_STATES)[number];

export const TRIGGERS = ['schedule', 'api', 'cli'] as const;

const score = z.number().nullable();

export const runStatusSchema = z.object({
  runId: z.string().regex(RUN_ID_PATTERN),
  trigger: z.enum(TRIGGERS),
  scope: scopeSchema,
  /** ISO 8601. */
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  status: z.enum(RUN_STATES),
  /** Set when the report is stored. */
  fleet: z.object({ score, grade: z.string().nullable(), coverage: z.number(), clusters: z.number() }).optional(),
  clusters: z.array(z.object({
    name: z.string(), account: z.string().optional(), region: z.string().optional(),
    status: z.string(), score, grade: z.string().nullable(),
  })).optional(),
  /** The report files stored for the run (`report.html`, …). */
  files: z.array(z.string()).optional(),
  email: z.object({
    status: z.enum(['sent', 'failed', 'not-configured']),
    recipients: z.number(),
    detail: z.string().optional(),
  }).optional(),
  /** Why a failed run failed: the stage and a one-line reason. */
  error: z.object({ stage: z.string(), message: z.string() }).optional(),
});
export type RunStatus = z.infer<typeof runStatusSchema>;
