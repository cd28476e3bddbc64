/**
 * The jobs worker (SPEC 9): claims due jobs from the durable queue under a lease (several nodes
 * share it; a dead node's jobs come back when the lease runs out), runs each with the handler of
 * its kind, and records the result: done with an outcome (counted), or retried at a time.
 * A job in flight when the process dies runs again: handlers are idempotent or at-least-once.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Context } from '../context.ts';
import type { JobRow } from '../store/ports.ts';

export type JobResult = { outcome: string; error?: string } | { retryAt: number; error: string };
export type JobHandler = (job: JobRow) => Promise<JobResult>;

const CONCURRENCY = 16;
/** A job whose handler keeps throwing (a bug, bad stored data) is given up after this many tries. */
const MAX_THROWS = 10;
const POLL_MS = 500;

export class JobWorker {
  private readonly inFlight = new Set<number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private pumping = false;
  private again = false;

  constructor(private readonly ctx: Context, private readonly handlers: Record<string, JobHandler>, private readonly log?: FastifyBaseLogger) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Wakes the worker now (jobs were queued). */
  kick(): void {
    if (!this.stopped) this.schedule(0);
  }

  /** Stops claiming, waits (bounded) for jobs in flight, and gives the rest of its claims back. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const until = Date.now() + 2000;
    while ((this.inFlight.size > 0 || this.pumping) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    try {
      await this.ctx.store.jobs.release(this.ctx.config.nodeId);
    } catch (err) {
      this.log?.warn({ err }, 'could not release job claims; they expire with their lease');
    }
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.pump().catch((err: unknown) => {
      this.log?.error({ err }, 'jobs worker could not read the queue');
      if (!this.stopped) this.schedule(POLL_MS);
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
      const room = CONCURRENCY - this.inFlight.size;
      if (room <= 0) return;
      const now = this.ctx.config.now();
      const rows = (await this.ctx.store.jobs.claim(this.ctx.config.nodeId, now, room, this.ctx.config.push.leaseMs)).filter((r) => !this.inFlight.has(r.id));
      for (const row of rows) {
        this.inFlight.add(row.id);
        void this.run(row).finally(() => {
          this.inFlight.delete(row.id);
          this.kick();
        });
      }
      const next = await this.ctx.store.jobs.nextDueAfter(now);
      this.schedule(next === null ? POLL_MS : Math.min(POLL_MS, Math.max(5, next - now)));
    } finally {
      this.pumping = false;
      if (this.again && !this.stopped) this.schedule(0);
    }
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
    if (this.stopped && 'retryAt' in result) return; // shutting down: the claim is released, the job runs at the next start
    try {
      if ('retryAt' in result) await this.ctx.store.jobs.retry(job.id, job.attempts + 1, result.retryAt, result.error);
      else await this.ctx.store.jobs.done(job, result.outcome, result.error ?? null, this.ctx.config.now());
    } catch (err) {
      if (!this.stopped) this.log?.error({ err, kind: job.kind, job: job.id }, 'could not record a job result; it runs again when its lease ends');
    }
  }
}
