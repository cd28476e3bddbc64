/**
 * The fan-out's write (DESIGN "The fan-out in four steps", step 3) on PostgreSQL: one
 * transaction of a handful of statements whatever the group size (arrays + unnest, never one
 * statement per member), ending with a NOTIFY that PostgreSQL delivers only if it commits.
 */
import type pg from 'pg';
import type { CommitResult, MessageCommit, NewDelivery } from '../ports.ts';
import { tx } from './pool.ts';
import { putSummariesOn, summaryCountsOn } from './summaries.ts';
import { addTraces } from './trace.ts';
import { pushInfoOn } from './users.ts';

/** Columns of NewDelivery rows as four arrays, for unnest. */
function columns(rows: readonly NewDelivery[]): [string[], string[], number[], string[]] {
  const u: string[] = [], d: string[] = [], b: number[] = [], l: string[] = [];
  for (const [username, deviceId, badge, language] of rows) {
    u.push(username);
    d.push(deviceId);
    b.push(badge);
    l.push(language);
  }
  return [u, d, b, l];
}

/** Last row per (user, device) wins, as SQLite's INSERT OR REPLACE (one upsert may not touch a row twice). */
function lastPerDevice(rows: readonly NewDelivery[]): NewDelivery[] {
  const m = new Map<string, NewDelivery>();
  for (const r of rows) m.set(`${r[0]}\u001f${r[1]}`, r);
  return m.size === rows.length ? [...rows] : [...m.values()];
}

export function commitMessage(pool: pg.Pool, channel: string, c: MessageCommit): Promise<CommitResult> {
  const { message, now } = c;
  return tx(pool, async (q) => {
    // 1. The message, its inbox rows, a pending row per known device of each recipient, and the
    //    offline counts, in one statement (the CTEs touch different tables; counts of a name
    //    listed twice go up twice, as in SQLite).
    const first = await q.query<{ seq: number }>(
      `WITH m AS (INSERT INTO messages (id, sender, json, ts) VALUES ($1, $2, $3, $4) RETURNING seq),
         i AS (INSERT INTO inbox (username, seq) SELECT u, m.seq FROM m, unnest($5::text[]) u ON CONFLICT DO NOTHING),
         d AS (INSERT INTO device_inbox (username, resource, seq) SELECT v.username, v.resource, m.seq FROM m, devices v
               WHERE v.username IN (SELECT unnest($5::text[])) ON CONFLICT DO NOTHING),
         o AS (INSERT INTO offline_counts (username, n) SELECT u, count(*) FROM unnest($6::text[]) u GROUP BY u
               ON CONFLICT (username) DO UPDATE SET n = offline_counts.n + excluded.n)
       SELECT seq FROM m`,
      [message.id, message.from, JSON.stringify(message), message.ts, c.inbox, c.bumpOffline],
    );
    const seq = first.rows[0]!.seq;

    // 2. Push info after the bump (the badge counts this message), then the caller's rows.
    let webpush: NewDelivery[] = [];
    let stream: NewDelivery[] = [];
    // Nobody pushed: nothing to queue (as on SQLite, `deliveries` is not called).
    if (c.deliveries && c.pushed.length) {
      const out = c.deliveries(await pushInfoOn(q, c.pushed));
      webpush = out.webpush;
      stream = out.stream;
    }
    if (webpush.length) {
      const [u, d, b, l] = columns(webpush);
      await q.query(
        `INSERT INTO deliveries (username, device_id, message_seq, badge, language, due, created)
         SELECT u, d, $1, b, l, $2, $2 FROM unnest($3::text[], $4::text[], $5::int[], $6::text[]) AS x(u, d, b, l)`,
        [seq, now, u, d, b, l],
      );
    }
    if (stream.length) {
      const [u, d, b, l] = columns(lastPerDevice(stream));
      await q.query(
        `INSERT INTO stream_pushes (username, device_id, message_id, message_seq, payload, badge, language, created)
         SELECT u, d, $1, $2, NULL, b, l, $3 FROM unnest($4::text[], $5::text[], $6::int[], $7::text[]) AS x(u, d, b, l)
         ON CONFLICT (username, device_id, message_id) DO UPDATE SET message_seq = excluded.message_seq, payload = NULL,
           badge = excluded.badge, language = excluded.language, created = excluded.created, ord = DEFAULT`,
        [message.id, seq, now, u, d, b, l],
      );
    }

    // 3. Every decision: one statement for the pushed users, one for the held reasons.
    await addTraces(q, seq, c.traces);

    // 4. Summaries: held messages counted (SPEC 1.7), or the one just sent dropped.
    if (c.summaryUsers?.length && c.summarize) await putSummariesOn(q, c.summarize(await summaryCountsOn(q, c.summaryUsers)));
    if (c.summarySentTo !== undefined) await q.query('DELETE FROM summary_pending WHERE username = $1', [c.summarySentTo]);

    // 5. Wake the delivery workers of every node; PostgreSQL sends it at COMMIT, never after a rollback.
    if (webpush.length) await q.query('SELECT pg_notify($1, $2)', [channel, String(seq)]);
    return { seq, queued: webpush.length, stream };
  });
}
