/** Push bindings (device, certificate, token) and the devices a user has used, on PostgreSQL. No cache (several nodes write). */
import type pg from 'pg';
import type { BindingRef, BindingRow, BindingsPort, DeviceRow } from '../ports.ts';

export class PgBindings implements BindingsPort {
  /** The user's known devices, idle longest first (for the per-user bound on resources). */
  async devices(username: string): Promise<{ resource: string; last_seen: number }[]> {
    const r = await this.pool.query<{ resource: string; last_seen: number }>(
      'SELECT resource, last_seen FROM devices WHERE username = $1 ORDER BY last_seen, resource',
      [username],
    );
    return r.rows;
  }

  /**
   * Forgets a device, its pending inbox rows and its group cursors, in one statement (bindings
   * stay). What it acknowledged in its groups stays the user's (resource ''), for the next new device.
   */
  async dropDevice(username: string, resource: string): Promise<void> {
    await this.pool.query(
      `WITH keep AS (
         INSERT INTO group_cursors (username, resource, group_id, upto)
         SELECT username, '', group_id, upto FROM group_cursors WHERE username = $1 AND resource = $2
         ON CONFLICT (username, resource, group_id) DO UPDATE SET upto = GREATEST(group_cursors.upto, excluded.upto)),
         cursors AS (DELETE FROM group_cursors WHERE username = $1 AND resource = $2),
         acks AS (DELETE FROM group_acks WHERE username = $1 AND resource = $2),
         pending AS (DELETE FROM device_inbox WHERE username = $1 AND resource = $2)
       DELETE FROM devices WHERE username = $1 AND resource = $2`,
      [username, resource],
    );
  }

  constructor(private readonly pool: pg.Pool) {}
  async put(username: string, deviceId: string, notifier: string, token: string, now: number): Promise<void> {
    if (token === '') {
      await this.pool.query('DELETE FROM bindings WHERE username = $1 AND device_id = $2 AND notifier = $3', [username, deviceId, notifier]);
      return;
    }
    await this.pool.query(
      `INSERT INTO bindings (username, device_id, notifier, token, updated) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (username, device_id, notifier) DO UPDATE SET token = excluded.token, updated = excluded.updated`,
      [username, deviceId, notifier, token, now],
    );
  }
  async removeIfToken(username: string, deviceId: string, notifier: string, token: string): Promise<boolean> {
    const r = await this.pool.query('DELETE FROM bindings WHERE username = $1 AND device_id = $2 AND notifier = $3 AND token = $4', [
      username, deviceId, notifier, token,
    ]);
    return (r.rowCount ?? 0) > 0;
  }
  async of(username: string): Promise<BindingRow[]> {
    const r = await this.pool.query<BindingRow>(
      'SELECT username, device_id, notifier, token FROM bindings WHERE username = $1 ORDER BY device_id COLLATE "C", notifier COLLATE "C"',
      [username],
    );
    return r.rows;
  }
  async many(usernames: readonly string[]): Promise<Map<string, readonly BindingRef[]>> {
    const out = new Map<string, BindingRef[]>();
    if (usernames.length === 0) return out;
    const r = await this.pool.query<[string, string, string]>({
      text: 'SELECT username, device_id, notifier FROM bindings WHERE username IN (SELECT unnest($1::text[]))',
      values: [usernames],
      rowMode: 'array',
    });
    for (const [username, device_id, notifier] of r.rows) {
      const ref = { username, device_id, notifier };
      const list = out.get(username);
      if (list) list.push(ref);
      else out.set(username, [ref]);
    }
    return out;
  }
  async kickedMany(usernames: readonly string[]): Promise<DeviceRow[]> {
    if (usernames.length === 0) return [];
    const r = await this.pool.query<DeviceRow>('SELECT username, resource, kicked FROM devices WHERE kicked = 1 AND username IN (SELECT unnest($1::text[]))', [usernames]);
    return r.rows;
  }
  async isKnown(username: string, resource: string): Promise<boolean> {
    return (await this.pool.query('SELECT 1 FROM devices WHERE username = $1 AND resource = $2', [username, resource])).rowCount === 1;
  }
  async seen(username: string, resource: string, now: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO devices (username, resource, kicked, last_seen) VALUES ($1, $2, 0, $3)
       ON CONFLICT (username, resource) DO UPDATE SET kicked = 0, last_seen = excluded.last_seen`,
      [username, resource, now],
    );
  }
  async touch(username: string, resource: string, now: number): Promise<void> {
    await this.pool.query('UPDATE devices SET last_seen = $1 WHERE username = $2 AND resource = $3', [now, username, resource]);
  }
  async kick(username: string, resource: string, now: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO devices (username, resource, kicked, last_seen) VALUES ($1, $2, 1, $3)
       ON CONFLICT (username, resource) DO UPDATE SET kicked = 1`,
      [username, resource, now],
    );
  }
  /** Nothing is cached here. */
  invalidate(): void {}
}
