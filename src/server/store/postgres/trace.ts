/** The record of push decisions (SPEC 3.8) on PostgreSQL. */
import type pg from 'pg';
import type { NewTrace, SettledDelivery, TraceEntry, TracePort } from '../ports.ts';
import { decisionRows, SEP, traceEntryOf } from '../trace-entry.ts';
import type { Queryable } from './pool.ts';

/** Columns of rows as arrays, for unnest. */
const columns = (rows: readonly (readonly unknown[])[], n: number) => Array.from({ length: n }, (_, i) => rows.map((r) => r[i]));

/**
 * Records every decision about one message (as the SQLite store does): pushed ones in rows of
 * name → devices, held ones a row per (reason, via, mention) listing the names. Two statements
 * whatever the group size.
 */
export async function addTraces(q: Queryable, seq: number, rows: readonly NewTrace[]): Promise<void> {
  const { pushed, held } = decisionRows(rows);
  if (pushed.length) {
    await q.query(
      `INSERT INTO trace_pushed (seq, lo, hi, reason, via, mention, users)
       SELECT $1, lo, hi, r, vi, me, u::jsonb FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) AS x(lo, hi, r, vi, me, u)`,
      [seq, ...columns(pushed, 6)],
    );
  }
  if (held.length) {
    await q.query(
      `INSERT INTO trace_held (seq, reason, via, mention, users) SELECT $1, r, vi, me, u::jsonb FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS x(r, vi, me, u)
       ON CONFLICT (seq, reason, via, mention) DO UPDATE SET users = trace_held.users || excluded.users`,
      [seq, ...columns(held, 4)],
    );
  }
}

/**
 * Outcomes of devices, one upserted row each: a later one for the same device replaces the earlier
 * (an upsert may not touch a row twice, so the last per device is kept). Rows go in key order, so
 * two nodes settling overlapping outcomes take their row locks in the same order.
 */
export async function setResults(q: Queryable, rows: readonly Pick<SettledDelivery, 'seq' | 'username' | 'deviceId' | 'notifier' | 'result'>[]): Promise<void> {
  const last = new Map<string, [number, string, string, string, string]>();
  for (const r of rows) last.set([r.seq, r.username, r.deviceId, r.notifier].join(SEP), [r.seq, r.username, r.deviceId, r.notifier, r.result]);
  const list = [...last].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  if (!list.length) return;
  await q.query(
    `INSERT INTO trace_results (seq, username, device_id, notifier, result)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])
     ON CONFLICT (seq, username, device_id, notifier) DO UPDATE SET result = excluded.result`,
    columns(list, 5),
  );
}

export class PgTrace implements TracePort {
  constructor(private readonly pool: pg.Pool) {}

  /** Sets the outcome for one device of a recorded decision (notifier omitted: whichever has that id). */
  setResult(username: string, seq: number, deviceId: string, result: string, notifier?: string): Promise<void> {
    return setResults(this.pool, [{ seq, username, deviceId, notifier: notifier ?? '', result }]);
  }

  /**
   * Messages the user received (inbox, or the log of a group since they joined it: the newest rows
   * of each group) or sent, newest first. Pushed: the user's devices from the row whose name range
   * holds them (a key lookup in its jsonb object; max() skips a row of another reason, via or
   * mention whose range holds the name but not the user); otherwise held: the name's
   * membership in the held list. MATERIALIZED: pulled up into the outer query, each decision was
   * worked out twice (in WHERE and in the result), decompressing the big rows twice.
   */
  async last(username: string, limit: number): Promise<TraceEntry[]> {
    const r = await this.pool.query<{ json: string; decision: string; results: string | null }>(
      `WITH x AS MATERIALIZED (
         SELECT s.seq, m.json, COALESCE(
             (SELECT max(p.reason || chr(31) || p.via || chr(31) || p.mention || chr(31) || (p.users -> $1::text)::text) FROM trace_pushed p
              WHERE p.seq = s.seq AND p.lo <= $1 AND p.hi >= $1),
             (SELECT h.reason || chr(31) || h.via || chr(31) || h.mention FROM trace_held h WHERE h.seq = s.seq AND h.users ? $1 LIMIT 1)) AS decision
         FROM (
           (SELECT seq FROM inbox WHERE username = $1 ORDER BY seq DESC LIMIT $2)
           UNION (SELECT seq FROM messages WHERE sender = $1 ORDER BY seq DESC LIMIT $2)
           UNION (SELECT l.seq FROM group_members gm CROSS JOIN LATERAL
                    (SELECT seq FROM group_log WHERE group_id = gm.group_id AND seq > gm.since ORDER BY seq DESC LIMIT $2) l
                  WHERE gm.username = $1)
         ) s JOIN messages m ON m.seq = s.seq
       )
       SELECT x.json, x.decision,
         (SELECT json_agg(json_build_array(r.device_id, r.notifier, r.result) ORDER BY r.ord)::text FROM trace_results r
          WHERE r.seq = x.seq AND r.username = $1) AS results
       FROM x WHERE x.decision IS NOT NULL ORDER BY x.seq DESC LIMIT $2`,
      [username, limit],
    );
    return r.rows.map((row) => traceEntryOf(row.json, row.decision, row.results));
  }
}
