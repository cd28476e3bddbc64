/** App-level and per-conversation push settings, read one at a time or in batches for a group. */
import { type AppSettings, type AppSettingsPatch, applyAppSettingsPatch, type ConversationSettings, type ConversationSettingsPatch, type RemindType, type WireScope } from '../../core/index.ts';
import { appSettingsOf, defaultAppSettings, rulesToColumn } from './app-settings-row.ts';
import { BoundedCache } from './cache.ts';
import { type Db, parseRows } from './db.ts';
import type { SettingsPort } from './ports.ts';
import { conversationSettingsFromRow } from './stored-checks.ts';

/** Users whose app settings stay cached (a 10,000-member group fits several times). */
export const APP_CACHE_USERS = 50_000;
/** Conversations whose settings stay cached for big fan-outs (each holds only its users with a row). */
export const CONV_CACHE_CONVERSATIONS = 32;

interface AppRow {
  username: string;
  type: RemindType;
  window_start: number | null;
  window_end: number | null;
  duration_until: number;
  time_zone: string;
  rules: string;
}

interface ConvRow {
  username: string;
  scope: WireScope;
  conv_id: string;
  type: RemindType | null;
  duration_until: number;
}

function appFromRow(r: AppRow | undefined, defaultZone: string): AppSettings {
  if (!r) return defaultAppSettings(defaultZone);
  return appSettingsOf(r, defaultZone);
}

function convFromRow(r: ConvRow): ConversationSettings {
  return conversationSettingsFromRow(r);
}

export class SettingsRepo implements SettingsPort {
  private readonly s;
  /** username → settings, or null for "no row" (defaults apply). */
  private readonly appCache = new BoundedCache<string, AppSettings | null>(APP_CACHE_USERS);
  /** Fan-out reads only: "scope\u001fid" → every stored row of that conversation, by username. */
  private readonly convCache = new BoundedCache<string, ReadonlyMap<string, ConversationSettings>>(CONV_CACHE_CONVERSATIONS);
  constructor(private readonly db: Db, private readonly defaultZone: string) {
    this.s = {
      app: db.prepare('SELECT * FROM app_settings WHERE username = ?'),
      appMany: db.prepare(
        `SELECT json_group_array(json_array(a.username, a.type, a.window_start, a.window_end, a.duration_until, a.time_zone, a.rules))
         FROM json_each(?) j CROSS JOIN app_settings a ON a.username = j.value`,
      ).pluck(),
      putApp: db.prepare(
        `INSERT INTO app_settings (username, type, window_start, window_end, duration_until, time_zone, rules) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(username) DO UPDATE SET type = excluded.type, window_start = excluded.window_start,
         window_end = excluded.window_end, duration_until = excluded.duration_until, time_zone = excluded.time_zone, rules = excluded.rules`,
      ),
      conv: db.prepare('SELECT * FROM conv_settings WHERE username = ? AND scope = ? AND conv_id = ?'),
      convMany: db.prepare(
        'SELECT c.* FROM json_each(?) j CROSS JOIN conv_settings c ON c.username = j.value AND c.scope = ? AND c.conv_id = ?',
      ),
      convAll: db.prepare(
        `SELECT json_group_array(json_object('username', username, 'scope', scope, 'conv_id', conv_id, 'type', type, 'duration_until', duration_until))
         FROM conv_settings WHERE scope = ? AND conv_id = ?`,
      ).pluck(),
      convOfUser: db.prepare('SELECT * FROM conv_settings WHERE username = ? AND scope = ? AND conv_id IN (SELECT value FROM json_each(?))'),
      putConv: db.prepare(
        `INSERT INTO conv_settings (username, scope, conv_id, type, duration_until, updated) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(username, scope, conv_id) DO UPDATE SET type = excluded.type, duration_until = excluded.duration_until, updated = excluded.updated`,
      ),
      convCount: db.prepare('SELECT count(*) FROM conv_settings WHERE username = ?').pluck(),
      delConv: db.prepare('DELETE FROM conv_settings WHERE username = ? AND scope = ? AND conv_id = ?'),
      typed: db.prepare(
        `SELECT * FROM conv_settings WHERE username = ? AND type IS NOT NULL AND (scope || char(31) || conv_id) > ?
         ORDER BY scope || char(31) || conv_id LIMIT ?`,
      ),
    };
  }

  /**
   * One user's settings, through the same cache as the fan-out's batched reads: this engine is
   * the only writer, and every write drops the entry, so a GET after a PUT reads the new row.
   * Not kept when read inside a transaction: that may be a write of its own not committed yet.
   */
  app(username: string): AppSettings {
    const c = this.appCache.get(username);
    if (c !== undefined) return c ?? defaultAppSettings(this.defaultZone);
    const row = this.row(username);
    const settings = row ? Object.freeze(appFromRow(row, this.defaultZone)) : null;
    if (!this.db.inTransaction) this.appCache.set(username, settings);
    return settings ?? defaultAppSettings(this.defaultZone);
  }

  /** The stored row, read past the cache. */
  private row(username: string): AppRow | undefined {
    return this.s.app.get(username) as AppRow | undefined;
  }

  /** App settings of many users (only those with a row: the others get the defaults); cached. */
  appMany(usernames: readonly string[]): Map<string, AppSettings> {
    const out = new Map<string, AppSettings>();
    const missing: string[] = [];
    for (const u of usernames) {
      const c = this.appCache.get(u);
      if (c === undefined) missing.push(u);
      else if (c !== null) out.set(u, c);
    }
    if (missing.length === 0) return out;
    // Positional arrays: SQLite builds them faster than objects with repeated keys.
    const rows = parseRows<[string, AppRow['type'], number | null, number | null, number, string, string]>(this.s.appMany.get(JSON.stringify(missing)));
    for (const [username, type, window_start, window_end, duration_until, time_zone, rules] of rows) {
      const settings = Object.freeze(appFromRow({ username, type, window_start, window_end, duration_until, time_zone, rules }, this.defaultZone));
      out.set(username, settings);
      this.appCache.set(username, settings);
    }
    for (const u of missing) if (!out.has(u)) this.appCache.set(u, null);
    return out;
  }

