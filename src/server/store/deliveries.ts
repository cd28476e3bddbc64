/** The durable push queue (Web Push rows with retry state and claims) and the stream channel's pending pushes. */
import type { Db } from './db.ts';
import { type DeliveriesPort, type DeliveryRow, type NewDelivery, STREAM_KEEP_MS, type StreamPushRow } from './ports.ts';

export { STREAM_KEEP_MS };
export type { DeliveryRow, NewDelivery, StreamPushRow };


export class DeliveriesRepo implements DeliveriesPort {
  private readonly s;
  constructor(db: Db, webpushCert: string) {
    this.s = {
      // One statement for the whole batch: a 10,000-member group costs one call, not thousands.
      insertMany: db.prepare(
        `INSERT INTO deliveries (username, device_id, message_seq, badge, language, due, created)
         SELECT j.value->>0, j.value->>1, ?, j.value->>2, j.value->>3, ?, ? FROM json_each(?) j`,
      ),
      // One process works the SQLite queue, so claiming is a plain UPDATE ... RETURNING; the lease
      // still matters: rows claimed when the process died are claimable at the next start.
      claim: db.prepare(
        `UPDATE deliveries SET claimed_by = ?1, claimed_until = ?2 + ?4 WHERE id IN (
           SELECT id FROM deliveries WHERE due <= ?2 AND (claimed_until IS NULL OR claimed_until < ?2) ORDER BY due, id LIMIT ?3)
         RETURNING id`,
      ).pluck(),
      rowsOf: db.prepare(
        `SELECT d.id, d.message_seq, d.username, d.device_id, d.badge, d.language, d.attempts, d.due, m.json AS message,
           (SELECT b.token FROM bindings b WHERE b.username = d.username AND b.device_id = d.device_id AND b.notifier = '${webpushCert.replace(/'/g, "''")}') AS token
         FROM deliveries d JOIN messages m ON m.seq = d.message_seq WHERE d.id IN (SELECT value FROM json_each(?)) ORDER BY d.due, d.id`,
      ),
      next: db.prepare('SELECT MIN(due) FROM deliveries WHERE due > ?1 AND (claimed_until IS NULL OR claimed_until < ?1)').pluck(),
      done: db.prepare('DELETE FROM deliveries WHERE id = ?'),
      retry: db.prepare('UPDATE deliveries SET attempts = ?, due = ?, claimed_by = NULL, claimed_until = NULL WHERE id = ?'),
      release: db.prepare('UPDATE deliveries SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = ?'),
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
    };
  }
  /** Queues Web Push deliveries of one stored message, due now (inside the caller's transaction). */
  enqueueMany(messageSeq: number, rows: readonly NewDelivery[], now: number): void {
    if (rows.length) this.s.insertMany.run(messageSeq, now, now, JSON.stringify(rows));
  }
  claim(node: string, now: number, limit: number, leaseMs: number): DeliveryRow[] {
    const ids = this.s.claim.all({ 1: node, 2: now, 3: limit, 4: leaseMs }) as number[];
    return ids.length ? (this.s.rowsOf.all(JSON.stringify(ids)) as DeliveryRow[]) : [];
  }
  release(node: string): number {
    return this.s.release.run(node).changes;
  }
  /** The earliest due time after `now`, or null when nothing is waiting. */
  nextDueAfter(now: number): number | null {
    return (this.s.next.get({ 1: now }) as number | null) ?? null;
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
  /** Keeps pushes of one message for stream devices: [username, deviceId, badge, language]. */
  streamPutMany(messageId: string, messageSeq: number, rows: readonly NewDelivery[], now: number): void {
    if (rows.length) this.s.streamPutMany.run(messageId, messageSeq, now, JSON.stringify(rows));
  }
  /** Pushes the device has not acked, from the last 24 h, oldest first. */
  streamPending(username: string, deviceId: string, now: number): StreamPushRow[] {
    // Older rows are filtered here and deleted by the hourly housekeeping: deleting them on every
    // stream connect was a write per connect (B7).
    return this.s.streamPending.all(username, deviceId, now - STREAM_KEEP_MS) as StreamPushRow[];
  }
  /** Removes an acked push; returns its message seq (the trace key), if it was pending. */
  streamAck(username: string, deviceId: string, messageId: string): number | undefined {
    return this.s.streamAck.get(username, deviceId, messageId) as number | undefined;
  }
}
