/**
 * Per-device backlogs and acknowledgements on PostgreSQL (messages are stored by commitMessage):
 * the inbox's pending rows, and the group log above each device's cursor (store/messages.ts).
 */
import type pg from 'pg';
import type { ImMessage, MessagesPort } from '../ports.ts';

/**
 * What a new resource ($2) of a user ($1) inherits, as parts of one WITH: the inbox rows no device
 * acknowledged, the furthest cursor over the user's other devices per group, and their acks above
 * it (every part sees the rows as they were before the statement, hence the MAX in both).
 */
export const ADOPT_CTES = `
  adopt AS (
    INSERT INTO device_inbox (username, resource, seq)
    SELECT username, $2, seq FROM inbox WHERE username = $1 AND acked = 0 AND NOT EXISTS (SELECT 1 FROM known)
    ON CONFLICT DO NOTHING),
  adopt_cursors AS (
    INSERT INTO group_cursors (username, resource, group_id, upto)
    SELECT username, $2, group_id, MAX(upto) FROM group_cursors
    WHERE username = $1 AND resource <> $2 AND NOT EXISTS (SELECT 1 FROM known) GROUP BY username, group_id
    ON CONFLICT DO NOTHING),
  adopt_acks AS (
    INSERT INTO group_acks (username, resource, group_id, seq)
    SELECT a.username, $2, a.group_id, a.seq FROM group_acks a
    WHERE a.username = $1 AND a.resource <> $2 AND NOT EXISTS (SELECT 1 FROM known)
      AND a.seq > COALESCE((SELECT MAX(c.upto) FROM group_cursors c WHERE c.username = $1 AND c.resource <> $2 AND c.group_id = a.group_id), 0)
    ON CONFLICT DO NOTHING)`;

/** A subquery: the device's ($1, $2) first unacknowledged log row of `group` above `from` (SQL expressions). */
const firstUnacked = (group: string, from: string) => `SELECT l.seq FROM group_log l WHERE l.group_id = ${group} AND l.seq > ${from}
  AND l.sender <> $1 AND NOT EXISTS (SELECT 1 FROM group_acks a WHERE a.username = $1 AND a.resource = $2 AND a.group_id = ${group} AND a.seq = l.seq)
  ORDER BY l.seq LIMIT 1`;

interface AckRow {
  seq: number;
  group_id: string | null;
  /** The device's first unacknowledged log row above its cursor. */
  first: number | null;
}

export class PgMessages implements MessagesPort {
  constructor(private readonly pool: pg.Pool) {}
  async adoptBacklog(username: string, resource: string): Promise<void> {
    // `known` is empty here: the caller adopts only for a resource it is told is new.
    await this.pool.query(`WITH known AS (SELECT 1 WHERE false), ${ADOPT_CTES} SELECT 1`, [username, resource]);
  }
  async backlog(username: string, resource: string): Promise<ImMessage[]> {
    const r = await this.pool.query<[string]>({
      text: `SELECT json FROM (
               SELECT d.seq, m.json FROM device_inbox d JOIN messages m ON m.seq = d.seq WHERE d.username = $1 AND d.resource = $2
               UNION ALL
               SELECT l.seq, m.json FROM group_members gm
                 LEFT JOIN group_cursors c ON c.username = $1 AND c.resource = $2 AND c.group_id = gm.group_id
                 JOIN group_log l ON l.group_id = gm.group_id AND l.seq > COALESCE(c.upto, gm.since)
                 JOIN messages m ON m.seq = l.seq
               WHERE gm.username = $1 AND l.sender <> $1
                 AND NOT EXISTS (SELECT 1 FROM group_acks a WHERE a.username = $1 AND a.resource = $2 AND a.group_id = l.group_id AND a.seq = l.seq)
             ) b ORDER BY seq`,
      values: [username, resource],
      rowMode: 'array',
    });
    return r.rows.map(([j]) => JSON.parse(j) as ImMessage);
  }
  /**
   * Two statements, each atomic. The first acks the inbox rows and reads, for a logged message
   * above the device's cursor, the device's first unacknowledged log row. When that is this
   * message, the second moves the cursor to just below the next unacknowledged row (or to the
   * group's last row) and drops the acks it passed; otherwise it keeps the ack for later. Each
   * scan stops at the first row not acknowledged, so a message never acked does not make later
   * acks slower. Commits make a group's log rows visible in seq order (commit.ts), so every row up
   * to the last one seen is there; GREATEST keeps a cursor from going back when two acks of one
   * device race.
   */
  async ack(username: string, resource: string, id: string): Promise<boolean> {
    const r = await this.pool.query<AckRow>(
      `WITH m AS (SELECT seq FROM messages WHERE id = $3),
         d AS (DELETE FROM device_inbox di USING m WHERE di.username = $1 AND di.resource = $2 AND di.seq = m.seq),
         i AS (UPDATE inbox SET acked = 1 FROM m WHERE inbox.username = $1 AND inbox.seq = m.seq),
         g AS (
           SELECT l.group_id, COALESCE(c.upto, gm.since) AS cur FROM m JOIN group_log l ON l.seq = m.seq
             JOIN group_members gm ON gm.group_id = l.group_id AND gm.username = $1
             LEFT JOIN group_cursors c ON c.username = $1 AND c.resource = $2 AND c.group_id = l.group_id
           WHERE l.sender <> $1 AND l.seq > COALESCE(c.upto, gm.since))
       SELECT m.seq, g.group_id, (${firstUnacked('g.group_id', 'g.cur')}) AS first
       FROM m LEFT JOIN g ON true`,
      [username, resource, id],
    );
    const row = r.rows[0];
    if (!row) return false;
    if (row.group_id === null) return true;
    if (row.first !== row.seq) {
      await this.pool.query(
        'INSERT INTO group_acks (username, resource, group_id, seq) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
        [username, resource, row.group_id, row.seq],
      );
      return true;
    }
    await this.pool.query(
      `WITH n AS (
         SELECT COALESCE((${firstUnacked('$3', '$4')}) - 1,
           (SELECT MAX(t.seq) FROM group_log t WHERE t.group_id = $3)) AS upto),
         c AS (
           INSERT INTO group_cursors (username, resource, group_id, upto) SELECT $1, $2, $3, upto FROM n
           ON CONFLICT (username, resource, group_id) DO UPDATE SET upto = GREATEST(group_cursors.upto, excluded.upto))
       DELETE FROM group_acks WHERE username = $1 AND resource = $2 AND group_id = $3 AND seq <= (SELECT upto FROM n)`,
      [username, resource, row.group_id, row.seq],
    );
    return true;
  }
}
