/**
 * The durable per-user message log (SPEC 3.6–3.7): each message once, an inbox row per
 * recipient, and a pending row per (recipient, known device) until that device acks.
 */
import type { Db } from './db.ts';
import type { ImMessage, MessagesPort } from './ports.ts';

export type { ImMessage };


export class MessagesRepo implements MessagesPort {
  private readonly s;
  constructor(private readonly db: Db) {
    this.s = {
      insert: db.prepare('INSERT INTO messages (id, sender, json, ts) VALUES (?, ?, ?, ?)'),
      inbox: db.prepare('INSERT OR IGNORE INTO inbox (username, seq) SELECT value, ? FROM json_each(?)'),
      pending: db.prepare(
        'INSERT OR IGNORE INTO device_inbox (username, resource, seq) SELECT username, resource, ? FROM devices WHERE username IN (SELECT value FROM json_each(?))',
      ),
      copyBacklog: db.prepare('INSERT OR IGNORE INTO device_inbox (username, resource, seq) SELECT username, ?, seq FROM inbox WHERE username = ? AND acked = 0'),
      backlog: db.prepare(
        'SELECT m.json FROM device_inbox d JOIN messages m ON m.seq = d.seq WHERE d.username = ? AND d.resource = ? ORDER BY d.seq',
      ).pluck(),
      seqOf: db.prepare('SELECT seq FROM messages WHERE id = ?').pluck(),
      ackDevice: db.prepare('DELETE FROM device_inbox WHERE username = ? AND resource = ? AND seq = ?'),
      ackInbox: db.prepare('UPDATE inbox SET acked = 1 WHERE username = ? AND seq = ?'),
    };
  }

  /** Stores a message with an inbox row per recipient and a pending row per known device (inside the caller's transaction). */
  insert(message: ImMessage, recipients: readonly string[]): number {
    const seq = Number(this.s.insert.run(message.id, message.from, JSON.stringify(message), message.ts).lastInsertRowid);
    const list = JSON.stringify(recipients);
    this.s.inbox.run(seq, list);
    this.s.pending.run(seq, list);
    return seq;
  }

  /** A device's first connection inherits what no device of the user has acknowledged yet. */
  adoptBacklog(username: string, resource: string): void {
    this.s.copyBacklog.run(resource, username);
  }

  /** What this device has not acknowledged, oldest first. */
  backlog(username: string, resource: string): ImMessage[] {
    return (this.s.backlog.all(username, resource) as string[]).map((j) => JSON.parse(j) as ImMessage);
  }

  /** Acknowledges a message for one device; false when the id is unknown. */
  ack(username: string, resource: string, id: string): boolean {
    const seq = this.s.seqOf.get(id) as number | undefined;
    if (seq === undefined) return false;
    this.db.transaction(() => {
      this.s.ackDevice.run(username, resource, seq);
      this.s.ackInbox.run(username, seq);
    })();
    return true;
  }
}
