/**
 * The outbox's flush loop (handlers/outbox.ts), driven directly with a real server: when the
 * settings are re-read, what happens to writes queued while a flush runs, how it ends when writes
 * keep coming, and what a refused token or a recovered server leaves behind.
 */
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Ctx } from '../../../src/background/handlers/context.ts';
import type { OutboxOp } from '../../../src/background/handlers/deps.ts';
import { enqueue, flush, retryDelay } from '../../../src/background/handlers/outbox.ts';
import { getSession, markExpired } from '../../../src/background/handlers/session.ts';
import { otherDevice, type SignedIn, startSignedIn } from './harness.ts';

vi.mock('webextension-polyfill', async () => ({ default: (await import('@webext-core/fake-browser')).fakeBrowser }));

let t: SignedIn | undefined;
afterEach(async () => {
  t?.ctx.db.close();
  await t?.srv.cleanup();
  t = undefined;
});

const lang = (language: string): OutboxOp => ({ kind: 'language', language });
const serverLanguage = async (): Promise<string> => {
  const bob = await otherDevice(t!.srv.url, 'alice');
  return ((await bob.getPushPerformLanguage()).data as { language: string }).language;
};
const pending = async (ctx: Ctx) => (await ctx.db.outboxAll()).map((e) => e.op);

describe('retryDelay', () => {
  it('doubles from 5 s for each attempt and stops at 5 min', () => {
    expect([0, 1, 2, 3, 4, 6, 7, 20].map(retryDelay)).toEqual([5_000, 5_000, 10_000, 20_000, 40_000, 160_000, 300_000, 300_000]);
  });
});

describe('flush', () => {
  it('a sent write re-reads the settings once, after it went out', async () => {
    t = await startSignedIn();
    const { ctx } = t;
    await enqueue(ctx, lang('fr'));
    const afterChange = vi.fn(async () => {
      expect(await pending(ctx)).toEqual([]);
    });
    await flush(ctx, afterChange);
    expect(afterChange).toHaveBeenCalledTimes(1);
    expect(await serverLanguage()).toBe('fr');
  });

  it('a write queued while the first is being sent goes out in the same flush, before the one re-read', async () => {
    let armed = false;
    let queued = false;
    t = await startSignedIn({
      wrapFetch: (real) => async (input, init) => {
        if (armed && init?.method === 'PUT' && !queued) {
          queued = true;
          await enqueue(t!.ctx, lang('de'));
        }
        return real(input, init);
      },
    });
    const { ctx } = t;
    await enqueue(ctx, lang('fr'));
    armed = true;
    const afterChange = vi.fn(async () => {});
    await flush(ctx, afterChange);
    expect(queued).toBe(true);
    expect(afterChange).toHaveBeenCalledTimes(1);
    expect(await pending(ctx)).toEqual([]);
    expect(await serverLanguage()).toBe('de');
  });

  it('a write queued during the re-read goes out in the same flush too, then the settings are read again', async () => {
    t = await startSignedIn();
    const { ctx } = t;
    await enqueue(ctx, lang('fr'));
    let calls = 0;
    const afterChange = vi.fn(async () => {
      if (++calls === 1) await enqueue(ctx, lang('ja'));
    });
    await flush(ctx, afterChange);
    expect(afterChange).toHaveBeenCalledTimes(2);
    expect(await pending(ctx)).toEqual([]);
    expect(await serverLanguage()).toBe('ja');
  });

  it('when every re-read queues another write, the flush stops after 10 rounds and leaves the last for the next trigger', async () => {
    t = await startSignedIn();
    const { ctx } = t;
    await enqueue(ctx, lang('fr'));
    let n = 0;
    const afterChange = vi.fn(async () => {
      await enqueue(ctx, lang(n++ % 2 === 0 ? 'de' : 'fr'));
    });
    await flush(ctx, afterChange);
    expect(afterChange).toHaveBeenCalledTimes(10);
    expect(await pending(ctx)).toHaveLength(1);
  });

  it('a flush that sends one write and then cannot reach the server re-reads the settings once, for what it sent', async () => {
    let armed = false;
    let puts = 0;
    t = await startSignedIn({
      wrapFetch: (real) => async (input, init) => {
        if (armed && init?.method === 'PUT' && ++puts === 2) throw new TypeError('fetch failed');
        return real(input, init);
      },
    });
    const { ctx } = t;
    await enqueue(ctx, lang('fr'));
    await enqueue(ctx, lang('de'));
    armed = true;
    const afterChange = vi.fn(async () => {});
    await flush(ctx, afterChange);
    expect(afterChange).toHaveBeenCalledTimes(1);
    expect(await pending(ctx)).toEqual([lang('de')]);
    expect(await serverLanguage()).toBe('fr');
  });

  it('without a usable session nothing is sent, nothing is re-read, and the write stays', async () => {
    t = await startSignedIn();
    const { ctx } = t;
    await markExpired(ctx);
    await enqueue(ctx, lang('fr'));
    const afterChange = vi.fn(async () => {});
    await flush(ctx, afterChange);
    expect(afterChange).not.toHaveBeenCalled();
    expect(await pending(ctx)).toEqual([lang('fr')]);
  });

  it('a token the server refuses (401) marks the session expired and keeps the write for after the next sign-in', async () => {
    t = await startSignedIn();
    const { ctx, srv } = t;
    // The server's clock moves past the token's lifetime: the real server answers 401.
    const config = srv.server.ctx.config as { now: () => number };
    config.now = () => Date.now() + 400 * 24 * 3_600_000;
    await enqueue(ctx, lang('fr'));
    const afterChange = vi.fn(async () => {});
    await flush(ctx, afterChange);
    expect(afterChange).not.toHaveBeenCalled();
    expect((await getSession(ctx))?.expired).toBe(true);
    expect(await pending(ctx)).toEqual([lang('fr')]);
    expect(await ctx.db.get('syncError')).toBeUndefined();
  });

  it('a success after a failure clears the error: not retryable, no message', async () => {
    t = await startSignedIn();
    const { ctx, srv } = t;
    await srv.stop();
    await enqueue(ctx, lang('fr'));
    await flush(ctx, async () => {});
    expect(await ctx.db.get('syncError')).toMatchObject({ retryable: true });
    await srv.start();
    await flush(ctx, async () => {});
    expect(await ctx.db.get('syncError')).toEqual({ message: '', retryable: false });
    expect(await ctx.db.get('nextRetryAt')).toBe(0);
  });
});
