/**
 * The delivery worker: claims due rows from the durable queue (a lease per row, so several nodes
 * share one queue and a dead node's rows are taken again when its lease runs out), sends them
 * with bounded concurrency, and records each outcome. Rows survive a restart; a row in flight
 * when the process dies is sent again (at least once — the extension shows a message id once).
 */
import type { FastifyBaseLogger } from 'fastify';
import { parseWebPushSubscription } from '../../core/index.ts';
import type { Context } from '../context.ts';
import type { DeliveryRow, ImMessage } from '../store/ports.ts';
import { payloadOf } from './payload.ts';
import { topicFor } from './topic.ts';
import { type SendOutcome, WebPushSender } from './webpush.ts';

/** Delay from a Retry-After header (seconds or HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The push service's origin from a stored subscription, for logs; '' when unreadable. */
function originOf(token: string | null): string {
  try {
    return new URL((JSON.parse(token ?? '') as { endpoint: string }).endpoint).origin;
  } catch {
    return '';
  }
}

export class DeliveryWorker {
  readonly sender: WebPushSender;
  private readonly inFlight = new Set<number>();
  /**
   * Push services (origins) that just gave no answer at all, until when their other rows wait
   * (each wait counts as an attempt) instead of each holding a slot for the whole timeout:
   * one dead service must not stall every other service's pushes.
   */
  private readonly resting = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private pumping = false;
  /** A wake-up that came while a pump was reading: pump again as soon as it ends. */
  private again = false;

