/**
 * The jobs worker (SPEC 9): claims due jobs from the durable queue under a lease (several nodes
 * share it; a dead node's jobs come back when the lease runs out), runs each with the handler of
 * its kind, and records the result: done with an outcome (counted), or retried at a time.
 * A job in flight when the process dies runs again: handlers are idempotent or at-least-once.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Context } from '../context.ts';
import { Pump } from '../pump.ts';
import type { JobRow } from '../store/ports.ts';

export type JobResult = { outcome: string; error?: string } | { retryAt: number; error: string };
export type JobHandler = (job: JobRow) => Promise<JobResult>;

const CONCURRENCY = 16;
/** A job whose handler keeps throwing (a bug, bad stored data) is given up after this many tries. */
const MAX_THROWS = 10;
const POLL_MS = 500;

export class JobWorker {
  private readonly inFlight = new Set<number>();
  private readonly pump: Pump;

  constructor(private readonly ctx: Context, private readonly handlers: Record<string, JobHandler>, private readonly log?: FastifyBaseLogger) {
    this.pump = new Pump(() => this.pass(), (err) => {
      this.log?.error({ err }, 'jobs worker could not read the queue');
      return POLL_MS;
    });
  }

  start(): void {
    this.pump.start();
  }

  /** Wakes the worker now (jobs were queued). */
  kick(): void {
    this.pump.kick();
  }

  /** Stops claiming, waits (bounded) for jobs in flight, and gives the rest of its claims back. */
  async stop(): Promise<void> {
    if (this.pump.stopped) return;
    await this.pump.haltAndSettle();
    try {
      await this.ctx.store.jobs.release(this.ctx.config.nodeId);
    } catch (err) {
      this.log?.warn({ err }, 'could not release job claims; they expire with their lease');
    }
  }

  /** One pass: claims what there is room for and starts it; returns when to look again. */
  private async pass(): Promise<number | undefined> {
    const room = CONCURRENCY - this.inFlight.size;
    // Full: every finished job kicks the worker again.
    if (room <= 0) return undefined;
    const now = this.ctx.config.now();
    const rows = (await this.ctx.store.jobs.claim(this.ctx.config.nodeId, now, room, this.ctx.config.push.leaseMs)).filter((r) => !this.inFlight.has(r.id));
    for (const row of rows) {
      this.inFlight.add(row.id);
      void this.pump.track(this.run(row).finally(() => {
        this.inFlight.delete(row.id);
        this.kick();
      }));
    }
    const next = await this.ctx.store.jobs.nextDueAfter(now);
    return next === null ? POLL_MS : Math.min(POLL_MS, Math.max(5, next - now));
  }

  private async run(job: JobRow): Promise<void> {
    const handler = this.handlers[job.kind];
    let result: JobResult;
    try {
      result = handler ? await handler(job) : { outcome: 'dropped', error: `no handler for jobs of kind "${job.kind}"` };
    } catch (err) {
      // A bug or the store failing: try again later, backing off (1 s, doubling, at most 60 s).
      this.log?.error({ err, kind: job.kind, job: job.id }, 'job failed');
      const error = (err as Error).message;
      result = job.attempts + 1 >= MAX_THROWS ? { outcome: 'gave up', error } : { retryAt: this.ctx.config.now() + Math.min(60_000, 1000 * 2 ** job.attempts), error };
    }
    if (this.pump.stopped && 'retryAt' in result) return; // shutting down: the claim is released, the job runs at the next start
    try {
      if ('retryAt' in result) await this.ctx.store.jobs.retry(job.id, job.attempts + 1, result.retryAt, result.error);
      else await this.ctx.store.jobs.done(job, result.outcome, result.error ?? null, this.ctx.config.now());
    } catch (err) {
      if (!this.pump.stopped) this.log?.error({ err, kind: job.kind, job: job.id }, 'could not record a job result; it runs again when its lease ends');
    }
  }
}
