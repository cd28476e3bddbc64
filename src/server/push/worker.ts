/**
 * The delivery worker: claims due rows from the durable queue (a lease per row, so several nodes
 * share one queue and a dead node's rows are taken again when its lease runs out), sends them
 * with bounded concurrency, and records each outcome. Rows survive a restart; a row in flight
 * when the process dies is sent again (at least once — the extension shows a message id once).
 *
 * Throughput (a big group's thousands of rows): rows are claimed in batches and buffered, the
 * encryption runs on worker threads (see aes128gcm.ts) for a whole claimed batch at once, the
 * payload's message and sender nickname are read once per message, and outcomes are stored in
 * batches (one transaction per batch, `settleDeliveries`) rather than a transaction per push.
 */
import type { FastifyBaseLogger } from 'fastify';
import { parseWebPushSubscription, type WebPushSubscription } from '../../core/index.ts';
import type { Context } from '../context.ts';
import type { DeliveryRow, ImMessage, SettledDelivery } from '../store/ports.ts';
import { Pump } from '../pump.ts';
import { payloadOf } from './payload.ts';
import { topicFor } from './topic.ts';
import { type PreparedPush, type SendOutcome, WebPushSender } from './webpush.ts';

/** Delay from a Retry-After header (seconds or HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  // Every HTTP-date form (RFC 9110 5.6.7) starts with a day name; Date.parse alone would read
  // "1.5" or "-1" as dates in 2001, long past, and the row would be retried at once.
  if (!/^[A-Za-z]{3}/.test(value.trim())) return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Whether an outcome can succeed later: the service was busy or failing, or did not answer (typed, never read from error text). */
export function isRetryable(o: SendOutcome): boolean {
  return o.status === 429 || o.status >= 500 || (o.status === 0 && o.unanswered === true);
}

/** Outcomes stored per transaction at most; a batch is also written when the worker goes idle. */
const SETTLE_BATCH = 256;
/** How long an outcome may wait for its batch. */
const SETTLE_DELAY_MS = 10;

/** The push service's origin from a stored subscription, for logs; '' when unreadable. */
function originOf(token: string | null): string {
  try {
    return new URL((JSON.parse(token ?? '') as { endpoint: string }).endpoint).origin;
  } catch {
    return '';
  }
}

interface MessageInfo {
  message: ImMessage;
  nickname: string;
  topic: string;
}

/** What a push needs before its request: the encrypted body, or the outcome when it cannot be made. */
type Prepared = { push: PreparedPush; topic: string } | { outcome: SendOutcome };

/** A claimed row waiting for a request slot. */
interface Claimed {
  row: DeliveryRow;
  claimedAt: number;
  /** The push service's origin (read once: the resting check and the outcome's log both need it). */
  origin: string;
  /**
   * With encryption threads, the push is prepared as soon as its row is claimed: a claimed batch
   * then reaches the threads in a few messages (a message per push cost about as much CPU as
   * the encryption itself). Never rejects unhandled: `deliver` awaits it.
   */
  prepared?: Promise<Prepared | undefined>;
}

export class DeliveryWorker {
  readonly sender: WebPushSender;
  private readonly inFlight = new Set<number>();
  /** Claimed rows not started yet (ids also in `buffered`). */
  private buffer: Claimed[] = [];
  private readonly buffered = new Set<number>();
  /**
   * Push services (origins) that just gave no answer at all, until when their other rows wait
   * (each wait counts as an attempt) instead of each holding a slot for the whole timeout:
   * one dead service must not stall every other service's pushes.
   */
  private readonly resting = new Map<string, number>();
  /** Parsed message, sender nickname and Topic of the last few messages (a group's rows share one). */
  private readonly messages = new Map<number, Promise<MessageInfo>>();
  /** Outcomes waiting to be stored in one transaction. */
  private settling: SettledDelivery[] = [];
  private settleTimer: NodeJS.Timeout | undefined;
  private settleChain: Promise<void> = Promise.resolve();
  /** Claims and starts rows; kicked by fan-outs (and other nodes' NOTIFY) and by finished requests. */
  private readonly pump: Pump;