  /** `log` hears about pushes that failed (never tokens, endpoints' paths or message text). */
  constructor(private readonly ctx: Context, private readonly log?: FastifyBaseLogger) {
    const p = ctx.config.push;
    this.sender = new WebPushSender(ctx.vapid, ctx.config.vapidSubject, {
      ...(p.agent ? { agent: p.agent } : {}),
      ...(p.ca ? { ca: p.ca } : {}),
      timeoutMs: p.timeoutMs,
      allowPrivate: ctx.config.allowPrivatePushEndpoints,
      now: ctx.config.now,
    });
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Wakes the worker now (new rows were queued). */
  kick(): void {
    if (!this.stopped) this.schedule(0);
  }

  /** Stops claiming rows, waits (bounded) for requests in flight, and gives the rest of its claims back. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const until = Date.now() + 2000;
    while ((this.inFlight.size > 0 || this.pumping) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    try {
      await this.ctx.deliveries.release(this.ctx.config.nodeId);
    } catch (err) {
      this.log?.warn({ err }, 'could not release delivery claims; they expire with their lease');
    }
    this.sender.close();
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pump().catch((err: unknown) => {
      // The store did not answer (a database restart, a network blip): try again soon.
      this.log?.error({ err }, 'delivery worker could not read the queue');
      if (!this.stopped) this.schedule(this.ctx.config.push.pollMs);
    }), ms);
    this.timer.unref();
  }

  private async pump(): Promise<void> {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    this.again = false;
    try {
      const { concurrency, pollMs, leaseMs } = this.ctx.config.push;
      let room = concurrency - this.inFlight.size;
      // Full: every finished request kicks the worker again, so no timer is needed.
      if (room <= 0) return;
      const now = this.ctx.config.now();
      // Rows for a push service that just failed to answer wait without a request (see `resting`),
      // so a few more batches are read to fill the room with everyone else's pushes.
      let more = false;
      for (let batch = 0; batch < 8 && room > 0; batch++) {
        // After a batch with waiting rows, read wider: a dead service may have thousands queued.
        const size = batch === 0 ? room : Math.max(room, 64);
        if (this.stopped) return;
        const rows = (await this.ctx.deliveries.claim(this.ctx.config.nodeId, now, size, leaseMs)).filter((r) => !this.inFlight.has(r.id));
        let waited = 0;
        for (const row of rows) {
          const origin = originOf(row.token);
          const until = this.resting.get(origin);
          if (until !== undefined && until > now) {
            await this.record(row, { status: 0, error: `${origin} is not answering` }, until);
            waited++;
            continue;
          }
          room--;
          this.inFlight.add(row.id);
          void this.deliver(row).finally(() => {
            this.inFlight.delete(row.id);
            this.kick();
          });
        }
        more = waited > 0;
        if (!more) break;
      }
      // Everything due now is in flight; wake for the next retry (or poll, as a safety net).
      const next = await this.ctx.deliveries.nextDueAfter(now);
      // Stopped reading after 8 batches of waiting rows: come back at once for the rest.
      this.schedule(more && room > 0 ? 0 : next === null ? pollMs : Math.min(pollMs, Math.max(5, next - now)));
    } finally {
      this.pumping = false;
      if (this.again && !this.stopped) this.schedule(0);
    }
  }

  private async deliver(row: DeliveryRow): Promise<void> {
    if (row.token === null) {
      await this.ctx.deliveries.done(row.id);
      return this.ctx.trace.setResult(row.username, row.message_seq, row.device_id, 'skipped: the device was unbound', 'webpush');
    }
    const sub = parseWebPushSubscription(row.token, { allowPrivate: true });
    let outcome: SendOutcome;
    if (!sub.ok) outcome = { status: 0, error: 'stored token is not a valid subscription' };
    else {
      // The payload is built now from the stored message, with the badge and language decided at fan-out.
      const message = JSON.parse(row.message) as ImMessage;
      const payload = payloadOf(message, row.username, await this.ctx.users.nickname(message.from), row.language, row.badge);
      outcome = await this.sender.send(sub.value, JSON.stringify(payload), topicFor(message.conversation));
    }
    if (this.stopped && outcome.status === 0) return; // shutting down: the row stays for the next start
    try {
      await this.record(row, outcome);
    } catch (err) {
      // Only when the database closed under a late answer: the row stays and is sent again next start.
      if (!this.stopped) throw err;
    }
  }

  /**
   * Applies SPEC 4's rules to one answer: done, binding removed, retried later, or given up.
   * `restingUntil`: no request was made because the service is resting until then.
   */
  private async record(row: DeliveryRow, o: SendOutcome, restingUntil?: number): Promise<void> {
    const { ctx } = this;
    const p = ctx.config.push;
    const now = ctx.config.now();
    const set = async (result: string) => {
      await ctx.trace.setResult(row.username, row.message_seq, row.device_id, result, 'webpush');
      // Only the service's origin: an endpoint's path is the device's capability, like its keys.
      if (!result.startsWith('sent') && restingUntil === undefined) this.log?.warn({ user: row.username, device: row.device_id, seq: row.message_seq, service: originOf(row.token), result }, 'web push not delivered');
    };
    const notifier = ctx.certificates.find((c) => c.type === 'webpush')?.name ?? 'webpush';
    const origin = originOf(row.token);
    if (o.status >= 200 && o.status < 300) {
      this.resting.delete(origin);
      await ctx.deliveries.done(row.id);
      return set(`sent (HTTP ${o.status})`);
    }
    if (o.status === 404 || o.status === 410) {
      await ctx.deliveries.done(row.id);
      await ctx.bindings.removeIfToken(row.username, row.device_id, notifier, row.token ?? '');
      await ctx.router.invalidate({ bindingsOf: row.username });
      return set(`gone (HTTP ${o.status}): binding removed`);
    }
    const retryable = o.status === 429 || o.status >= 500 || (o.status === 0 && !/non-public|valid subscription/.test(o.error ?? ''));
    const what = o.status ? `HTTP ${o.status}` : o.error ?? 'no answer';
    const attempts = row.attempts + 1;
    if (!retryable) {
      await ctx.deliveries.done(row.id);
      return set(`failed (${what})`);
    }
    const backoff = Math.min(p.backoffMaxMs, p.backoffBaseMs * 2 ** (attempts - 1));
    const asked = retryAfterMs(o.retryAfter, now);
    const delay = restingUntil !== undefined ? restingUntil - now : asked !== undefined ? Math.min(p.retryAfterMaxMs, Math.max(asked, 0)) : backoff;
    // No answer at all (timeout, refused, reset): the service rests as long as this row waits.
    if (o.unanswered && origin !== '') this.resting.set(origin, Math.max(this.resting.get(origin) ?? 0, now + delay));
    if (attempts >= p.maxAttempts) {
      await ctx.deliveries.done(row.id);
      return set(`failed (${what}) after ${attempts} attempts`);
    }
    await ctx.deliveries.retry(row.id, attempts, now + delay);
    set(`retrying (${what}, attempt ${attempts} of ${p.maxAttempts}, next in ${delay} ms)`);
  }
}
