import { describe, expect, it, vi } from 'vitest';
import { describeAwsError, isAccessDenied, isRetryable, withRetry } from '../../lib/adapters/aws/retry.js';
import { accessDenied, awsError, serverError, throttling } from './awsErrors.js';

/** A function that fails with the given errors in turn, then returns 'ok'. */
function failing(...errors: unknown[]) {
  return vi.fn(async () => {
    const next = errors.shift();
    if (next !== undefined) throw next;
    return 'ok';
  });
}

describe('withRetry', () => {
  it.each([
    ['ThrottlingException', 400], ['Throttling', 400], ['TooManyRequestsException', 400],
    ['RequestLimitExceeded', 503], ['SlowDown', 503], ['SomethingElse', 429], ['InternalFailure', 500],
    ['ServiceUnavailableException', 503], ['TimeoutError', 0],
  ])('retries %s (HTTP %i) and then succeeds', async (name, status) => {
    // Prepare
    const fn = failing(awsError(name, status));
    const sleep = vi.fn(async () => {});
    // Act
    const result = await withRetry(fn, { sleep });
    // Assess
    expect(result).toBe('ok');
    expect(fn).toHaveBeenCalledTimes(2);
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it('retries a server fault and a reset connection', async () => {
    const fn = failing(Object.assign(new Error('boom'), { $fault: 'server' }), Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    await expect(withRetry(fn, { sleep: async () => {} })).resolves.toBe('ok');
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it.each([
    ['AccessDeniedException', 403], ['AccessDenied', 403], ['UnauthorizedOperation', 403],
    ['ValidationException', 400], ['ResourceNotFoundException', 404], ['InvalidParameterException', 400],
  ])('never retries %s', async (name, status) => {
    const error = awsError(name, status);
    const fn = failing(error);
    const sleep = vi.fn(async () => {});
    await expect(withRetry(fn, { sleep })).rejects.toBe(error);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(sleep).not.toHaveBeenCalled();
  });

  it('backs off exponentially with full jitter, capped, and gives up after maxAttempts', async () => {
    // Prepare
    const last = serverError();
    const fn = failing(throttling(), throttling(), throttling(), throttling(), last);
    const delays: number[] = [];
    // Act
    const outcome = withRetry(fn, { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 500, random: () => 0.999, sleep: async (ms) => { delays.push(ms); } });
    // Assess
    await expect(outcome).rejects.toBe(last);
    expect(fn).toHaveBeenCalledTimes(5);
    expect(delays).toEqual([99, 199, 399, 499]);
  });

  it('draws each delay between zero and the cap', async () => {
    const draws = [0, 0.5, 0.25];
    const delays: number[] = [];
    await withRetry(failing(throttling(), throttling(), throttling()), {
      baseDelayMs: 1000, random: () => draws.shift()!, sleep: async (ms) => { delays.push(ms); } });
    expect(delays).toEqual([0, 1000, 1000]);
  });
});

describe('isAccessDenied', () => {
  it.each([
    awsError('AccessDeniedException', 400), awsError('AccessDenied', 403), awsError('UnauthorizedOperation', 400),
    awsError('AuthFailure', 401), awsError('Whatever', 403), Object.assign(new Error('x'), { Code: 'AccessDenied' }),
  ])('recognises %s', (err) => {
    expect(isAccessDenied(err)).toBe(true);
    expect(isRetryable(err)).toBe(false);
  });

  it('is false for throttling, server faults and plain values', () => {
    expect([throttling(), serverError(), 'text', undefined, null].map(isAccessDenied)).toEqual([false, false, false, false, false]);
  });
});

describe('describeAwsError', () => {
  it('gives the name and the first line of the message', () => {
    expect(describeAwsError(accessDenied('User: arn:aws:sts::1:assumed-role/x is not authorized\nmore detail')))
      .toBe('AccessDeniedException: User: arn:aws:sts::1:assumed-role/x is not authorized');
  });

  it('masks an access key id and makes control characters visible', () => {
    const text = describeAwsError(awsError('InvalidClientTokenId', 403, 'The key AKIAABCDEFGHIJKLMNOP is bad\u001b[2J'));
    expect(text).toBe('InvalidClientTokenId: The key <access key id> is bad<U+001B>[2J');
  });

  it('handles errors without a message and non-errors', () => {
    expect(describeAwsError(awsError('ThrottlingException', 400, ''))).toBe('ThrottlingException');
    expect(describeAwsError('plain text')).toBe('Error: plain text');
    expect(describeAwsError(undefined)).toBe('Error');
  });
});