  /** `log` hears about pushes that failed (never tokens, endpoints' paths or message text). */
  constructor(private readonly ctx: Context, private readonly log?: FastifyBaseLogger) {
    const p = ctx.config.push;
    this.sender = new WebPushSender(ctx.vapid, ctx.config.vapidSubject, {
      ...(p.agent ? { agent: p.agent } : {}),
      ...(p.ca ? { ca: p.ca } : {}),
      timeoutMs: p.timeoutMs,
      allowPrivate: ctx.config.allowPrivatePushEndpoints,
      now: ctx.config.now,
      encryptThreads: p.encryptThreads,
      maxSockets: Math.max(32, p.concurrency),
    });
    // Running from construction: a row queued before `start` (kick) is not left waiting for the poll.
    this.pump = new Pump(() => this.pass(), (err) => {
      // The store did not answer (a database restart, a network blip): try again soon.
      this.log?.error({ err }, 'delivery worker could not read the queue');
      return this.ctx.config.push.pollMs;
    }, { startHalted: false });
  }

  private get stopped(): boolean {
    return this.pump.stopped;
  }

  start(): void {
    this.pump.start();
  }

  /** Wakes the worker now (new rows were queued). */
  kick(): void {
    this.pump.kick();
  }

  /** Stops claiming rows, waits (bounded) for requests in flight, and gives the rest of its claims back. */
  async stop(): Promise<void> {
    this.buffer = [];
    this.buffered.clear();
    await this.pump.haltAndSettle();
    try {
      await this.flushSettled();
    } catch (err) {
      this.log?.warn({ err }, 'could not store delivery outcomes; those rows are sent again after their lease');
    }
    try {
      await this.ctx.deliveries.release(this.ctx.config.nodeId);
    } catch (err) {
      this.log?.warn({ err }, 'could not release delivery claims; they expire with their lease');
    }
    this.sender.close();
  }

  private room(): number {
    return this.ctx.config.push.concurrency - this.inFlight.size;
  }

  /**
   * Starts buffered rows while there is room. Rows for a resting service wait without a request
   * (see `resting`); rows buffered for half their lease are left to be claimed again.
   */
  private async startBuffered(now: number): Promise<void> {
    const { leaseMs } = this.ctx.config.push;
    while (this.buffer.length && this.room() > 0 && !this.stopped) {
      const claimed = this.buffer.shift()!;
      const { row, claimedAt, origin } = claimed;
      this.buffered.delete(row.id);
      if (now - claimedAt > leaseMs / 2) continue;
      const until = this.resting.get(origin);
      if (until !== undefined && until > now) {
        await this.record(row, origin, { status: 0, error: `${origin} is not answering`, unanswered: true }, until);
        continue;
      }
      this.inFlight.add(row.id);
      // A failure here (the store, a nickname read) must not become an unhandled rejection, which
      // would end the process: it is logged, and the row, still claimed, is sent again after its lease.
      const delivered = this.deliver(row, origin, claimed.prepared).catch((err: unknown) => this.log?.error({ err, id: row.id }, 'a delivery failed; its row is sent again after its lease'));
      void this.pump.track(delivered.finally(() => {
        this.inFlight.delete(row.id);
        // The next buffered row goes at once; the pump is needed only when the buffer is empty.
        if (this.buffer.length && !this.pump.running && !this.stopped) void this.startBuffered(this.ctx.config.now()).catch((err: unknown) => this.log?.error({ err }, 'delivery worker could not record a wait'));
        else this.kick();
      }));
    }
  }

