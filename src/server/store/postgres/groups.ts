/** Groups and chat rooms with their members on PostgreSQL. */
import { randomInt } from 'node:crypto';
import type pg from 'pg';
import type { GroupKind, GroupRow, GroupsPort } from '../ports.ts';
import { tx } from './pool.ts';

const COLS = 'id, kind, name, owner, created';

/** Numeric 15-digit ids like Easemob's (randomInt allows at most 2^48 per call, hence two parts). */
function newGroupId(): string {
  return String(randomInt(10_000_000_000, 99_999_999_999)) + String(randomInt(1000, 9999));
}

export class PgGroups implements GroupsPort {
  constructor(private readonly pool: pg.Pool) {}
  async get(id: string): Promise<GroupRow | undefined> {
    return (await this.pool.query<GroupRow>(`SELECT ${COLS} FROM groups WHERE id = $1`, [id])).rows[0];
  }
  /** One transaction; a colliding id (another node may pick the same) is retried with a new one. */
  create(kind: GroupKind, name: string, owner: string, members: readonly string[], now: number): Promise<GroupRow> {
    return tx(this.pool, async (c) => {
      let row: GroupRow | undefined;
      for (let attempt = 0; !row; attempt++) {
        if (attempt === 20) throw new Error('could not find a free group id in 20 attempts');
        const r = await c.query<GroupRow>(
          `INSERT INTO groups (id, kind, name, owner, created) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING RETURNING ${COLS}`,
          [newGroupId(), kind, name, owner, now],
        );
        row = r.rows[0];
      }
      // A new group has no log yet: its members read it from the start (since 0).
      await c.query(
        'INSERT INTO group_members (group_id, username) SELECT $1, u FROM unnest($2::text[]) u ON CONFLICT DO NOTHING',
        [row.id, [...new Set([owner, ...members])]],
      );
      return row;
    });
  }
  /** A member reads the group's log from here on (no history from before joining). */
  async addMember(id: string, username: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO group_members (group_id, username, since)
       SELECT $1, $2, COALESCE(MAX(seq), 0) FROM group_log WHERE group_id = $1 ON CONFLICT DO NOTHING`,
      [id, username],
    );
  }
  /**
   * One statement. A member who leaves keeps what the group sent while they were in it, as the
   * explicit rows of any other message (store/groups.ts); their cursors and acks go.
   */
  async removeMember(id: string, username: string): Promise<boolean> {
    const r = await this.pool.query(
      `WITH gm AS (SELECT group_id, username, since FROM group_members WHERE group_id = $1 AND username = $2),
         keep_inbox AS (
           INSERT INTO inbox (username, seq, acked)
           SELECT gm.username, l.seq, CASE WHEN l.seq <= COALESCE((SELECT MAX(c.upto) FROM group_cursors c WHERE c.username = $2 AND c.group_id = $1), gm.since)
               OR EXISTS (SELECT 1 FROM group_acks a WHERE a.username = $2 AND a.group_id = $1 AND a.seq = l.seq) THEN 1 ELSE 0 END
           FROM gm JOIN group_log l ON l.group_id = gm.group_id AND l.seq > gm.since
           WHERE l.sender <> $2
           ON CONFLICT DO NOTHING),
         keep_pending AS (
           INSERT INTO device_inbox (username, resource, seq)
           SELECT d.username, d.resource, l.seq FROM gm JOIN devices d ON d.username = gm.username
             LEFT JOIN group_cursors c ON c.username = d.username AND c.resource = d.resource AND c.group_id = $1
             JOIN group_log l ON l.group_id = gm.group_id AND l.seq > COALESCE(c.upto, gm.since)
           WHERE l.sender <> $2
             AND NOT EXISTS (SELECT 1 FROM group_acks a WHERE a.username = $2 AND a.resource = d.resource AND a.group_id = $1 AND a.seq = l.seq)
           ON CONFLICT DO NOTHING),
         cursors AS (DELETE FROM group_cursors WHERE username = $2 AND group_id = $1),
         acks AS (DELETE FROM group_acks WHERE username = $2 AND group_id = $1)
       DELETE FROM group_members WHERE group_id = $1 AND username = $2`,
      [id, username],
    );
    return (r.rowCount ?? 0) > 0;
  }
  async isMember(id: string, username: string): Promise<boolean> {
    return (await this.pool.query('SELECT 1 FROM group_members WHERE group_id = $1 AND username = $2', [id, username])).rowCount === 1;
  }
  /** In name order (byte order, like SQLite's primary key). */
  async members(id: string): Promise<string[]> {
    const r = await this.pool.query<[string]>({
      text: 'SELECT username FROM group_members WHERE group_id = $1 ORDER BY username COLLATE "C"',
      values: [id],
      rowMode: 'array',
    });
    return r.rows.map((x) => x[0]);
  }
  async joined(username: string): Promise<GroupRow[]> {
    const r = await this.pool.query<GroupRow>(
      `SELECT g.id, g.kind, g.name, g.owner, g.created FROM group_members m JOIN groups g ON g.id = m.group_id
       WHERE m.username = $1 ORDER BY g.created, g.id`,
      [username],
    );
    return r.rows;
  }
  async findByName(kind: GroupKind, name: string): Promise<GroupRow | undefined> {
    return (await this.pool.query<GroupRow>(`SELECT ${COLS} FROM groups WHERE kind = $1 AND name = $2 ORDER BY created, id LIMIT 1`, [kind, name])).rows[0];
  }
}
