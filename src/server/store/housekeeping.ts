/**
 * Periodic clean-up so the data folder does not grow without bound: expired tokens, old
 * decisions, stream pushes past 24 h, and devices unseen for 30 days (with their pending rows and
 * group cursors; the demo chat makes a new resource per tab, and each one would otherwise collect
 * every message).
 */
import type { Db } from './db.ts';
import { STREAM_KEEP_MS } from './deliveries.ts';

const DAY = 86_400_000;
export const TRACE_KEEP_MS = 30 * DAY;
export const DEVICE_IDLE_MS = 30 * DAY;

/** Runs every clean-up step in one transaction; returns the rows removed per table. */
export function housekeep(db: Db, now: number): Record<string, number> {
  return db.transaction(() => {
    const n = (sql: string, ...args: unknown[]) => db.prepare(sql).run(...args).changes;
    const out: Record<string, number> = {};
    out.tokens = n('DELETE FROM tokens WHERE expires < ?', now);
    for (const table of ['trace_pushed', 'trace_held', 'trace_results']) {
      out[table] = n(`DELETE FROM ${table} WHERE seq IN (SELECT seq FROM messages WHERE ts < ?)`, now - TRACE_KEEP_MS);
    }
    out.callback_ids = n('DELETE FROM callback_ids WHERE until <= ?', now);
    out.stream_pushes = n('DELETE FROM stream_pushes WHERE created <= ?', now - STREAM_KEEP_MS);
    out.devices = n(
      `DELETE FROM devices WHERE last_seen < ? AND NOT EXISTS
         (SELECT 1 FROM bindings b WHERE b.username = devices.username AND b.device_id = devices.resource)`,
      now - DEVICE_IDLE_MS,
    );
    out.device_inbox = n(
      `DELETE FROM device_inbox WHERE NOT EXISTS
         (SELECT 1 FROM devices d WHERE d.username = device_inbox.username AND d.resource = device_inbox.resource)`,
    );
    // A forgotten device's group cursors: what it acknowledged stays the user's (resource '').
    const gone = `resource <> '' AND NOT EXISTS (SELECT 1 FROM devices d WHERE d.username = c.username AND d.resource = c.resource)`;
    n(`INSERT INTO group_cursors (username, resource, group_id, upto)
       SELECT username, '', group_id, MAX(upto) FROM group_cursors c WHERE ${gone} GROUP BY username, group_id
       ON CONFLICT (username, resource, group_id) DO UPDATE SET upto = MAX(upto, excluded.upto)`);
    out.group_cursors = n(`DELETE FROM group_cursors AS c WHERE ${gone}`);
    out.group_acks = n(`DELETE FROM group_acks AS c WHERE ${gone}`);
    return out;
  })();
}
