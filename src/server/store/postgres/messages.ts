/** Per-device backlogs and acknowledgements on PostgreSQL (messages are stored by commitMessage). */
import type pg from 'pg';
import type { ImMessage, MessagesPort } from '../ports.ts';

export class PgMessages implements MessagesPort {
  constructor(private readonly pool: pg.Pool) {}
  async adoptBacklog(username: string, resource: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO device_inbox (username, resource, seq) SELECT username, $2, seq FROM inbox WHERE username = $1 AND acked = 0
       ON CONFLICT DO NOTHING`,
      [username, resource],
    );
  }
  async backlog(username: string, resource: string): Promise<ImMessage[]> {
    const r = await this.pool.query<[string]>({
      text: 'SELECT m.json FROM device_inbox d JOIN messages m ON m.seq = d.seq WHERE d.username = $1 AND d.resource = $2 ORDER BY d.seq',
      values: [username, resource],
      rowMode: 'array',
    });
    return r.rows.map(([j]) => JSON.parse(j) as ImMessage);
  }
  /** One statement (so atomic): the device's row goes, the user's inbox row is marked acked. */
  async ack(username: string, resource: string, id: string): Promise<boolean> {
    const r = await this.pool.query(
      `WITH m AS (SELECT seq FROM messages WHERE id = $3),
         d AS (DELETE FROM device_inbox di USING m WHERE di.username = $1 AND di.resource = $2 AND di.seq = m.seq),
         i AS (UPDATE inbox SET acked = 1 FROM m WHERE inbox.username = $1 AND inbox.seq = m.seq)
       SELECT seq FROM m`,
      [username, resource, id],
    );
    return r.rowCount === 1;
  }
}
