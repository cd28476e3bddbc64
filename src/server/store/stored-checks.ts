/**
 * Stored data is checked when read back (SPEC 7, #9): a hand-edited or half-migrated database
 * must not crash a request or send garbage to a push service. App-wide rows (meta) are checked at
 * start and refuse it with a sentence naming the table and key; a settings row with a bad field
 * gets the default for that field and a warning (never a 500). Shared by both engines.
 */
import { z } from 'zod';
import {
  type AppSettings, base64UrlByteLength, type ConversationSettings, isTimeZone, MINUTES_PER_DAY, PUSH_POLICIES, REMIND_TYPES, type RemindType,
} from '../../core/index.ts';

/** A stored row that cannot be used; `main` prints its message as is. */
export class StoredDataError extends Error {
  override readonly name = 'StoredDataError';
}

const b64url = (bytes: number, what: string) =>
  z.string({ error: `must be a string: ${what}` }).refine((v) => base64UrlByteLength(v) === bytes, { error: `must be ${what}` });

export const storedVapidSchema = z.object({
  publicKey: b64url(65, 'a base64url P-256 public key (65 bytes)'),
  privateKey: b64url(32, 'a base64url P-256 private key (32 bytes)'),
});

export const storedCertificatesSchema = z
  .array(
    z.object({
      name: z.string({ error: 'must be a string of 1–64 letters, digits, "_", "." or "-"' }).regex(/^[A-Za-z0-9_.-]{1,64}$/, { error: 'must be a string of 1–64 letters, digits, "_", "." or "-"' }),
      type: z.enum(['webpush', 'stream'], { error: 'must be "webpush" or "stream"' }),
    }),
    { error: 'must be a list of {"name", "type"}' },
  )
  .min(1, { error: 'must list at least one certificate' });

const policySchema = z.enum(PUSH_POLICIES, { error: `must be ${PUSH_POLICIES.map((p) => `"${p}"`).join(' or ')}` });
const advancedSchema = z.enum(['true', 'false'], { error: 'must be "true" or "false"' });

function pathText(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
}

/** The value of meta row `key` checked with `schema` (`json`: parsed first), or a StoredDataError naming table, key and field. */
export function checkedMeta<S extends z.ZodType>(key: string, text: string, schema: S, json = true): z.output<S> {
  let value: unknown = text;
  if (json) {
    try {
      value = JSON.parse(text);
    } catch {
      throw new StoredDataError(`meta.${key}: is not valid JSON (${JSON.stringify(text.slice(0, 40))}); restore it from a backup or delete the row to have it created again`);
    }
  }
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const where = pathText(issue.path);
  throw new StoredDataError(`meta.${key}: ${where ? `${where} ` : ''}${issue.message}; restore it from a backup or delete the row to have it created again`);
}

/** The stored push policy (undefined when never set), checked. */
export const checkedPolicy = (text: string | undefined) => (text === undefined ? undefined : checkedMeta('policy', text, policySchema, false));
/** The stored advanced switch (undefined when never set), checked. */
export const checkedAdvanced = (text: string | undefined) => (text === undefined ? undefined : checkedMeta('advanced', text, advancedSchema, false) === 'true');

// ---------------------------------------------------------------------------------------------
// Settings rows

/** Told about each bad field once per row and field (a hot row must not flood the log). */
let warn: (message: string) => void = (m) => process.emitWarning(m, { code: 'IMPC_STORED_DATA' });
const warned = new Set<string>();
/** Replaces where the warnings go (the app's logger). */
export function onStoredDataWarning(fn: (message: string) => void): void {
  warn = fn;
}
function bad(table: string, key: string, field: string, value: unknown, used: string): void {
  const id = `${table}\u001f${key}\u001f${field}`;
  if (warned.has(id)) return;
  if (warned.size > 10_000) warned.clear();
  warned.add(id);
  warn(`${table} ${key}: ${field} ${JSON.stringify(value)} is not valid; using ${used} instead`);
}

const isRemindType = (v: unknown): v is RemindType => (REMIND_TYPES as readonly unknown[]).includes(v);
const isMinute = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < MINUTES_PER_DAY;
const isTime = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

export interface StoredAppRow {
  username: string;
  type: unknown;
  window_start: unknown;
  window_end: unknown;
  duration_until: unknown;
  time_zone: unknown;
}

/** App settings from a stored row, each bad field replaced by its default. */
export function appSettingsFromRow(r: StoredAppRow, defaultZone: string): AppSettings {
  const key = `"${r.username}"`;
  let type: RemindType = 'ALL';
  if (isRemindType(r.type)) type = r.type;
  else bad('app_settings', key, 'type', r.type, '"ALL"');
  let window: AppSettings['window'] = null;
  if (isMinute(r.window_start) && isMinute(r.window_end)) window = { start: r.window_start, end: r.window_end };
  else if (r.window_start !== null || r.window_end !== null) bad('app_settings', key, 'window', [r.window_start, r.window_end], 'no window');
  let durationUntil = 0;
  if (isTime(r.duration_until)) durationUntil = r.duration_until;
  else bad('app_settings', key, 'duration_until', r.duration_until, '0');
  // '' = never chosen: the server's --default-time-zone applies.
  let timeZone = defaultZone;
  if (typeof r.time_zone === 'string' && r.time_zone !== '' && isTimeZone(r.time_zone)) timeZone = r.time_zone;
  else if (r.time_zone !== '') bad('app_settings', key, 'time_zone', r.time_zone, `"${defaultZone}"`);
  return { type, window, durationUntil, timeZone };
}

export interface StoredConvRow {
  username: string;
  scope: unknown;
  conv_id: unknown;
  type: unknown;
  duration_until: unknown;
}

/** Conversation settings from a stored row, each bad field replaced by its default (inherit, no duration). */
export function conversationSettingsFromRow(r: StoredConvRow): ConversationSettings {
  const key = `"${r.username}" ${String(r.scope)}/${String(r.conv_id)}`;
  let durationUntil = 0;
  if (isTime(r.duration_until)) durationUntil = r.duration_until;
  else bad('conv_settings', key, 'duration_until', r.duration_until, '0');
  if (r.type === null || r.type === undefined) return { durationUntil };
  if (isRemindType(r.type)) return { type: r.type, durationUntil };
  bad('conv_settings', key, 'type', r.type, 'the app-level type');
  return { durationUntil };
}
