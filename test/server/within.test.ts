// within(): the bounded wait behind a pump's shutdown, a token revocation's confirmations and /ready's PING.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { within } from '../../src/server/within.ts';

afterEach(() => vi.useRealTimers());

describe('within', () => {
  it('is true for a promise that fulfils in time, and leaves no timer behind', async () => {
    vi.useFakeTimers();
    const wait = within(new Promise((resolve) => setTimeout(resolve, 99)), 100);
    await vi.advanceTimersByTimeAsync(99);
    await expect(wait).resolves.toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('is false once the time runs out, and then leaves no timer behind', async () => {
    vi.useFakeTimers();
    let settled = false;
    const wait = within(new Promise(() => {}), 100).finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(99);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(wait).resolves.toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('throws a rejection that comes in time', async () => {
    await expect(within(Promise.reject(new Error('no answer')), 1000)).rejects.toThrow('no answer');
  });

  it('a rejection after the time ran out is not left unhandled', async () => {
    vi.useFakeTimers();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      let fail!: (e: Error) => void;
      const wait = within(new Promise((_, reject) => (fail = reject)), 10);
      await vi.advanceTimersByTimeAsync(10);
      await expect(wait).resolves.toBe(false);
      fail(new Error('late'));
      vi.useRealTimers();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