  /** Applies a validated patch at `now` and returns the new settings. */
  patchApp(username: string, patch: AppSettingsPatch, now: number): AppSettings {
    // The patch rule lives in core (the extension's outbox applies the same one).
    // Patched from the row itself, never the cache: another handle on the file may have written it.
    const row = this.row(username);
    const next = applyAppSettingsPatch(appFromRow(row, this.defaultZone), patch, now);
    // '' stays '' (the server's default zone applies) until a zone is chosen.
    const zone = patch.timeZone ?? row?.time_zone ?? '';
    this.appCache.dropAround(username, () =>
      this.s.putApp.run(username, next.type, next.window?.start ?? null, next.window?.end ?? null, next.durationUntil, zone, rulesToColumn(next)));
    // Read back as stored, without filling the cache: the next reader fills it.
    return appFromRow(this.row(username), this.defaultZone);
  }

  conversation(username: string, scope: WireScope, id: string): ConversationSettings {
    const r = this.s.conv.get(username, scope, id) as ConvRow | undefined;
    return r ? convFromRow(r) : { durationUntil: 0 };
  }

  /** One conversation's settings for many users (a group's members), one query. */
  conversationMany(scope: WireScope, id: string, usernames: readonly string[]): Map<string, ConversationSettings> {
    // For many recipients (a group), reading the conversation's settings through its index and
    // filtering here beats one lookup per recipient.
    if (usernames.length > 200) {
      const key = `${scope}\u001f${id}`;
      let all = this.convCache.get(key);
      if (!all) {
        all = new Map(parseRows<ConvRow>(this.s.convAll.get(scope, id)).map((r) => [r.username, Object.freeze(convFromRow(r))]));
        this.convCache.set(key, all);
      }
      const out = new Map<string, ConversationSettings>();
      for (const u of usernames) {
        const c = all.get(u);
        if (c) out.set(u, c);
      }
      return out;
    }
    const rows = this.s.convMany.all(JSON.stringify(usernames), scope, id) as ConvRow[];
    return new Map(rows.map((r) => [r.username, convFromRow(r)]));
  }

  /** Many conversations of one user. */
  conversationsOf(username: string, scope: WireScope, ids: readonly string[]): Map<string, ConversationSettings> {
    // One id (every settings write checks its own row first): the primary key, without json_each.
    if (ids.length === 1) {
      const r = this.s.conv.get(username, scope, ids[0]) as ConvRow | undefined;
      return r ? new Map([[r.conv_id, convFromRow(r)]]) : new Map();
    }
    const rows = this.s.convOfUser.all(username, scope, JSON.stringify(ids)) as ConvRow[];
    return new Map(rows.map((r) => [r.conv_id, convFromRow(r)]));
  }

  /** Applies a validated patch; a conversation left with nothing set is removed. */
  patchConversation(username: string, scope: WireScope, id: string, patch: ConversationSettingsPatch, now: number): ConversationSettings {
    const cur = this.conversation(username, scope, id);
    const type = patch.type === undefined ? cur.type ?? null : patch.type;
    const until = patch.durationMs !== undefined ? (patch.durationMs === 0 ? 0 : now + patch.durationMs) : cur.durationUntil;
    const removed = type === null && until <= now;
    this.convCache.dropAround(`${scope}\u001f${id}`, () => {
      if (removed) this.s.delConv.run(username, scope, id);
      else this.s.putConv.run(username, scope, id, type, until, now);
    });
    // What was just written, read the way a stored row is (no second query: nothing else writes
    // between the two statements of this synchronous method).
    return removed ? { durationUntil: 0 } : convFromRow({ username, scope, conv_id: id, type, duration_until: until });
  }

  conversationCount(username: string): number {
    return this.s.convCount.get(username) as number;
  }

  /** Drops cached rows another node changed (the embedded engine is the only writer, but the contract is shared). */
  invalidate(what: { user?: string; conversation?: { scope: WireScope; id: string } }): void {
    if (what.user !== undefined) this.appCache.delete(what.user);
    if (what.conversation) this.convCache.delete(`${what.conversation.scope}\u001f${what.conversation.id}`);
  }

  /** Conversations with their own remind type, a page at a time (cursor = last key). */
  remindTypePage(username: string, limit: number, cursor: string): { items: { scope: WireScope; id: string; type: RemindType }[]; cursor: string } {
    const rows = this.s.typed.all(username, cursor, limit + 1) as ConvRow[];
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const next = rows.length > limit && last ? `${last.scope}\u001f${last.conv_id}` : '';
    // A row whose type is unreadable inherits (see conversationSettingsFromRow): it is left out.
    const items = page.flatMap((r) => {
      const type = convFromRow(r).type;
      return type ? [{ scope: r.scope, id: r.conv_id, type }] : [];
    });
    return { items, cursor: next };
  }
}

/** Encodes the remind-type page cursor so it is opaque and URL-safe. */
export function encodeCursor(raw: string): string {
  return raw === '' ? '' : Buffer.from(raw).toString('base64url');
}
export function decodeCursor(cursor: string): string | undefined {
  if (cursor === '') return '';
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  const raw = Buffer.from(cursor, 'base64url').toString();
  return /^(user|chatgroup)\u001f.+$/.test(raw) ? raw : undefined;
}
