/** The durable push queue (Web Push rows with retry state) and the stream channel's pending pushes. */
import type { Db } from './db.ts';

/** A due Web Push row, joined with its message and the device's current binding token. */
export interface DeliveryRow {
  id: number;
  message_seq: number;
  username: string;
  device_id: string;
  badge: number;
  language: string;
  attempts: number;
  due: number;
  /** The stored message JSON. */
  message: string;
  /** Current webpush token of the device, or null when it was unbound meanwhile. */
  token: string | null;
}

/** One queued push: [username, deviceId, badge, language]. */
export type NewDelivery = [string, string, number, string];

export interface StreamPushRow {
  message_id: string;
  message_seq: number;
  /** The payload, or null when it is built at send time from `message` with badge and language. */
  payload: string | null;
  badge: number;
  language: string;
  message: string | null;
}

/** Unacknowledged stream pushes are kept this long (SPEC 4). */
export const STREAM_KEEP_MS = 24 * 3600_000;

export class DeliveriesRepo {
  private readonly s;
  constructor(db: Db, webpushCert: string) {
    this.s = {
      // One statement for the whole batch: a 10,000-member group costs one call, not thousands.
      insertMany: db.prepare(
        `INSERT INTO deliveries (username, device_id, message_seq, badge, language, due, created)
         SELECT j.value->>0, j.value->>1, ?, j.value->>2, j.value->>3, ?, ? FROM json_each(?) j`,
      ),
      due: db.prepare(
        `SELECT d.id, d.message_seq, d.username, d.device_id, d.badge, d.language, d.attempts, d.due, m.json AS message,
           (SELECT b.token FROM bindings b WHERE b.username = d.username AND b.device_id = d.device_id AND b.notifier = '${webpushCert.replace(/'/g, "''")}') AS token
         FROM deliveries d JOIN messages m ON m.seq = d.message_seq WHERE d.due <= ? ORDER BY d.due, d.id LIMIT ?`,
      ),
      next: db.prepare('SELECT MIN(due) FROM deliveries WHERE due > ?').pluck(),
      done: db.prepare('DELETE FROM deliveries WHERE id = ?'),
      retry: db.prepare('UPDATE deliveries SET attempts = ?, due = ? WHERE id = ?'),
      count: db.prepare('SELECT COUNT(*) FROM deliveries').pluck(),
      streamPut: db.prepare(
        'INSERT OR REPLACE INTO stream_pushes (username, device_id, message_id, message_seq, payload, created) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      streamPutMany: db.prepare(
        `INSERT OR REPLACE INTO stream_pushes (username, device_id, message_id, message_seq, payload, badge, language, created)
         SELECT j.value->>0, j.value->>1, ?, ?, NULL, j.value->>2, j.value->>3, ? FROM json_each(?) j`,
      ),
      streamPending: db.prepare(
        `SELECT s.message_id, s.message_seq, s.payload, s.badge, s.language, m.json AS message
         FROM stream_pushes s LEFT JOIN messages m ON m.seq = s.message_seq AND s.payload IS NULL
         WHERE s.username = ? AND s.device_id = ? AND s.created > ? ORDER BY s.created, s.rowid`,
      ),
      streamAck: db.prepare('DELETE FROM stream_pushes WHERE username = ? AND device_id = ? AND message_id = ? RETURNING message_seq').pluck(),
      streamPurge: db.prepare('DELETE FROM stream_pushes WHERE created <= ?'),
    };
  }
  /** Queues Web Push deliveries of one stored message, due now. */
  enqueueMany(messageSeq: number, rows: readonly NewDelivery[], now: number): void {
    if (rows.length) this.s.insertMany.run(messageSeq, now, now, JSON.stringify(rows));
  }
  /** Rows whose time has come, oldest first. */
  due(now: number, limit: number): DeliveryRow[] {
    return this.s.due.all(now, limit) as DeliveryRow[];
  }
  /** The earliest due time after `now`, or null when nothing is waiting. */
  nextDueAfter(now: number): number | null {
    return (this.s.next.get(now) as number | null) ?? null;
  }
  done(id: number): void {
    this.s.done.run(id);
  }
  retry(id: number, attempts: number, due: number): void {
    this.s.retry.run(attempts, due, id);
  }
  count(): number {
    return this.s.count.get() as number;
  }
  streamPut(username: string, deviceId: string, messageId: string, messageSeq: number, payload: string, now: number): void {
    this.s.streamPut.run(username, deviceId, messageId, messageSeq, payload, now);
  }
  /** Keeps pushes of one message for stream devices that are not connected: [username, deviceId, badge, language]. */
  streamPutMany(messageId: string, messageSeq: number, rows: readonly NewDelivery[], now: number): void {
    if (rows.length) this.s.streamPutMany.run(messageId, messageSeq, now, JSON.stringify(rows));
  }
  /** Pushes the device has not acked, from the last 24 h, oldest first. */
  streamPending(username: string, deviceId: string, now: number): StreamPushRow[] {
    this.s.streamPurge.run(now - STREAM_KEEP_MS);
    return this.s.streamPending.all(username, deviceId, now - STREAM_KEEP_MS) as StreamPushRow[];
  }
  /** Removes an acked push; returns its message seq (the trace key), if it was pending. */
  streamAck(username: string, deviceId: string, messageId: string): number | undefined {
    return this.s.streamAck.get(username, deviceId, messageId) as number | undefined;
  }
}
