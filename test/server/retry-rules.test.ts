/**
 * SPEC 4's retry arithmetic, as pure functions of the worker (worker.ts): how a Retry-After
 * header reads, and which outcomes are worth another attempt. The worker's use of them is
 * asserted end to end in delivery-outcomes.test.ts; the edge cases are cheaper here.
 */
import { describe, expect, it } from 'vitest';
import { isRetryable, retryAfterMs } from '../../src/server/push/worker.ts';

const NOW = Date.parse('2026-11-30T12:00:00Z');

describe('retryAfterMs reads Retry-After as seconds or an HTTP date', () => {
  it('no header means no asked delay', () => {
    expect(retryAfterMs(undefined, NOW)).toBeUndefined();
  });

  it('whole seconds become milliseconds, spaces around them allowed', () => {
    expect(retryAfterMs('600', NOW)).toBe(600_000);
    expect(retryAfterMs('0', NOW)).toBe(0);
    expect(retryAfterMs(' 7 ', NOW)).toBe(7000);
  });

  it('an HTTP date is the time left until it, and a date already past asks for no wait', () => {
    expect(retryAfterMs('Mon, 30 Nov 2026 12:02:00 GMT', NOW)).toBe(120_000);
    expect(retryAfterMs('Mon, 30 Nov 2026 11:00:00 GMT', NOW)).toBe(0);
  });

  it('a value that is neither is ignored (the backoff applies), even when it starts or ends with digits', () => {
    expect(retryAfterMs('soon', NOW)).toBeUndefined();
    expect(retryAfterMs('12abc', NOW)).toBeUndefined();
    expect(retryAfterMs('abc12', NOW)).toBeUndefined();
  });

  it('fractions and negative numbers are not read as dates long past (which would retry at once)', () => {
    expect(retryAfterMs('1.5', NOW)).toBeUndefined();
    expect(retryAfterMs('-1', NOW)).toBeUndefined();
  });

  it('a date is read only when it starts with a day name (every HTTP-date does), spaces around it allowed', () => {
    expect(retryAfterMs(' Mon, 30 Nov 2026 12:02:00 GMT', NOW)).toBe(120_000);
    expect(retryAfterMs('30 Nov 2026 12:02:00 GMT', NOW)).toBeUndefined();
    // One letter is no day name (Date.parse reads this as the year 2001).
    expect(retryAfterMs('Z 2001', NOW)).toBeUndefined();
  });

  it('the older HTTP-date forms are read too', () => {
    expect(retryAfterMs('Monday, 30-Nov-26 12:00:30 GMT', NOW)).toBe(30_000);
    expect(retryAfterMs('Mon Nov 30 12:00:30 2026', NOW)).toBe(Date.parse('Mon Nov 30 12:00:30 2026') - NOW);
  });
});

describe('isRetryable: which answers are worth another attempt', () => {
  it('429 and every 5xx from 500 on are retried; other 4xx are not', () => {
    expect(isRetryable({ status: 429 })).toBe(true);
    expect(isRetryable({ status: 500 })).toBe(true);
    expect(isRetryable({ status: 499 })).toBe(false);
    expect(isRetryable({ status: 428 })).toBe(false);
    expect(isRetryable({ status: 430 })).toBe(false);
  });

  it('no answer is retried only when the request went out (unanswered), not when it could not be made', () => {
    expect(isRetryable({ status: 0, error: 'timeout', unanswered: true })).toBe(true);
    expect(isRetryable({ status: 0, error: 'address 10.0.0.1 is non-public' })).toBe(false);
    // "unanswered" describes a missing answer: with a status, the status decides.
    expect(isRetryable({ status: 400, error: 'aborted', unanswered: true })).toBe(false);
  });
});