  /** One pass: starts buffered rows, claims more while there is room; returns when to look again. */
  private async pass(): Promise<number | undefined> {
    const { pollMs, leaseMs, claimBatch } = this.ctx.config.push;
    const now = this.ctx.config.now();
    await this.startBuffered(now);
    // Full: every finished request starts the next buffered row or kicks the worker again.
    if (this.room() <= 0) return undefined;
    // Claim ahead (a batch per read, not a read per slot), starting rows as they come; rows for
    // a resting service turn into waits, so a few more batches may be read to fill the room.
    for (let batch = 0; batch < 8 && this.room() > 0 && !this.stopped; batch++) {
      const size = Math.max(this.room(), claimBatch);
      const rows = await this.ctx.deliveries.claim(this.ctx.config.nodeId, now, size, leaseMs);
      let fresh = 0;
      const early = this.sender.encryptsOffThread;
      for (const row of rows) {
        if (this.inFlight.has(row.id) || this.buffered.has(row.id)) continue;
        const claimed: Claimed = { row, claimedAt: now, origin: originOf(row.token) };
        if (early) {
          claimed.prepared = this.prepare(row);
          claimed.prepared.catch(() => undefined); // awaited by `deliver`, or dropped with its row
        }
        this.buffer.push(claimed);
        this.buffered.add(row.id);
        fresh++;
      }
      await this.startBuffered(now);
      if (fresh < size) break;
    }
    if (this.buffer.length || this.stopped) return undefined;
    // Everything due now is in flight; wake for the next retry (or poll, as a safety net).
    const next = await this.ctx.deliveries.nextDueAfter(now);
    return next === null ? pollMs : Math.min(pollMs, Math.max(5, next - now));
  }

  /** The stored message, its sender's nickname and its Topic, read once for all rows of one message. */
  private messageOf(row: DeliveryRow): Promise<MessageInfo> {
    let m = this.messages.get(row.message_seq);
    if (!m) {
      const message = JSON.parse(row.message) as ImMessage;
      const topic = topicFor(message.conversation);
      m = Promise.resolve(this.ctx.users.nickname(message.from)).then((nickname) => ({ message, nickname, topic }));
      if (this.messages.size >= 64) this.messages.delete(this.messages.keys().next().value!);
      this.messages.set(row.message_seq, m);
      // A failed read is not kept.
      m.catch(() => this.messages.delete(row.message_seq));
    }
    return m;
  }

  /**
   * What to send for a row: the subscription and the payload built now from the stored message
   * (with the badge and language decided at fan-out), or the outcome when the token is unusable.
   */
  private async pushOf(row: DeliveryRow, token: string): Promise<{ sub: WebPushSubscription; payload: string; topic: string } | SendOutcome> {
    const sub = parseWebPushSubscription(token, { allowPrivate: true });
    if (!sub.ok) return { status: 0, error: 'stored token is not a valid subscription' };
    const { message, nickname, topic } = await this.messageOf(row);
    return { sub: sub.value, payload: JSON.stringify(payloadOf(message, row.username, nickname, row.language, row.badge)), topic };
  }

  /** The row's push encrypted ahead of its request (see `Claimed.prepared`); undefined when the device was unbound. */
  private async prepare(row: DeliveryRow): Promise<Prepared | undefined> {
    if (row.token === null) return undefined;
    const p = await this.pushOf(row, row.token);
    if ('status' in p) return { outcome: p };
    const push = await this.sender.prepare(p.sub, p.payload);
    return 'status' in push ? { outcome: push } : { push, topic: p.topic };
  }

  /** Sends a row's push: prepared at claim time (encryption threads), else encrypted and sent now. */
  private async outcomeOf(row: DeliveryRow, token: string, early?: Promise<Prepared | undefined>): Promise<SendOutcome> {
    if (early) {
      const prepared = (await early)!;
      return 'outcome' in prepared ? prepared.outcome : this.sender.post(prepared.push, prepared.topic);
    }
    const p = await this.pushOf(row, token);
    return 'status' in p ? p : this.sender.send(p.sub, p.payload, p.topic);
  }

