/** SPEC 9's durable jobs on SQLite: leased claims like the delivery queue, callId dedup, outcome counts. */
import type { Db } from './db.ts';
import type { JobOutcome, JobRow, JobsPort, NewJob } from './ports.ts';

export class JobsRepo implements JobsPort {
  private readonly s;
  constructor(private readonly db: Db) {
    this.s = {
      insert: db.prepare('INSERT INTO jobs (kind, key, payload, due, created) VALUES (?, ?, ?, ?, ?)'),
      insertMany: db.prepare(
        `INSERT INTO jobs (kind, payload, due, created) SELECT j.value->>0, j.value->>1, j.value->>2, ? FROM json_each(?) j`,
      ),
      // A keyed job replaces the pending one: its new payload, the earlier due time, a new
      // generation (so a worker holding the old one does not delete it when done).
      upsert: db.prepare(
        `INSERT INTO jobs (kind, key, payload, due, created) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (key) DO UPDATE SET payload = excluded.payload, due = MIN(jobs.due, excluded.due), attempts = 0, gen = jobs.gen + 1`,
      ),
      seen: db.prepare('INSERT INTO callback_ids (call_id, until) VALUES (?1, ?2) ON CONFLICT (call_id) DO UPDATE SET until = ?2 WHERE callback_ids.until <= ?3'),
      claim: db.prepare(
        `UPDATE jobs SET claimed_by = ?1, claimed_until = ?2 + ?4 WHERE id IN (
           SELECT id FROM jobs WHERE due <= ?2 AND (claimed_until IS NULL OR claimed_until < ?2) ORDER BY due, id LIMIT ?3)
         RETURNING id, kind, key, payload, attempts, due, gen`,
      ),
      next: db.prepare('SELECT MIN(due) FROM jobs WHERE due > ?1 AND (claimed_until IS NULL OR claimed_until < ?1)').pluck(),
      done: db.prepare('DELETE FROM jobs WHERE id = ? AND gen = ?'),
      giveBack: db.prepare('UPDATE jobs SET claimed_by = NULL, claimed_until = NULL WHERE id = ?'),
      count: db.prepare(
        `INSERT INTO job_outcomes (kind, outcome, n, last_error, last_at) VALUES (?1, ?2, 1, ?3, ?4)
         ON CONFLICT (kind, outcome) DO UPDATE SET n = n + 1, last_error = COALESCE(?3, last_error), last_at = ?4`,
      ),
      retry: db.prepare('UPDATE jobs SET attempts = ?, due = ?, last_error = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ?'),
      release: db.prepare('UPDATE jobs SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?'),
      pending: db.prepare('SELECT COUNT(*) FROM jobs WHERE kind = ?1 AND (?2 IS NULL OR substr(key, 1, length(?2)) = ?2)').pluck(),
      errorOf: db.prepare('SELECT last_error FROM jobs WHERE key = ?').pluck(),
      outcomes: db.prepare('SELECT kind, outcome, n, last_error, last_at FROM job_outcomes ORDER BY kind, outcome'),
    };
  }
  add(job: NewJob, now: number): void {
    if (job.key !== undefined) this.s.upsert.run({ 1: job.kind, 2: job.key, 3: job.payload, 4: job.due, 5: now });
    else this.s.insert.run(job.kind, null, job.payload, job.due, now);
  }
  /** Queues many jobs (inside the caller's transaction): those without a key in one statement. */
  addMany(jobs: readonly NewJob[], now: number): void {
    const plain = jobs.filter((j) => j.key === undefined);
    if (plain.length) this.s.insertMany.run(now, JSON.stringify(plain.map((j) => [j.kind, j.payload, j.due])));
    for (const j of jobs) if (j.key !== undefined) this.add(j, now);
  }
  accept(callId: string, keepUntil: number, job: NewJob, now: number): boolean {
    return this.db.transaction(() => {
      if (this.s.seen.run({ 1: callId, 2: keepUntil, 3: now }).changes === 0) return false;
      this.add(job, now);
      return true;
    })();
  }
  claim(node: string, now: number, limit: number, leaseMs: number): JobRow[] {
    const rows = this.s.claim.all({ 1: node, 2: now, 3: limit, 4: leaseMs }) as JobRow[];
    return rows.sort((a, b) => a.due - b.due || a.id - b.id);
  }
  nextDueAfter(now: number): number | null {
    return (this.s.next.get({ 1: now }) as number | null) ?? null;
  }
  done(job: Pick<JobRow, 'id' | 'kind' | 'gen'>, outcome: string, error: string | null, now: number): void {
    this.db.transaction(() => {
      if (this.s.done.run(job.id, job.gen).changes === 0) this.s.giveBack.run(job.id);
      this.s.count.run({ 1: job.kind, 2: outcome, 3: error, 4: now });
    })();
  }
  retry(id: number, attempts: number, due: number, error: string | null): void {
    this.s.retry.run(attempts, due, error, id);
  }
  release(node: string): number {
    return this.s.release.run(node).changes;
  }
  pending(kind: string, keyPrefix?: string): number {
    return this.s.pending.get({ 1: kind, 2: keyPrefix ?? null }) as number;
  }
  errorOf(key: string): string | null {
    return (this.s.errorOf.get(key) as string | null | undefined) ?? null;
  }
  outcomes(): JobOutcome[] {
    return this.s.outcomes.all() as JobOutcome[];
  }
}
