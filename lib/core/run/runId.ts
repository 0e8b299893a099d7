/**
 * A run's id: its start time to the millisecond and a random suffix,
 * `2026-12-04T06-00-00-000Z-k3j9d2f0`. Ids sort in time order (two runs of the same millisecond in
 * either order), are safe as a folder name and an S3 key, and are valid Step Functions execution
 * names (no colons), so the id of an on-demand run is its execution's name too.
 */
import { createHash } from 'node:crypto';

export const RUN_ID_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z-[a-z0-9]{6,16}$/;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `random` gives the suffix's entropy (6 bytes or more); the caller reads it from a source of randomness. */
export function newRunId(startedAt: Date, random: Uint8Array): string {
  if (random.length < 6) throw new Error('a run id needs 6 random bytes');
  const suffix = [...random.slice(0, 8)].map((b) => ALPHABET[b % ALPHABET.length]).join('');
  return `${startedAt.toISOString().replace(/[:.]/g, '-')}-${suffix}`;
}

export function isRunId(value: string): boolean {
  return RUN_ID_PATTERN.test(value);
}

/**
 * A scheduled run's id follows from its scheduled time alone, so a schedule delivered twice (the
 * scheduler delivers at least once) names the same run, which starts only once.
 */
export function scheduledRunId(scheduledTime: Date): string {
  return newRunId(scheduledTime, createHash('sha256').update(`kubeseg schedule ${scheduledTime.toISOString()}`).digest());
}