  private async deliver(row: DeliveryRow, origin: string, early?: Promise<Prepared | undefined>): Promise<void> {
    if (row.token === null) {
      return this.settle(row, 'skipped: the device was unbound');
    }
    const outcome = await this.outcomeOf(row, row.token, early);
    if (this.stopped && outcome.status === 0) return; // shutting down: the row stays for the next start
    try {
      await this.record(row, origin, outcome);
    } catch (err) {
      // Only when the database closed under a late answer: the row stays and is sent again next start.
      if (!this.stopped) throw err;
    }
  }

  /** Queues an outcome for the next batch write (the row stays claimed until then). */
  private settle(row: DeliveryRow, result: string, retry?: { attempts: number; due: number }): Promise<void> {
    this.settling.push({ id: row.id, username: row.username, seq: row.message_seq, deviceId: row.device_id, notifier: 'webpush', result, ...(retry ? { retry } : {}) });
    if (this.settling.length >= SETTLE_BATCH) return this.flushSettled();
    if (!this.settleTimer) {
      this.settleTimer = setTimeout(() => void this.flushSettled().catch((err: unknown) => this.log?.error({ err }, 'could not store delivery outcomes; those rows are sent again after their lease')), SETTLE_DELAY_MS);
    }
    return Promise.resolve();
  }

  /** Writes the waiting outcomes in one transaction (writes are chained: one at a time, in order). */
  flushSettled(): Promise<void> {
    if (this.settleTimer) clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
    const rows = this.settling;
    this.settling = [];
    if (rows.length === 0) return this.settleChain;
    this.settleChain = this.settleChain.catch(() => undefined).then(() => this.ctx.store.settleDeliveries(rows));
    return this.settleChain;
  }

  /**
   * Applies SPEC 4's rules to one answer: done, binding removed, retried later, or given up.
   * `restingUntil`: no request was made because the service is resting until then.
   */
  private async record(row: DeliveryRow, origin: string, o: SendOutcome, restingUntil?: number): Promise<void> {
    const { ctx } = this;
    const p = ctx.config.push;
    const now = ctx.config.now();
    const set = (result: string, retry?: { attempts: number; due: number }) => {
      // Only the service's origin: an endpoint's path is the device's capability, like its keys.
      if (!result.startsWith('sent') && restingUntil === undefined) this.log?.warn({ user: row.username, device: row.device_id, seq: row.message_seq, service: origin, result }, 'web push not delivered');
      return this.settle(row, result, retry);
    };
    const notifier = ctx.certificates.find((c) => c.type === 'webpush')?.name ?? 'webpush';
    if (o.status >= 200 && o.status < 300) {
      this.resting.delete(origin);
      return set(`sent (HTTP ${o.status})`);
    }
    if (o.status === 404 || o.status === 410) {
      await ctx.bindings.removeIfToken(row.username, row.device_id, notifier, row.token ?? '');
      await ctx.router.invalidate({ bindingsOf: row.username });
      return set(`gone (HTTP ${o.status}): binding removed`);
    }
    const what = o.status ? `HTTP ${o.status}` : o.error ?? 'no answer';
    const attempts = row.attempts + 1;
    // A failure that can never succeed (bad keys, a refused address, another 4xx) is given up at once.
    if (!isRetryable(o)) return set(`failed (${what})`);
    const backoff = Math.min(p.backoffMaxMs, p.backoffBaseMs * 2 ** (attempts - 1));
    const asked = retryAfterMs(o.retryAfter, now);
    const delay = restingUntil !== undefined ? restingUntil - now : asked !== undefined ? Math.min(p.retryAfterMaxMs, Math.max(asked, 0)) : backoff;
    // No answer at all (timeout, refused, reset): the service rests as long as this row waits.
    if (o.unanswered && origin !== '') this.resting.set(origin, Math.max(this.resting.get(origin) ?? 0, now + delay));
    if (attempts >= p.maxAttempts) return set(`failed (${what}) after ${attempts} attempts`);
    return set(`retrying (${what}, attempt ${attempts} of ${p.maxAttempts}, next in ${delay} ms)`, { attempts, due: now + delay });
  }
}
