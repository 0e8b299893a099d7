/**
 * Retries for AWS calls, in one place: every SDK client is built with `maxAttempts: 1` (see
 * clients.ts), so the SDK's own retry strategy never stacks on this one (5 × 5 attempts), and a
 * test can inject the clock-free `sleep` and `random` to see every delay.
 */
import { inertLine } from '../../core/format/inert.js';

export interface RetryOptions {
  /** Attempts in all, the first included (default 6). */
  readonly maxAttempts?: number;
  /** The cap of the first back-off; it doubles per attempt (default 250 ms). */
  readonly baseDelayMs?: number;
  /** The largest cap (default 20 s). */
  readonly maxDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1); default Math.random. */
  readonly random?: () => number;
}

/** Runs `fn`, retrying throttling and server faults with exponential back-off and full jitter. */
export async function withRetry<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { maxAttempts = 6, baseDelayMs = 250, maxDelayMs = 20_000, sleep = defaultSleep, random = Math.random } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= maxAttempts || !isRetryable(err)) throw err;
      // Full jitter: anywhere from 0 to the capped exponential, so many callers throttled at once spread out.
      await sleep(Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))));
    }
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const THROTTLING = new Set([
  'ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'SlowDown',
  'RequestThrottled', 'RequestThrottledException', 'ProvisionedThroughputExceededException', 'PriorRequestNotComplete',
]);
const TRANSIENT = new Set([
  'InternalError', 'InternalFailure', 'InternalServerError', 'InternalServerException', 'ServerException',
  'ServiceUnavailable', 'ServiceUnavailableException', 'RequestTimeout', 'RequestTimeoutException', 'TimeoutError',
]);
const NETWORK = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNREFUSED']);
const ACCESS_DENIED = new Set([
  'AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation', 'AuthFailure', 'UnauthorizedException',
  'AccessDeniedForDependencyException',
]);

interface AwsErrorShape {
  name?: unknown;
  code?: unknown;
  Code?: unknown;
  message?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
  $retryable?: { throttling?: unknown };
}

function shape(err: unknown): AwsErrorShape {
  return typeof err === 'object' && err !== null ? (err as AwsErrorShape) : {};
}

function names(err: unknown): string[] {
  const e = shape(err);
  return [e.name, e.code, e.Code].filter((n): n is string => typeof n === 'string');
}

function status(err: unknown): number | undefined {
  const code = shape(err).$metadata?.httpStatusCode;
  return typeof code === 'number' ? code : undefined;
}

/** Throttling, a server fault, a timeout or a dropped connection: worth another try. Never access denied. */
export function isRetryable(err: unknown): boolean {
  if (isAccessDenied(err)) return false;
  const e = shape(err);
  const code = status(err);
  return names(err).some((n) => THROTTLING.has(n) || TRANSIENT.has(n) || NETWORK.has(n))
    || code === 429 || (code !== undefined && code >= 500)
    || e.$fault === 'server' || e.$retryable?.throttling === true;
}

/** The caller lacks a permission (IAM, SCP, a role's trust policy): no retry will help. */
export function isAccessDenied(err: unknown): boolean {
  return names(err).some((n) => ACCESS_DENIED.has(n)) || status(err) === 403;
}

/**
 * One line for a report: the error's name and message. AWS messages name ARNs and actions, not
 * secrets; an access key id that shows up anyway is masked.
 */
export function describeAwsError(err: unknown): string {
  const e = shape(err);
  const name = names(err)[0] ?? 'Error';
  const raw = typeof e.message === 'string' ? e.message : typeof err === 'string' ? err : '';
  const message = raw.split(/\r?\n/)[0]!.trim().replace(/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, '<access key id>');
  return inertLine(message && message !== name ? `${name}: ${message}` : name);
}
