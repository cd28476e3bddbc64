/**
 * App-level and per-conversation push settings on PostgreSQL. No in-process cache: several nodes
 * write the same rows. Patches are read-modify-write under a row lock, so concurrent patches from
 * different nodes never lose each other's fields.
 */
import type pg from 'pg';
import { type AppSettings, type AppSettingsPatch, applyAppSettingsPatch, type ConversationSettings, type ConversationSettingsPatch, type RemindType, type WireScope } from '../../../core/index.ts';
import { appSettingsOf, defaultAppSettings, rulesToColumn } from '../app-settings-row.ts';
import { conversationSettingsFromRow } from '../stored-checks.ts';
import type { SettingsPort } from '../ports.ts';
import { tx } from './pool.ts';

type AppTuple = [string, RemindType, number | null, number | null, number, string, string];
const APP_COLS = 'username, type, window_start, window_end, duration_until, time_zone, rules';

function appFrom(r: AppTuple | undefined, defaultZone: string): AppSettings {
  if (!r) return defaultAppSettings(defaultZone);
  const [username, type, window_start, window_end, duration_until, time_zone, rules] = r;
  return appSettingsOf({ username, type, window_start, window_end, duration_until, time_zone, rules }, defaultZone);
}

type ConvTuple = [string, RemindType | null, number];

function convFrom([username, type, duration_until]: ConvTuple): ConversationSettings {
  // Each bad field reads as its default, with a warning (as on SQLite).
  return conversationSettingsFromRow({ username, scope: '', conv_id: '', type, duration_until });
}

/** The remind-type page key: ordered byte-wise (COLLATE "C"), as SQLite's BINARY does. */
const KEY = `(scope || chr(31) || conv_id) COLLATE "C"`;

export class PgSettings implements SettingsPort {
  constructor(private readonly pool: pg.Pool, private readonly defaultZone: string) {}

  async app(username: string): Promise<AppSettings> {
    const r = await this.pool.query<AppTuple>({ text: `SELECT ${APP_COLS} FROM app_settings WHERE username = $1`, values: [username], rowMode: 'array' });
    return appFrom(r.rows[0], this.defaultZone);
  }

  async appMany(usernames: readonly string[]): Promise<Map<string, AppSettings>> {
    if (usernames.length === 0) return new Map();
    const r = await this.pool.query<AppTuple>({
      text: `SELECT ${APP_COLS} FROM app_settings WHERE username IN (SELECT unnest($1::text[]))`,
      values: [usernames],
      rowMode: 'array',
    });
    return new Map(r.rows.map((row) => [row[0], appFrom(row, this.defaultZone)]));
  }

  patchApp(username: string, patch: AppSettingsPatch, now: number): Promise<AppSettings> {
    return tx(this.pool, async (c) => {
      // A default row first, so there is a row to lock even for a user's first patch.
      await c.query(
        `INSERT INTO app_settings (username, type, window_start, window_end, duration_until, time_zone) VALUES ($1, 'ALL', NULL, NULL, 0, '')
         ON CONFLICT (username) DO NOTHING`,
        [username],
      );
      const r = await c.query<AppTuple>({ text: `SELECT ${APP_COLS} FROM app_settings WHERE username = $1 FOR UPDATE`, values: [username], rowMode: 'array' });
      const row = r.rows[0]!;
      // The patch rule lives in core (the extension's outbox applies the same one).
      const next = applyAppSettingsPatch(appFrom(row, this.defaultZone), patch, now);
      const zone = patch.timeZone ?? row[5];
      const w = await c.query<AppTuple>({
        text: `UPDATE app_settings SET type = $2, window_start = $3, window_end = $4, duration_until = $5, time_zone = $6, rules = $7
               WHERE username = $1 RETURNING ${APP_COLS}`,
        values: [username, next.type, next.window?.start ?? null, next.window?.end ?? null, next.durationUntil, zone, rulesToColumn(next)],
        rowMode: 'array',
      });
      return appFrom(w.rows[0], this.defaultZone);
    });
  }

