/**
 * The fan-out's write (DESIGN "The fan-out in four steps", step 3) on PostgreSQL: one
 * transaction of a handful of statements whatever the group size (arrays + unnest, never one
 * statement per member), ending with a NOTIFY that PostgreSQL delivers only if it commits.
 */
import type pg from 'pg';
import type { CommitResult, MessageCommit, NewDelivery, SettledDelivery } from '../ports.ts';
import { addJobs } from './jobs.ts';
import { tx } from './pool.ts';
import { putSummariesOn, summaryCountsOn } from './summaries.ts';
import { addTraces, setResults } from './trace.ts';
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
    // 0. A group's messages take their seq and commit one at a time, so its log rows become
    //    visible in seq order: a device that saw row N has every earlier row of the group, and
    //    its cursor may move up to the last row it sees (messages.ts `ack`).
    if (c.group !== undefined) await q.query('SELECT 1 FROM groups WHERE id = $1 FOR UPDATE', [c.group]);
    // 1. The message, its log row or inbox rows with a pending row per known device of each
    //    recipient, and the offline counts, in one statement (the CTEs touch different tables;
    //    counts of a name listed twice go up twice, as in SQLite).
    const first = await q.query<{ seq: number }>(
      `WITH m AS (INSERT INTO messages (id, sender, json, ts) VALUES ($1, $2, $3, $4) RETURNING seq),
         g AS (INSERT INTO group_log (seq, group_id, sender) SELECT m.seq, $7, $2 FROM m WHERE $7::text IS NOT NULL),
         i AS (INSERT INTO inbox (username, seq) SELECT u, m.seq FROM m, unnest($5::text[]) u ON CONFLICT DO NOTHING),
         d AS (INSERT INTO device_inbox (username, resource, seq) SELECT v.username, v.resource, m.seq FROM m, devices v
               WHERE v.username IN (SELECT unnest($5::text[])) ON CONFLICT DO NOTHING),
         o AS (INSERT INTO offline_counts (username, n) SELECT u, count(*) FROM unnest($6::text[]) u GROUP BY u
               ON CONFLICT (username) DO UPDATE SET n = offline_counts.n + excluded.n)
       SELECT seq FROM m`,
      [message.id, message.from, JSON.stringify(message), message.ts, c.inbox, c.bumpOffline, c.group ?? null],
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
    if (c.jobs?.length) await addJobs(q, c.jobs, now);

    // 4. Summaries: held messages counted (SPEC 1.7), or the one just sent dropped.
    if (c.summaryUsers?.length && c.summarize) await putSummariesOn(q, c.summarize(await summaryCountsOn(q, c.summaryUsers)));
    if (c.summarySentTo !== undefined) await q.query('DELETE FROM summary_pending WHERE username = $1', [c.summarySentTo]);

    // 5. Wake the delivery workers of every node; PostgreSQL sends it at COMMIT, never after a rollback.
    if (webpush.length) await q.query('SELECT pg_notify($1, $2)', [channel, String(seq)]);
    return { seq, queued: webpush.length, stream };
  });
}

/**
 * Many delivery outcomes in one transaction of three statements whatever their number: rows done
 * are deleted, retried ones rescheduled, and each outcome upserted as its device's trace result.
 */
export function settleDeliveries(pool: pg.Pool, rows: readonly SettledDelivery[]): Promise<void> {
  if (rows.length === 0) return Promise.resolve();
  return tx(pool, async (q) => {
    const done = rows.filter((r) => !r.retry).map((r) => r.id);
    const retried = rows.filter((r) => r.retry);
    if (done.length) await q.query('DELETE FROM deliveries WHERE id IN (SELECT unnest($1::bigint[]))', [done]);
    if (retried.length) {
      await q.query(
        `UPDATE deliveries d SET attempts = x.a, due = x.due, claimed_by = NULL, claimed_until = NULL
         FROM unnest($1::bigint[], $2::int[], $3::bigint[]) AS x(id, a, due) WHERE d.id = x.id`,
        [retried.map((r) => r.id), retried.map((r) => r.retry!.attempts), retried.map((r) => r.retry!.due)],
      );
    }
    await setResults(q, rows);
  });
}
