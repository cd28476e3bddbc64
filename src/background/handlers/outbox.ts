/**
 * The outbox: settings writes kept in IndexedDB and sent in order when the server answers.
 * Network trouble, timeouts and 5xx keep the write and retry later with backoff (an alarm, so
 * a stopped worker still retries); a 4xx drops it, surfaces the error, and re-reads the server.
 */
import type { Ctx } from './context.ts';
import type { OutboxOp } from './deps.ts';
import { describe, isAuthFailure, isRetryable } from './errors.ts';
import { getSession, isExpired, markExpired, clientFor } from './session.ts';
import { sendOp } from './settings-ops.ts';

export const OUTBOX_ALARM = 'outbox-retry';
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 5 * 60_000;

/** Delay before retry number `attempts` (1-based): 5 s, 10 s, 20 s … capped at 5 min. */
export function retryDelay(attempts: number): number {
  return Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1));
}

/** Queues a write; the caller applies it to the cache and then flushes. */
export async function enqueue(ctx: Ctx, op: OutboxOp): Promise<void> {
  await ctx.db.outboxAdd(op, ctx.now());
}

export interface FlushResult {
  /** Some write was sent or dropped, so the cache should be re-read from the server. */
  readonly changed: boolean;
  /** The outbox is empty now. */
  readonly drained: boolean;
}

/** Sends queued writes in order; one flush at a time (callers share the one in flight). */
export function flush(ctx: Ctx, afterChange: (ctx: Ctx) => Promise<void>): Promise<void> {
  ctx.runtime.flushing ??= (async () => {
    try {
      let changed = false;
      // A write queued while this flush ran is not in the list it read: go round again, or it
      // would wait for the next refresh (the retry alarm is cleared once the outbox drains).
      for (let round = 0; round < 10; round++) {
        const r = await flushOnce(ctx);
        changed ||= r.changed;
        if (!r.drained || (await ctx.db.outboxAll()).length === 0) break;
      }
      if (changed) await afterChange(ctx);
    } finally {
      ctx.runtime.flushing = undefined;
    }
  })();
  return ctx.runtime.flushing;
}

async function flushOnce(ctx: Ctx): Promise<FlushResult> {
  const session = await getSession(ctx);
  if (!session || isExpired(session, ctx.now())) return { changed: false, drained: false };
  const client = await clientFor(ctx, session);
  let changed = false;
  for (const entry of await ctx.db.outboxAll()) {
    try {
      await sendOp(client, entry, ctx.now());
      await ctx.db.outboxDelete(entry.id);
      await ctx.db.set('syncError', { message: '', retryable: false });
      changed = true;
    } catch (e) {
      if (isAuthFailure(e)) {
        await markExpired(ctx);
        return { changed, drained: false };
      }
      if (isRetryable(e)) {
        await ctx.db.outboxBumpAttempts(entry.id);
        await ctx.db.set('syncError', { message: describe(e), retryable: true });
        const at = ctx.now() + retryDelay(entry.attempts + 1);
        await ctx.browser.setAlarm(OUTBOX_ALARM, at);
        await ctx.db.set('nextRetryAt', at);
        return { changed, drained: false };
      }
      // The server refused this write (4xx): it will never succeed, so drop it and say why.
      await ctx.db.outboxDelete(entry.id);
      await ctx.db.set('syncError', { message: describe(e), retryable: false });
      changed = true;
    }
  }
  await ctx.browser.setAlarm(OUTBOX_ALARM, null);
  await ctx.db.set('nextRetryAt', 0);
  return { changed, drained: true };
}
