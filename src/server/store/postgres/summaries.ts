/** Pending summaries (SPEC 1.7) on PostgreSQL: counts as JSON, due when quiet ends, claimed with SKIP LOCKED under a lease. */
import type pg from 'pg';
import type { SummaryCounts } from '../../../core/index.ts';
import type { SummariesPort, SummaryRow } from '../ports.ts';
import { countsOf } from '../summaries.ts';
import type { Queryable } from './pool.ts';

type Tuple = [string, string, number | null];
const rowOf = ([username, counts, due]: Tuple): SummaryRow => ({ username, counts: countsOf(counts), due });

/** Current counts of many users, locked for the rest of the message transaction. */
export async function summaryCountsOn(q: Queryable, usernames: readonly string[]): Promise<Map<string, SummaryCounts>> {
  const r = await q.query<[string, string]>({
    text: 'SELECT username, counts FROM summary_pending WHERE username IN (SELECT unnest($1::text[])) FOR UPDATE',
    values: [usernames],
    rowMode: 'array',
  });
  return new Map(r.rows.map(([u, c]) => [u, countsOf(c)]));
}

/** Stores new counts and due times in one statement. */
export async function putSummariesOn(q: Queryable, rows: Map<string, { counts: SummaryCounts; due: number | null }>): Promise<void> {
  if (rows.size === 0) return;
  const v = [...rows];
  await q.query(
    `INSERT INTO summary_pending (username, counts, due) SELECT u, c, d FROM unnest($1::text[], $2::text[], $3::bigint[]) AS x(u, c, d)
     ON CONFLICT (username) DO UPDATE SET counts = excluded.counts, due = excluded.due`,
    [v.map(([u]) => u), v.map(([, x]) => JSON.stringify(x.counts)), v.map(([, x]) => x.due)],
  );
}

export class PgSummaries implements SummariesPort {
  constructor(private readonly pool: pg.Pool) {}

  async get(username: string): Promise<SummaryRow | undefined> {
    const r = await this.pool.query<Tuple>({ text: 'SELECT username, counts, due FROM summary_pending WHERE username = $1', values: [username], rowMode: 'array' });
    return r.rows[0] ? rowOf(r.rows[0]) : undefined;
  }

  async claimDue(node: string, now: number, limit: number, leaseMs: number): Promise<SummaryRow[]> {
    const r = await this.pool.query<Tuple>({
      text: `UPDATE summary_pending SET claimed_by = $1, claimed_until = $2::bigint + $4::bigint WHERE username IN (
               SELECT username FROM summary_pending WHERE due <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
               ORDER BY due LIMIT $3 FOR UPDATE SKIP LOCKED)
             RETURNING username, counts, due`,
      values: [node, now, limit, leaseMs],
      rowMode: 'array',
    });
    return r.rows.map(rowOf);
  }

  async nextDue(now: number): Promise<number | null> {
    const r = await this.pool.query<{ min: number | null }>(
      'SELECT MIN(due) AS min FROM summary_pending WHERE due IS NOT NULL AND (claimed_until IS NULL OR claimed_until < $1)',
      [now],
    );
    return r.rows[0]?.min ?? null;
  }

  async reschedule(username: string, due: number | null): Promise<void> {
    await this.pool.query('UPDATE summary_pending SET due = $1, claimed_by = NULL, claimed_until = NULL WHERE username = $2', [due, username]);
  }

  async drop(username: string): Promise<void> {
    await this.pool.query('DELETE FROM summary_pending WHERE username = $1', [username]);
  }
}
