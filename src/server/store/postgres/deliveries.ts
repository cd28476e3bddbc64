/**
 * The durable push queue on PostgreSQL: rows are claimed under a lease with FOR UPDATE SKIP
 * LOCKED (so nodes never take the same row, and a dead node's rows come back when its lease runs
 * out), plus the stream channel's pending pushes.
 */
import type pg from 'pg';
import { type DeliveriesPort, type DeliveryRow, STREAM_KEEP_MS, type StreamPushRow } from '../ports.ts';

export class PgDeliveries implements DeliveriesPort {
  constructor(private readonly pool: pg.Pool, private readonly webpushCert: string) {}

  async claim(node: string, now: number, limit: number, leaseMs: number): Promise<DeliveryRow[]> {
    const r = await this.pool.query<DeliveryRow>(
      `WITH c AS (
         UPDATE deliveries SET claimed_by = $1, claimed_until = $2::bigint + $4::bigint
         WHERE id IN (
           SELECT id FROM deliveries WHERE due <= $2 AND (claimed_until IS NULL OR claimed_until < $2)
           ORDER BY due, id LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id, message_seq, username, device_id, badge, language, attempts, due)
       SELECT c.id, c.message_seq, c.username, c.device_id, c.badge, c.language, c.attempts, c.due, m.json AS message, b.token
       FROM c JOIN messages m ON m.seq = c.message_seq
       LEFT JOIN bindings b ON b.username = c.username AND b.device_id = c.device_id AND b.notifier = $5
       ORDER BY c.due, c.id`,
      [node, now, limit, leaseMs, this.webpushCert],
    );
    return r.rows;
  }
  async nextDueAfter(now: number): Promise<number | null> {
    const r = await this.pool.query<{ m: number | null }>(
      'SELECT MIN(due) AS m FROM deliveries WHERE due > $1 AND (claimed_until IS NULL OR claimed_until < $1)',
      [now],
    );
    return r.rows[0]?.m ?? null;
  }
  async done(id: number): Promise<void> {
    await this.pool.query('DELETE FROM deliveries WHERE id = $1', [id]);
  }
  async retry(id: number, attempts: number, due: number): Promise<void> {
    await this.pool.query('UPDATE deliveries SET attempts = $2, due = $3, claimed_by = NULL, claimed_until = NULL WHERE id = $1', [id, attempts, due]);
  }
  async release(node: string): Promise<number> {
    const r = await this.pool.query('UPDATE deliveries SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by = $1', [node]);
    return r.rowCount ?? 0;
  }
  async count(): Promise<number> {
    return (await this.pool.query<{ n: number }>('SELECT COUNT(*) AS n FROM deliveries')).rows[0]!.n;
  }
  /** Replaces any earlier push of the same message to the device (badge and language back to their defaults, like SQLite's INSERT OR REPLACE). */
  async streamPut(username: string, deviceId: string, messageId: string, messageSeq: number, payload: string, now: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO stream_pushes (username, device_id, message_id, message_seq, payload, created) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (username, device_id, message_id) DO UPDATE SET message_seq = excluded.message_seq, payload = excluded.payload,
         badge = 0, language = '', created = excluded.created, ord = DEFAULT`,
      [username, deviceId, messageId, messageSeq, payload, now],
    );
  }
  async streamPending(username: string, deviceId: string, now: number): Promise<StreamPushRow[]> {
    // Older rows are left to the hourly housekeeping (a DELETE per stream connect was a round trip and a write each).
    const r = await this.pool.query<StreamPushRow>(
      `SELECT s.message_id, s.message_seq, s.payload, s.badge, s.language, m.json AS message
       FROM stream_pushes s LEFT JOIN messages m ON m.seq = s.message_seq AND s.payload IS NULL
       WHERE s.username = $1 AND s.device_id = $2 AND s.created > $3 ORDER BY s.created, s.ord`,
      [username, deviceId, now - STREAM_KEEP_MS],
    );
    return r.rows;
  }
  async streamAck(username: string, deviceId: string, messageId: string): Promise<number | undefined> {
    const r = await this.pool.query<{ message_seq: number }>(
      'DELETE FROM stream_pushes WHERE username = $1 AND device_id = $2 AND message_id = $3 RETURNING message_seq',
      [username, deviceId, messageId],
    );
    return r.rows[0]?.message_seq;
  }
}
