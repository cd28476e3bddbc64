/** SPEC 9's durable jobs on PostgreSQL: claims with FOR UPDATE SKIP LOCKED under a lease, callId dedup, outcome counts. */
import type pg from 'pg';
import type { JobOutcome, JobRow, JobsPort, NewJob } from '../ports.ts';
import { type Queryable, tx } from './pool.ts';

const INSERT = 'INSERT INTO jobs (kind, key, payload, due, created) VALUES ($1, $2, $3, $4, $5)';
const UPSERT = `${INSERT}
  ON CONFLICT (key) DO UPDATE SET payload = excluded.payload, due = LEAST(jobs.due, excluded.due), attempts = 0, gen = jobs.gen + 1`;

/**
 * Queues jobs on a connection (inside the caller's transaction when it is one): jobs without a
 * key in one statement (a group message's callbacks: one per offline member), keyed ones each.
 */
export async function addJobs(q: Queryable, jobs: readonly NewJob[], now: number): Promise<void> {
  const plain = jobs.filter((j) => j.key === undefined);
  if (plain.length === 1) await q.query(INSERT, [plain[0]!.kind, null, plain[0]!.payload, plain[0]!.due, now]);
  else if (plain.length > 1)
    await q.query(
      'INSERT INTO jobs (kind, payload, due, created) SELECT k, p, d, $4 FROM unnest($1::text[], $2::text[], $3::bigint[]) AS x(k, p, d)',
      [plain.map((j) => j.kind), plain.map((j) => j.payload), plain.map((j) => j.due), now],
    );
  for (const j of jobs) if (j.key !== undefined) await q.query(UPSERT, [j.kind, j.key, j.payload, j.due, now]);
}

export class PgJobs implements JobsPort {
  constructor(private readonly pool: pg.Pool) {}

  async add(job: NewJob, now: number): Promise<void> {
    await addJobs(this.pool, [job], now);
  }
  accept(callId: string, keepUntil: number, job: NewJob, now: number): Promise<boolean> {
    return tx(this.pool, async (c) => {
      const r = await c.query(
        `INSERT INTO callback_ids (call_id, until) VALUES ($1, $2)
         ON CONFLICT (call_id) DO UPDATE SET until = $2 WHERE callback_ids.until <= $3`,
        [callId, keepUntil, now],
      );
      if ((r.rowCount ?? 0) === 0) return false;
      await addJobs(c, [job], now);
      return true;
    });
  }
  async claim(node: string, now: number, limit: number, leaseMs: number): Promise<JobRow[]> {
    const r = await this.pool.query<JobRow>(
      `UPDATE jobs SET claimed_by = $1, claimed_until = $2::bigint + $4::bigint
       WHERE id IN (
         SELECT id FROM jobs WHERE due <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
         ORDER BY due, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id, kind, key, payload, attempts, due, gen`,
      [node, now, limit, leaseMs],
    );
    return r.rows.sort((a, b) => a.due - b.due || a.id - b.id);
  }
  async nextDueAfter(now: number): Promise<number | null> {
    const r = await this.pool.query<{ m: number | null }>('SELECT MIN(due) AS m FROM jobs WHERE due > $1 AND (claimed_until IS NULL OR claimed_until < $1)', [now]);
    return r.rows[0]?.m ?? null;
  }
  async done(job: Pick<JobRow, 'id' | 'kind' | 'gen'>, outcome: string, error: string | null, now: number): Promise<void> {
    await tx(this.pool, async (c) => {
      const d = await c.query('DELETE FROM jobs WHERE id = $1 AND gen = $2', [job.id, job.gen]);
      if ((d.rowCount ?? 0) === 0) await c.query('UPDATE jobs SET claimed_by = NULL, claimed_until = NULL WHERE id = $1', [job.id]);
      await c.query(
        `INSERT INTO job_outcomes (kind, outcome, n, last_error, last_at) VALUES ($1, $2, 1, $3, $4)
         ON CONFLICT (kind, outcome) DO UPDATE SET n = job_outcomes.n + 1, last_error = COALESCE($3, job_outcomes.last_error), last_at = $4`,
        [job.kind, outcome, error, now],
      );
    });
  }
  async retry(id: number, attempts: number, due: number, error: string | null): Promise<void> {
    await this.pool.query('UPDATE jobs SET attempts = $2, due = $3, last_error = $4, claimed_by = NULL, claimed_until = NULL WHERE id = $1', [id, attempts, due, error]);
  }
  async release(node: string): Promise<number> {
    const r = await this.pool.query('UPDATE jobs SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = $1', [node]);
    return r.rowCount ?? 0;
  }
  async pending(kind: string, keyPrefix?: string): Promise<number> {
    const r = await this.pool.query<{ n: number }>(
      'SELECT COUNT(*) AS n FROM jobs WHERE kind = $1 AND ($2::text IS NULL OR starts_with(key, $2::text))',
      [kind, keyPrefix ?? null],
    );
    return r.rows[0]!.n;
  }
  async errorOf(key: string): Promise<string | null> {
    const r = await this.pool.query<{ last_error: string | null }>('SELECT last_error FROM jobs WHERE key = $1', [key]);
    return r.rows[0]?.last_error ?? null;
  }
  async outcomes(): Promise<JobOutcome[]> {
    return (await this.pool.query<JobOutcome>('SELECT kind, outcome, n, last_error, last_at FROM job_outcomes ORDER BY kind, outcome')).rows;
  }
}
