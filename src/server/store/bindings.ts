/** Push bindings (device, certificate, token) and the devices a user has used. */
import { BoundedCache } from './cache.ts';
import { type Db, parseRows } from './db.ts';
import type { BindingRef, BindingRow, BindingsPort, DeviceRow } from './ports.ts';

export type { BindingRef, BindingRow, DeviceRow };

/** Users whose binding list stays cached for fan-outs (a 10,000-member group fits several times). */
export const BINDINGS_CACHE_USERS = 50_000;
const NO_BINDINGS: readonly BindingRef[] = Object.freeze([]);


export class BindingsRepo implements BindingsPort {
  private readonly s;
  private readonly dropTx;
  /** Fan-out reads only: username → that user's bindings (empty when none). */
  private readonly cache = new BoundedCache<string, readonly BindingRef[]>(BINDINGS_CACHE_USERS);
  constructor(db: Db) {
    this.s = {
      put: db.prepare(
        `INSERT INTO bindings (username, device_id, notifier, token, updated) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(username, device_id, notifier) DO UPDATE SET token = excluded.token, updated = excluded.updated`,
      ),
      del: db.prepare('DELETE FROM bindings WHERE username = ? AND device_id = ? AND notifier = ?'),
      delToken: db.prepare('DELETE FROM bindings WHERE username = ? AND device_id = ? AND notifier = ? AND token = ?'),
      of: db.prepare('SELECT username, device_id, notifier, token FROM bindings WHERE username = ? ORDER BY device_id, notifier'),
      many: db.prepare(
        `SELECT json_group_array(json_array(b.username, b.device_id, b.notifier))
         FROM json_each(?) j CROSS JOIN bindings b ON b.username = j.value`,
      ).pluck(),
      kickedMany: db.prepare('SELECT d.username, d.resource, d.kicked FROM json_each(?) j CROSS JOIN devices d ON d.username = j.value WHERE d.kicked = 1'),
      kickedAll: db.prepare('SELECT username, resource, kicked FROM devices WHERE kicked = 1'),
      seen: db.prepare(
        `INSERT INTO devices (username, resource, kicked, last_seen) VALUES (?, ?, 0, ?)
         ON CONFLICT(username, resource) DO UPDATE SET kicked = 0, last_seen = excluded.last_seen RETURNING last_seen`,
      ),
      touch: db.prepare('UPDATE devices SET last_seen = ? WHERE username = ? AND resource = ?'),
      known: db.prepare('SELECT 1 FROM devices WHERE username = ? AND resource = ?'),
      kick: db.prepare(
        `INSERT INTO devices (username, resource, kicked, last_seen) VALUES (?, ?, 1, ?)
         ON CONFLICT(username, resource) DO UPDATE SET kicked = 1`,
      ),
      devices: db.prepare('SELECT resource, last_seen FROM devices WHERE username = ? ORDER BY last_seen, resource'),
      dropDevice: db.prepare('DELETE FROM devices WHERE username = ? AND resource = ?'),
      dropInbox: db.prepare('DELETE FROM device_inbox WHERE username = ? AND resource = ?'),
      // What the device acknowledged in its groups stays the user's (resource ''), for the next new device to adopt.
      keepCursors: db.prepare(
        `INSERT INTO group_cursors (username, resource, group_id, upto)
         SELECT username, '', group_id, upto FROM group_cursors WHERE username = ? AND resource = ?
         ON CONFLICT (username, resource, group_id) DO UPDATE SET upto = MAX(upto, excluded.upto)`,
      ),
      dropCursors: db.prepare('DELETE FROM group_cursors WHERE username = ? AND resource = ?'),
      dropAcks: db.prepare('DELETE FROM group_acks WHERE username = ? AND resource = ?'),
    };
    this.dropTx = db.transaction((username: string, resource: string) => {
      this.s.dropInbox.run(username, resource);
      this.s.keepCursors.run(username, resource);
      this.s.dropCursors.run(username, resource);
      this.s.dropAcks.run(username, resource);
      this.s.dropDevice.run(username, resource);
    });
  }
  /** The user's known devices, idle longest first. */
  devices(username: string): { resource: string; last_seen: number }[] {
    return this.s.devices.all(username) as { resource: string; last_seen: number }[];
  }
  /** Forgets a device, its pending inbox rows and its group cursors (kept as the user's). */
  dropDevice(username: string, resource: string): void {
    this.dropTx(username, resource);
  }
  /** Binds (or with an empty token, unbinds) a device to a certificate. */
  put(username: string, deviceId: string, notifier: string, token: string, now: number): void {
    this.cache.dropAround(username, () => {
      if (token === '') this.s.del.run(username, deviceId, notifier);
      else this.s.put.run(username, deviceId, notifier, token, now);
    });
  }
  /** Removes a binding only if it still has this token (a newer one may have replaced it). */
  removeIfToken(username: string, deviceId: string, notifier: string, token: string): boolean {
    return this.cache.dropAround(username, () => this.s.delToken.run(username, deviceId, notifier, token).changes > 0);
  }
  /** Drops a user's cached bindings. */
  invalidate(username: string): void {
    this.cache.delete(username);
  }
  of(username: string): BindingRow[] {
    return this.s.of.all(username) as BindingRow[];
  }
  /** Bindings (without tokens) of many users by username (users without any: no entry); cached, one query for the others. */
  many(usernames: readonly string[]): Map<string, readonly BindingRef[]> {
    const out = new Map<string, readonly BindingRef[]>();
    const missing: string[] = [];
    for (const u of usernames) {
      const c = this.cache.get(u);
      if (c === undefined) missing.push(u);
      else if (c.length) out.set(u, c);
    }
    if (missing.length === 0) return out;
    // Positional arrays: SQLite builds them faster than objects with repeated keys.
    const fresh = new Map<string, BindingRef[]>();
    for (const [username, device_id, notifier] of parseRows<[string, string, string]>(this.s.many.get(JSON.stringify(missing)))) {
      const ref = Object.freeze({ username, device_id, notifier });
      const list = fresh.get(username);
      if (!list) fresh.set(username, [ref]);
      // A name listed twice comes back twice: keep each binding once.
      else if (!list.some((b) => b.device_id === device_id && b.notifier === notifier)) list.push(ref);
    }
    for (const u of missing) {
      const list = fresh.get(u);
      if (list) {
        Object.freeze(list);
        out.set(u, list);
        this.cache.set(u, list);
      } else this.cache.set(u, NO_BINDINGS);
    }
    return out;
  }
  /** Kicked devices of many users (the only stored device state a decision needs; presence is live). */
  kickedMany(usernames: readonly string[]): DeviceRow[] {
    // Kicked devices are few: for a big group, reading them all (partial index) and filtering
    // here beats one lookup per member.
    if (usernames.length > 200) {
      const wanted = new Set(usernames);
      return (this.s.kickedAll.all() as DeviceRow[]).filter((d) => wanted.has(d.username));
    }
    return this.s.kickedMany.all(JSON.stringify(usernames)) as DeviceRow[];
  }
  isKnown(username: string, resource: string): boolean {
    return this.s.known.get(username, resource) !== undefined;
  }
  /** Records that a device authenticated: it is no longer kicked. */
  seen(username: string, resource: string, now: number): void {
    this.s.seen.get(username, resource, now);
  }
  /** Notes that a device was connected until now (kept out of the 30-day clean-up). */
  touch(username: string, resource: string, now: number): void {
    this.s.touch.run(now, username, resource);
  }
  /** Marks a device kicked: no push until it authenticates again. */
  kick(username: string, resource: string, now: number): void {
    this.s.kick.run(username, resource, now);
  }
}
