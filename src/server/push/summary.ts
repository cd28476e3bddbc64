/**
 * The summary when quiet ends (SPEC 1.7): a durable scheduled job per user. Held messages are
 * counted in the message transaction (pipeline.ts) with the time quiet ends; this scheduler claims
 * due summaries under a lease (one node sends each, a dead node's claims expire), checks that the
 * user is really out of quiet time and has no device online, and sends one summary push to the
 * user's bound devices through the same queue as messages (traced `SUMMARY`).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import { buildSummaryPayload, summaryDueAt } from '../../core/index.ts';
import type { Context } from '../context.ts';
import type { ImMessage, NewDelivery, SummaryRow } from '../store/ports.ts';
import { Pump } from '../pump.ts';
import { payloadOf } from './payload.ts';

/** Summaries claimed per round. */
const BATCH = 32;

export class SummaryScheduler {
  private readonly pump: Pump;

  constructor(private readonly ctx: Context, private readonly log?: FastifyBaseLogger) {
    // A failed pass is reported inside `pass`; this only covers a throw outside it.
    this.pump = new Pump(() => this.pass(), (err) => {
      this.log?.error({ err }, 'summary scheduler failed');
      return 1000;
    });
  }

  start(): void {
    this.pump.start();
  }

  /** Looks again now (a summary was counted, or settings moved one). */
  kick(): void {
    this.pump.kick();
  }

  /** Stops looking, and waits (bounded) for the pass in progress. */
  async stop(): Promise<void> {
    await this.pump.haltAndSettle();
  }

  /** One pass: sends what is due; returns when to look again. */
  private async pass(): Promise<number> {
    const { pollMs, leaseMs } = this.ctx.config.push;
    // At least once a second: a summary due at the end of a short pause goes out on time even
    // when another node counted it (its wake-up does not reach this node).
    let next = Math.min(1000, pollMs * 4);
    try {
      const now = this.ctx.config.now();
      const rows = await this.ctx.store.summaries.claimDue(this.ctx.config.nodeId, now, BATCH, leaseMs);
      for (const row of rows) {
        try {
          await this.handle(row, now);
        } catch (err) {
          // Left claimed: the lease runs out and it is tried again.
          this.log?.error({ err, user: row.username }, 'summary push failed');
        }
      }
      const due = await this.ctx.store.summaries.nextDue(now);
      if (rows.length === BATCH) next = 0;
      else if (due !== null) next = Math.max(0, Math.min(next, due - now));
    } catch (err) {
      this.log?.error({ err }, 'summary scheduler could not read the store');
    }
    return next;
  }

  /** One due summary: moved (still quiet), dropped (online, nothing bound, nothing held) or sent. */
  private async handle(row: SummaryRow, now: number): Promise<void> {
    const { ctx } = this;
    const user = row.username;
    const app = await ctx.settings.app(user);
    // Settings may have changed since it was counted: the summary may be off now, or quiet go on.
    if (!app.summary) return void (await ctx.store.summaries.drop(user));
    const due = summaryDueAt(app, now);
    if (due === null || due > now) return void (await ctx.store.summaries.reschedule(user, due));
    if (row.counts.count === 0) return void (await ctx.store.summaries.drop(user));
    const online = await ctx.router.online('im', [user]);
    if (online.get(user)?.size) return void (await ctx.store.summaries.drop(user));
    const certs = new Map(ctx.certificates.map((c) => [c.name, c.type]));
    const kicked = new Set((await ctx.bindings.kickedMany([user])).map((d) => d.resource));
    const targets = (await ctx.bindings.of(user)).filter((b) => certs.has(b.notifier) && !kicked.has(b.device_id));
    if (targets.length === 0) return void (await ctx.store.summaries.drop(user));

    // Stored like a message (so the queue, the stream's resend and the trace treat it alike), but
    // with no inbox row: it never reaches an IM connection.
    const payload = buildSummaryPayload({ receiver: user, counts: row.counts, badge: 0, now });
    const message: ImMessage = {
      id: `summary-${randomUUID()}`, from: user, to: user, conversation: { id: user, type: 'singleChat' }, type: 'custom',
      body: { ...payload } as unknown as Record<string, unknown>, ts: now, kind: 'summary',
    };
    const streams = await ctx.router.online('stream', [user]);
    const live = streams.get(user);
    const commit = await ctx.store.commitMessage({
      message, inbox: [], bumpOffline: [], pushed: [user], now, summarySentTo: user,
      traces: [[user, true, 'SUMMARY', targets.map((b) => ({
        device_id: b.device_id, notifier: b.notifier,
        result: certs.get(b.notifier) !== 'stream' ? 'queued' : live?.has(b.device_id) ? 'sent' : 'pending',
      }))]],
      deliveries: (info) => {
        const i = info.get(user);
        const rows: { webpush: NewDelivery[]; stream: NewDelivery[] } = { webpush: [], stream: [] };
        for (const b of targets) (certs.get(b.notifier) === 'stream' ? rows.stream : rows.webpush).push([user, b.device_id, i?.offline ?? 0, i?.language ?? '']);
        return rows;
      },
    });
    for (const [u, deviceId, badge] of commit.stream) {
      if (live?.has(deviceId)) await ctx.router.toDevice('stream', u, deviceId, { op: 'push', push: payloadOf(message, u, '', '', badge) });
    }
    if (commit.queued) ctx.wake();
  }
}
