/**
 * The durable message log (SPEC 3.6–3.7): each message once. A group message sent to all its
 * members is one group_log row, read by each device above its cursor for that group; any other
 * message has an inbox row per recipient and a pending row per (recipient, known device) until
 * that device acks. A device's backlog is both, oldest first.
 */
import type { Db } from './db.ts';
import type { ImMessage, MessagesPort } from './ports.ts';

export type { ImMessage };

interface GroupAck {
  group_id: string;
  /** The device's cursor for the group: everything up to here is acknowledged. */
  cur: number;
}

export class MessagesRepo implements MessagesPort {
  private readonly s;
  private readonly ackTx;
  constructor(private readonly db: Db) {
    this.s = {
      insert: db.prepare('INSERT INTO messages (id, sender, json, ts) VALUES (?, ?, ?, ?)'),
      inbox: db.prepare('INSERT OR IGNORE INTO inbox (username, seq) SELECT value, ? FROM json_each(?)'),
      pending: db.prepare(
        'INSERT OR IGNORE INTO device_inbox (username, resource, seq) SELECT username, resource, ? FROM devices WHERE username IN (SELECT value FROM json_each(?))',
      ),
      log: db.prepare('INSERT INTO group_log (seq, group_id, sender) VALUES (?, ?, ?)'),
      copyBacklog: db.prepare('INSERT OR IGNORE INTO device_inbox (username, resource, seq) SELECT username, ?, seq FROM inbox WHERE username = ? AND acked = 0'),
      // Over all the user's other cursors (the forgotten devices' '' included): the furthest one
      // per group, and the acks above it. Together exactly what some device acknowledged.
      adoptCursors: db.prepare(
        `INSERT OR IGNORE INTO group_cursors (username, resource, group_id, upto)
         SELECT username, ?2, group_id, MAX(upto) FROM group_cursors WHERE username = ?1 AND resource <> ?2 GROUP BY group_id`,
      ),
      adoptAcks: db.prepare(
        `INSERT OR IGNORE INTO group_acks (username, resource, group_id, seq)
         SELECT a.username, ?2, a.group_id, a.seq FROM group_acks a WHERE a.username = ?1 AND a.resource <> ?2
           AND a.seq > COALESCE((SELECT MAX(c.upto) FROM group_cursors c WHERE c.username = ?1 AND c.resource <> ?2 AND c.group_id = a.group_id), 0)`,
      ),
      backlog: db.prepare(
        `SELECT json FROM (
           SELECT d.seq, m.json FROM device_inbox d JOIN messages m ON m.seq = d.seq WHERE d.username = ?1 AND d.resource = ?2
           UNION ALL
           SELECT l.seq, m.json FROM group_members gm
             JOIN group_log l ON l.group_id = gm.group_id AND l.seq > COALESCE(
               (SELECT c.upto FROM group_cursors c WHERE c.username = ?1 AND c.resource = ?2 AND c.group_id = gm.group_id), gm.since)
             JOIN messages m ON m.seq = l.seq
           WHERE gm.username = ?1 AND l.sender <> ?1
             AND NOT EXISTS (SELECT 1 FROM group_acks a WHERE a.username = ?1 AND a.resource = ?2 AND a.group_id = l.group_id AND a.seq = l.seq)
         ) ORDER BY seq`,
      ).pluck(),
      seqOf: db.prepare('SELECT seq FROM messages WHERE id = ?').pluck(),
      ackDevice: db.prepare('DELETE FROM device_inbox WHERE username = ? AND resource = ? AND seq = ?'),
      ackInbox: db.prepare('UPDATE inbox SET acked = 1 WHERE username = ? AND seq = ?'),
      // The group of a logged message the user may ack (a member, not its sender), with the device's cursor.
      groupAck: db.prepare(
        `SELECT l.group_id, COALESCE(c.upto, gm.since) AS cur FROM group_log l
           JOIN group_members gm ON gm.group_id = l.group_id AND gm.username = ?1
           LEFT JOIN group_cursors c ON c.username = ?1 AND c.resource = ?2 AND c.group_id = l.group_id
         WHERE l.seq = ?3 AND l.sender <> ?1`,
      ),
      // The device's first unacknowledged log row above ?4.
      unacked: db.prepare(
        `SELECT l.seq FROM group_log l WHERE l.group_id = ?3 AND l.seq > ?4 AND l.sender <> ?1
           AND NOT EXISTS (SELECT 1 FROM group_acks a WHERE a.username = ?1 AND a.resource = ?2 AND a.group_id = ?3 AND a.seq = l.seq)
         ORDER BY l.seq LIMIT 1`,
      ).pluck(),
      top: db.prepare('SELECT MAX(seq) FROM group_log WHERE group_id = ?').pluck(),
      setCursor: db.prepare(
        `INSERT INTO group_cursors (username, resource, group_id, upto) VALUES (?, ?, ?, ?)
         ON CONFLICT (username, resource, group_id) DO UPDATE SET upto = MAX(upto, excluded.upto)`,
      ),
      dropAcks: db.prepare('DELETE FROM group_acks WHERE username = ? AND resource = ? AND group_id = ? AND seq <= ?'),
      addAck: db.prepare('INSERT OR IGNORE INTO group_acks (username, resource, group_id, seq) VALUES (?, ?, ?, ?)'),
    };
    this.ackTx = db.transaction((username: string, resource: string, seq: number) => {
      this.s.ackDevice.run(username, resource, seq);
      this.s.ackInbox.run(username, seq);
      const g = this.s.groupAck.get({ 1: username, 2: resource, 3: seq }) as GroupAck | undefined;
      if (g && seq > g.cur) this.ackLogged(username, resource, g, seq);
    });
  }

