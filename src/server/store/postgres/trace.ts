/** The record of push decisions (SPEC 3.8) on PostgreSQL. */
import type pg from 'pg';
import type { ReasonCode } from '../../../core/index.ts';
import type { ImMessage, NewTrace, TraceDevice, TraceEntry, TracePort } from '../ports.ts';
import { type Queryable, tx } from './pool.ts';

/**
 * Records every decision about one message: pushed ones one row per user (with its devices),
 * held ones one row per reason holding the JSON array of names (as the SQLite store does).
 * Two statements whatever the group size.
 */
export async function addTraces(q: Queryable, seq: number, rows: readonly NewTrace[]): Promise<void> {
  const held = new Map<ReasonCode, string[]>();
  // Last decision per user wins (INSERT OR REPLACE in SQLite); one upsert may not touch a row twice.
  const pushed = new Map<string, TraceDevice[]>();
  for (const [u, push, reason, devices] of rows) {
    if (push) pushed.set(u, devices);
    else {
      const list = held.get(reason);
      if (list) list.push(u);
      else held.set(reason, [u]);
    }
  }
  if (pushed.size) {
    await q.query(
      `INSERT INTO trace (seq, username, push, reason, devices) SELECT $1, u, 1, 'PUSH', d FROM unnest($2::text[], $3::text[]) AS x(u, d)
       ON CONFLICT (seq, username) DO UPDATE SET push = 1, reason = 'PUSH', devices = excluded.devices`,
      [seq, [...pushed.keys()], [...pushed.values()].map((d) => JSON.stringify(d))],
    );
  }
  if (held.size) {
    await q.query(
      `INSERT INTO trace_held (seq, reason, users) SELECT $1, r, u::jsonb FROM unnest($2::text[], $3::text[]) AS x(r, u)
       ON CONFLICT (seq, reason) DO UPDATE SET users = trace_held.users || excluded.users`,
      [seq, [...held.keys()], [...held.values()].map((u) => JSON.stringify(u))],
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

  /** Messages the user received (inbox) or sent, newest first; held reasons found by the name's membership in the held list. */
  async last(username: string, limit: number): Promise<TraceEntry[]> {
    const r = await this.pool.query<{ push: number; reason: ReasonCode; devices: string; json: string }>(
      `SELECT * FROM (
         SELECT s.seq, COALESCE(t.push, 0) AS push, COALESCE(t.devices, '[]') AS devices, m.json,
           COALESCE(t.reason, (SELECT h.reason FROM trace_held h WHERE h.seq = s.seq AND h.users ? $1 LIMIT 1)) AS reason
         FROM (
           (SELECT seq FROM inbox WHERE username = $1 ORDER BY seq DESC LIMIT $2)
           UNION (SELECT seq FROM messages WHERE sender = $1 ORDER BY seq DESC LIMIT $2)
         ) s LEFT JOIN trace t ON t.seq = s.seq AND t.username = $1 JOIN messages m ON m.seq = s.seq
       ) x WHERE reason IS NOT NULL ORDER BY seq DESC LIMIT $2`,
      [username, limit],
    );
    return r.rows.map((row) => {
      const m = JSON.parse(row.json) as ImMessage;
      return { messageId: m.id, ts: m.ts, conversation: m.conversation, push: row.push === 1, reason: row.reason, devices: JSON.parse(row.devices) as TraceDevice[] };
    });
  }
}
