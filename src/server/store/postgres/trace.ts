/** The record of push decisions (SPEC 3.8) on PostgreSQL. */
import type pg from 'pg';
import type { NewTrace, TraceDevice, TraceEntry, TracePort } from '../ports.ts';
import { groupHeld, SEP, traceEntryOf } from '../trace-entry.ts';
import { type Queryable, tx } from './pool.ts';

/**
 * Records every decision about one message: pushed ones one row per user (with its devices),
 * held ones one row per reason holding the JSON array of names (as the SQLite store does).
 * Two statements whatever the group size.
 */
export async function addTraces(q: Queryable, seq: number, rows: readonly NewTrace[]): Promise<void> {
  const { pushed: list, held } = groupHeld(rows);
  // Last decision per user wins (INSERT OR REPLACE in SQLite); one upsert may not touch a row twice.
  const pushed = new Map(list.map((p) => [p[0], p]));
  if (pushed.size) {
    const v = [...pushed.values()];
    await q.query(
      `INSERT INTO trace (seq, username, push, reason, devices, via, mention)
       SELECT $1, u, 1, r, d, vi, me FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS x(u, r, d, vi, me)
       ON CONFLICT (seq, username) DO UPDATE SET push = 1, reason = excluded.reason, devices = excluded.devices, via = excluded.via, mention = excluded.mention`,
      [seq, v.map((p) => p[0]), v.map((p) => p[1]), v.map((p) => JSON.stringify(p[2])), v.map((p) => p[3]), v.map((p) => p[4])],
    );
  }
  if (held.size) {
    const keys = [...held.keys()].map((k) => k.split(SEP));
    await q.query(
      `INSERT INTO trace_held (seq, reason, via, mention, users) SELECT $1, r, vi, me, u::jsonb FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) AS x(r, vi, me, u)
       ON CONFLICT (seq, reason, via, mention) DO UPDATE SET users = trace_held.users || excluded.users`,
      [seq, keys.map((k) => k[0]), keys.map((k) => k[1]), keys.map((k) => k[2]), [...held.values()].map((u) => JSON.stringify(u))],
    );
  }
}

export class PgTrace implements TracePort {
  constructor(private readonly pool: pg.Pool) {}

  /** Read-modify-write under a row lock: two nodes reporting outcomes of one decision keep both. */
  setResult(username: string, seq: number, deviceId: string, result: string, notifier?: string): Promise<void> {
    return tx(this.pool, async (c) => {
      const r = await c.query<{ devices: string }>('SELECT devices FROM trace WHERE seq = $1 AND username = $2 FOR UPDATE', [seq, username]);
      const raw = r.rows[0]?.devices;
      if (raw === undefined) return;
      const devices = JSON.parse(raw) as TraceDevice[];
      const d = devices.find((x) => x.device_id === deviceId && (notifier === undefined || x.notifier === notifier));
      if (d) d.result = result;
      else devices.push({ device_id: deviceId, ...(notifier ? { notifier } : {}), result });
      await c.query('UPDATE trace SET devices = $1 WHERE seq = $2 AND username = $3', [JSON.stringify(devices), seq, username]);
    });
  }

  /**
   * Messages the user received (inbox, or the log of a group since they joined it: the newest rows
   * of each group) or sent, newest first; held reasons found by the name's membership in the held list.
   */
  async last(username: string, limit: number): Promise<TraceEntry[]> {
    const r = await this.pool.query<{ push: number; reason: string; devices: string; json: string }>(
      `SELECT * FROM (
         SELECT s.seq, COALESCE(t.push, 0) AS push, COALESCE(t.devices, '[]') AS devices, m.json,
           COALESCE(t.reason || chr(31) || t.via || chr(31) || t.mention,
             (SELECT h.reason || chr(31) || h.via || chr(31) || h.mention FROM trace_held h WHERE h.seq = s.seq AND h.users ? $1 LIMIT 1)) AS reason
         FROM (
           (SELECT seq FROM inbox WHERE username = $1 ORDER BY seq DESC LIMIT $2)
           UNION (SELECT seq FROM messages WHERE sender = $1 ORDER BY seq DESC LIMIT $2)
           UNION (SELECT l.seq FROM group_members gm CROSS JOIN LATERAL
                    (SELECT seq FROM group_log WHERE group_id = gm.group_id AND seq > gm.since ORDER BY seq DESC LIMIT $2) l
                  WHERE gm.username = $1)
         ) s LEFT JOIN trace t ON t.seq = s.seq AND t.username = $1 JOIN messages m ON m.seq = s.seq
       ) x WHERE reason IS NOT NULL ORDER BY seq DESC LIMIT $2`,
      [username, limit],
    );
    return r.rows.map((row) => traceEntryOf(row.json, row.push === 1, row.reason, row.devices));
  }
}