  /** How many conversation settings the user has (both scopes), for the per-user bound. */
  async conversationCount(username: string): Promise<number> {
    const r = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM conv_settings WHERE username = $1', [username]);
    return r.rows[0]?.n ?? 0;
  }

  async conversation(username: string, scope: WireScope, id: string): Promise<ConversationSettings> {
    const r = await this.pool.query<ConvTuple>({
      text: 'SELECT username, type, duration_until FROM conv_settings WHERE username = $1 AND scope = $2 AND conv_id = $3',
      values: [username, scope, id],
      rowMode: 'array',
    });
    return r.rows[0] ? convFrom(r.rows[0]) : { durationUntil: 0 };
  }

  async conversationMany(scope: WireScope, id: string, usernames: readonly string[]): Promise<Map<string, ConversationSettings>> {
    if (usernames.length === 0) return new Map();
    const r = await this.pool.query<ConvTuple>({
      text: 'SELECT username, type, duration_until FROM conv_settings WHERE scope = $1 AND conv_id = $2 AND username IN (SELECT unnest($3::text[]))',
      values: [scope, id, usernames],
      rowMode: 'array',
    });
    return new Map(r.rows.map((row) => [row[0], convFrom(row)]));
  }

  async conversationsOf(username: string, scope: WireScope, ids: readonly string[]): Promise<Map<string, ConversationSettings>> {
    if (ids.length === 0) return new Map();
    const r = await this.pool.query<ConvTuple>({
      text: 'SELECT conv_id, type, duration_until FROM conv_settings WHERE username = $1 AND scope = $2 AND conv_id IN (SELECT unnest($3::text[]))',
      values: [username, scope, ids],
      rowMode: 'array',
    });
    return new Map(r.rows.map((row) => [row[0], convFrom(row)]));
  }

  patchConversation(username: string, scope: WireScope, id: string, patch: ConversationSettingsPatch, now: number): Promise<ConversationSettings> {
    return tx(this.pool, async (c) => {
      // An empty row first (removed again below if the patch leaves nothing set), so there is a row to lock.
      await c.query(
        `INSERT INTO conv_settings (username, scope, conv_id, type, duration_until, updated) VALUES ($1, $2, $3, NULL, 0, $4)
         ON CONFLICT (username, scope, conv_id) DO NOTHING`,
        [username, scope, id, now],
      );
      const r = await c.query<ConvTuple>({
        text: 'SELECT username, type, duration_until FROM conv_settings WHERE username = $1 AND scope = $2 AND conv_id = $3 FOR UPDATE',
        values: [username, scope, id],
        rowMode: 'array',
      });
      const cur = convFrom(r.rows[0]!);
      const type = patch.type === undefined ? cur.type ?? null : patch.type;
      const until = patch.durationMs !== undefined ? (patch.durationMs === 0 ? 0 : now + patch.durationMs) : cur.durationUntil;
      if (type === null && until <= now) {
        await c.query('DELETE FROM conv_settings WHERE username = $1 AND scope = $2 AND conv_id = $3', [username, scope, id]);
        return { durationUntil: 0 };
      }
      await c.query('UPDATE conv_settings SET type = $4, duration_until = $5, updated = $6 WHERE username = $1 AND scope = $2 AND conv_id = $3', [
        username, scope, id, type, until, now,
      ]);
      return type ? { type, durationUntil: until } : { durationUntil: until };
    });
  }

  async remindTypePage(username: string, limit: number, cursor: string): Promise<{ items: { scope: WireScope; id: string; type: RemindType }[]; cursor: string }> {
    const r = await this.pool.query<[WireScope, string, RemindType]>({
      text: `SELECT scope, conv_id, type FROM conv_settings WHERE username = $1 AND type IS NOT NULL AND ${KEY} > $2
             ORDER BY ${KEY} LIMIT $3`,
      values: [username, cursor, limit + 1],
      rowMode: 'array',
    });
    const page = r.rows.slice(0, limit);
    const last = page[page.length - 1];
    const next = r.rows.length > limit && last ? `${last[0]}\u001f${last[1]}` : '';
    return { items: page.map(([scope, id, type]) => ({ scope, id, type })), cursor: next };
  }

  /** Nothing is cached here. */
  invalidate(): void {}
}
