/** Periodic clean-up on PostgreSQL: the same deletions as store/housekeeping.ts, in one transaction. */
import type pg from 'pg';
import { STREAM_KEEP_MS } from '../ports.ts';
import { tx } from './pool.ts';

const DAY = 86_400_000;
export const TRACE_KEEP_MS = 30 * DAY;
export const DEVICE_IDLE_MS = 30 * DAY;

export function housekeep(pool: pg.Pool, now: number): Promise<Record<string, number>> {
  return tx(pool, async (c) => {
    const n = async (sql: string, ...args: unknown[]) => (await c.query(sql, args)).rowCount ?? 0;
    const out: Record<string, number> = {};
    out.tokens = await n('DELETE FROM tokens WHERE expires < $1', now);
    for (const table of ['trace_pushed', 'trace_held', 'trace_results']) {
      out[table] = await n(`DELETE FROM ${table} WHERE seq IN (SELECT seq FROM messages WHERE ts < $1)`, now - TRACE_KEEP_MS);
    }
    out.callback_ids = await n('DELETE FROM callback_ids WHERE until <= $1', now);
    out.stream_pushes = await n('DELETE FROM stream_pushes WHERE created <= $1', now - STREAM_KEEP_MS);
    out.devices = await n(
      `DELETE FROM devices WHERE last_seen < $1 AND NOT EXISTS
         (SELECT 1 FROM bindings b WHERE b.username = devices.username AND b.device_id = devices.resource)`,
      now - DEVICE_IDLE_MS,
    );
    out.device_inbox = await n(
      `DELETE FROM device_inbox WHERE NOT EXISTS
         (SELECT 1 FROM devices d WHERE d.username = device_inbox.username AND d.resource = device_inbox.resource)`,
    );
    // A forgotten device's group cursors: what it acknowledged stays the user's (resource '').
    const gone = `resource <> '' AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.username = c.username AND d.resource = c.resource)`;
    await n(`INSERT INTO group_cursors (username, resource, group_id, upto)
       SELECT username, '', group_id, MAX(upto) FROM group_cursors c WHERE ${gone} GROUP BY username, group_id
       ON CONFLICT (username, resource, group_id) DO UPDATE SET upto = GREATEST(group_cursors.upto, excluded.upto)`);
    out.group_cursors = await n(`DELETE FROM group_cursors c WHERE ${gone}`);
    out.group_acks = await n(`DELETE FROM group_acks c WHERE ${gone}`);
    return out;
  });
}