  /**
   * Stores a message (inside the caller's transaction): in its group's log when `group` is set,
   * else with an inbox row per recipient and a pending row per known device.
   */
  insert(message: ImMessage, recipients: readonly string[], group?: string): number {
    const seq = Number(this.s.insert.run(message.id, message.from, JSON.stringify(message), message.ts).lastInsertRowid);
    if (group !== undefined) this.s.log.run(seq, group, message.from);
    if (recipients.length) {
      const list = JSON.stringify(recipients);
      this.s.inbox.run(seq, list);
      this.s.pending.run(seq, list);
    }
    return seq;
  }

  /** A device's first connection inherits what no device of the user has acknowledged yet. */
  adoptBacklog(username: string, resource: string): void {
    this.s.copyBacklog.run(resource, username);
    this.s.adoptCursors.run({ 1: username, 2: resource });
    this.s.adoptAcks.run({ 1: username, 2: resource });
  }

  /** What this device has not acknowledged, oldest first. */
  backlog(username: string, resource: string): ImMessage[] {
    return (this.s.backlog.all({ 1: username, 2: resource }) as string[]).map((j) => JSON.parse(j) as ImMessage);
  }

  /** Acknowledges a message for one device; false when the id is unknown. */
  ack(username: string, resource: string, id: string): boolean {
    const seq = this.s.seqOf.get(id) as number | undefined;
    if (seq === undefined) return false;
    this.ackTx(username, resource, seq);
    return true;
  }

  /**
   * A logged message above the cursor: when it is the first one not acknowledged, the cursor moves
   * up to just below the next one (or to the group's last message); otherwise it waits as an ack.
   * Each scan stops at the first row not acknowledged, and the acks it steps over are folded into
   * the cursor right after: a message that is never acked does not make later acks slower.
   */
  private ackLogged(username: string, resource: string, g: GroupAck, seq: number): void {
    const after = (from: number) => this.s.unacked.get({ 1: username, 2: resource, 3: g.group_id, 4: from }) as number | undefined;
    if (after(g.cur) !== seq) {
      this.s.addAck.run(username, resource, g.group_id, seq);
      return;
    }
    const next = after(seq);
    const upto = next !== undefined ? next - 1 : (this.s.top.get(g.group_id) as number);
    this.s.setCursor.run(username, resource, g.group_id, upto);
    this.s.dropAcks.run(username, resource, g.group_id, upto);
  }
}
