/**
 * The Easemob-compatible wire format (SPEC 2–3): SDK arguments → REST requests, stored settings
 * ↔ response data, and the success and error envelopes.
 */
import { checkClockTime, formatEntryInterval, formatInterval, parseInterval, windowFromClock } from './interval.ts';
import { parseLanguage } from './language.ts';
import {
  type AppSettings, type ConversationRef, type ConversationSettings, type ConversationType, type Day, MAX_DURATION_MS,
  MAX_SKIP_AHEAD_MS, type RemindType, type ScheduleEntry, scopeOf,
} from './model.ts';
import { fail, fieldError, type Result } from './result.ts';
import * as s from './schema.ts';
import { parseTimeZone } from './time-zone.ts';
import {
  checkBodySchema, conversationTypeSchema, durationSchema, keywordsSchema, MAX_BATCH_CONVERSATIONS, parseWith,
  prioritySendersSchema, quietScheduleSchema, remindTypeSchema, summarySchema, WINDOW_FOR_CONVERSATION,
} from './validate.ts';

// ---- app key and paths ---------------------------------------------------------------------

export interface AppKey {
  readonly org: string;
  readonly app: string;
}

const KEY_PART = /^[a-zA-Z0-9_-]{1,64}$/;

/** Parses `org#app`. */
export function parseAppKey(value: unknown, field = 'appKey'): Result<AppKey> {
  const allowed = 'an app key "org#app" (letters, digits, "_" and "-")';
  if (typeof value !== 'string') return fail(field, value, allowed);
  const [org, app, ...rest] = value.split('#');
  if (rest.length > 0 || !org || !app || !KEY_PART.test(org) || !KEY_PART.test(app)) return fail(field, value, allowed);
  return { ok: true, value: { org, app } };
}

/** A REST call relative to `/{org}/{app}`. */
export interface RestRequest {
  readonly method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string>>;
  readonly body?: unknown;
  /** Safe to retry on a timeout or network error. */
  readonly idempotent: boolean;
}

const seg = encodeURIComponent;

/** `user/{id}` or `chatgroup/{id}` for a conversation. */
export function conversationPath(type: ConversationType, id: string): string {
  return `${scopeOf(type)}/${seg(id)}`;
}

// ---- SDK arguments (SPEC 2) ----------------------------------------------------------------------

const CONVERSATION_ID_TEXT = 'a conversation id of 1–128 characters';
const conversationIdSchema = s.string(CONVERSATION_ID_TEXT, s.minLength(1, CONVERSATION_ID_TEXT), s.maxLength(128, CONVERSATION_ID_TEXT));

function obj(value: unknown, field: string): Result<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail(field, value, 'an object');
  return { ok: true, value: value as Record<string, unknown> };
}

function conversationArgs(params: unknown): Result<{ conversationId: string; type: ConversationType }> {
  const p = obj(params, 'params');
  if (!p.ok) return p;
  const id = parseWith(conversationIdSchema, p.value.conversationId, 'conversationId');
  if (!id.ok) return id;
  const type = parseWith(conversationTypeSchema, p.value.type, 'type');
  if (!type.ok) return type;
  return { ok: true, value: { conversationId: id.value, type: type.value } };
}

/** The REST body of an SDK `options` object; `scope` app allows the daily window. */
export function optionsToBody(options: unknown, scope: 'app' | 'conversation'): Result<Record<string, unknown>> {
  const o = obj(options, 'options');
  if (!o.ok) return o;
  const pt = o.value.paramType;
  if (pt === 0) {
    const r = parseWith(remindTypeSchema, o.value.remindType, 'options.remindType');
    return r.ok ? { ok: true, value: { type: r.value } } : r;
  }
  if (pt === 1) {
    const r = parseWith(durationSchema, o.value.duration, 'options.duration');
    return r.ok ? { ok: true, value: { ignoreDuration: r.value } } : r;
  }
  if (pt === 2) {
    if (scope === 'conversation') return fail('options.paramType', pt, WINDOW_FOR_CONVERSATION);
    const start = checkClockTime('options.startTime', o.value.startTime);
    if (!start.ok) return start;
    const end = checkClockTime('options.endTime', o.value.endTime);
    if (!end.ok) return end;
    const body: Record<string, unknown> = { ignoreInterval: formatInterval(windowFromClock(start.value, end.value)) || '0:0-0:0' };
    if (o.value.timeZone !== undefined) {
      const tz = parseTimeZone(o.value.timeZone, 'options.timeZone');
      if (!tz.ok) return tz;
      body.timeZone = tz.value;
    }
    return { ok: true, value: body };
  }
  const allowedTypes = scope === 'app' ? '0 (remind type), 1 (duration) or 2 (daily window)' : '0 (remind type) or 1 (duration)';
  return fail('options.paramType', pt, allowedTypes);
}

function settingsPath(user: string, scopePath: string): string {
  return `/users/${seg(user)}/notification/${scopePath}`;
}

const RULE_FIELDS = ['quietSchedule', 'prioritySenders', 'keywords', 'summary'] as const;

/** The REST body of `setPushRules` (SPEC 1.7, 2): each given rule, validated and normalised. */
export function pushRulesToBody(params: unknown): Result<Record<string, unknown>> {
  const p = obj(params, 'params');
  if (!p.ok) return p;
  const unknownKey = Object.keys(p.value).find((k) => !(RULE_FIELDS as readonly string[]).includes(k));
  if (unknownKey !== undefined) {
    const hint = unknownKey === 'windowSkipUntil' ? ' (skip the quiet hours once with skipQuietHoursOnce({until}))' : '';
    return fail(unknownKey, p.value[unknownKey], `unknown field; allowed fields are ${RULE_FIELDS.join(', ')}${hint}`);
  }
  const body: Record<string, unknown> = {};
  const { quietSchedule, prioritySenders, keywords, summary } = p.value;
  if (quietSchedule !== undefined) {
    const r = parseWith(quietScheduleSchema, quietSchedule, 'quietSchedule');
    if (!r.ok) return r;
    body.quietSchedule = scheduleToWire(r.value);
  }
  if (prioritySenders !== undefined) {
    const r = parseWith(prioritySendersSchema, prioritySenders, 'prioritySenders');
    if (!r.ok) return r;
    body.prioritySenders = r.value;
  }
  if (keywords !== undefined) {
    const r = parseWith(keywordsSchema, keywords, 'keywords');
    if (!r.ok) return r;
    body.keywords = r.value;
  }
  if (summary !== undefined) {
    const r = parseWith(summarySchema, summary, 'summary');
    if (!r.ok) return r;
    body.summary = r.value;
  }
  if (Object.keys(body).length === 0) return fail('params', params, `at least one of ${RULE_FIELDS.join(', ')}`);
  return { ok: true, value: body };
}

/** Builds each SDK method's REST call for signed-in `user`, validating every argument first. */
export const sdkRequests = {
  setSilentModeForAll(user: string, params: unknown): Result<RestRequest> {
    const p = obj(params, 'params');
    if (!p.ok) return p;
    const body = optionsToBody(p.value.options, 'app');
    if (!body.ok) return body;
    return { ok: true, value: { method: 'PUT', path: settingsPath(user, `user/${seg(user)}`), body: body.value, idempotent: true } };
  },
  getSilentModeForAll(user: string): Result<RestRequest> {
    return { ok: true, value: { method: 'GET', path: settingsPath(user, `user/${seg(user)}`), idempotent: true } };
  },
  setSilentModeForConversation(user: string, params: unknown): Result<RestRequest> {
    const c = conversationArgs(params);
    if (!c.ok) return c;
    const body = optionsToBody((params as Record<string, unknown>).options, 'conversation');
    if (!body.ok) return body;
    return { ok: true, value: { method: 'PUT', path: settingsPath(user, conversationPath(c.value.type, c.value.conversationId)), body: body.value, idempotent: true } };
  },
  getSilentModeForConversation(user: string, params: unknown): Result<RestRequest> {
    const c = conversationArgs(params);
    if (!c.ok) return c;
    return { ok: true, value: { method: 'GET', path: settingsPath(user, conversationPath(c.value.type, c.value.conversationId)), idempotent: true } };
  },
  getSilentModeForConversations(user: string, params: unknown): Result<RestRequest> {
    const p = obj(params, 'params');
    if (!p.ok) return p;
    const list = p.value.conversationList;
    if (!Array.isArray(list) || list.length === 0) return fail('conversationList', list, `an array of 1 to ${MAX_BATCH_CONVERSATIONS} {id, type}`);
    if (list.length > MAX_BATCH_CONVERSATIONS)
      return fail('conversationList', `${list.length} conversations`, `at most ${MAX_BATCH_CONVERSATIONS} conversations per call`);
    const users: string[] = [];
    const groups: string[] = [];
    for (const [i, item] of list.entries()) {
      const it = obj(item, `conversationList[${i}]`);
      if (!it.ok) return it;
      const id = parseWith(conversationIdSchema, it.value.id, `conversationList[${i}].id`);
      if (!id.ok) return id;
      const type = parseWith(conversationTypeSchema, it.value.type, `conversationList[${i}].type`);
      if (!type.ok) return type;
      (type.value === 'singleChat' ? users : groups).push(id.value);
    }
    const query: Record<string, string> = {};
    if (users.length) query.user = users.join(',');
    if (groups.length) query.group = groups.join(',');
    return { ok: true, value: { method: 'GET', path: `/users/${seg(user)}/notification`, query, idempotent: true } };
  },
  clearRemindTypeForConversation(user: string, params: unknown): Result<RestRequest> {
    const c = conversationArgs(params);
    if (!c.ok) return c;
    return { ok: true, value: { method: 'PUT', path: settingsPath(user, conversationPath(c.value.type, c.value.conversationId)), body: { type: 'DEFAULT' }, idempotent: true } };
  },
  setPushPerformLanguage(user: string, params: unknown): Result<RestRequest> {
    const p = obj(params, 'params');
    if (!p.ok) return p;
    const lang = parseLanguage(p.value.language, 'language');
    if (!lang.ok) return lang;
    return { ok: true, value: { method: 'PUT', path: `/users/${seg(user)}/notification/language`, body: { translationLanguage: lang.value }, idempotent: true } };
  },
  getPushPerformLanguage(user: string): Result<RestRequest> {
    return { ok: true, value: { method: 'GET', path: `/users/${seg(user)}/notification/language`, idempotent: true } };
  },
  uploadPushToken(user: string, params: unknown): Result<RestRequest> {
    const p = obj(params, 'params');
    if (!p.ok) return p;
    const { deviceId, deviceToken, notifierName } = p.value;
    if (typeof deviceId !== 'string' || deviceId.length < 1 || deviceId.length > 64) return fail('deviceId', deviceId, 'the device resource, 1–64 characters');
    if (typeof deviceToken !== 'string' || deviceToken.length > 4096) return fail('deviceToken', deviceToken, 'a string up to 4096 characters; "" unbinds');
    if (typeof notifierName !== 'string' || notifierName.length < 1 || notifierName.length > 64)
      return fail('notifierName', notifierName, 'the name of a push certificate of the app, 1–64 characters');
    return {
      ok: true,
      value: { method: 'PUT', path: `/users/${seg(user)}`, body: { device_id: deviceId, device_token: deviceToken, notifier_name: notifierName }, idempotent: true },
    };
  },
  setPushRules(user: string, params: unknown): Result<RestRequest> {
    const body = pushRulesToBody(params);
    if (!body.ok) return body;
    return { ok: true, value: { method: 'PUT', path: settingsPath(user, `user/${seg(user)}`), body: body.value, idempotent: true } };
  },
  /** `{until}`: skip the daily window and the schedule until then (at most 24 h ahead); 0 stops skipping. */
  skipQuietHoursOnce(user: string, params: unknown, now: number): Result<RestRequest> {
    const p = obj(params, 'params');
    if (!p.ok) return p;
    const until = p.value.until;
    const allowedText = `0 to stop skipping, or an instant in ms since epoch after now and at most 24 hours ahead (${now} < until <= ${now + MAX_SKIP_AHEAD_MS})`;
    if (typeof until !== 'number' || !Number.isInteger(until) || (until !== 0 && (until <= now || until > now + MAX_SKIP_AHEAD_MS)))
      return fail('until', until, allowedText);
    return { ok: true, value: { method: 'PUT', path: settingsPath(user, `user/${seg(user)}`), body: { windowSkipUntil: until }, idempotent: true } };
  },
  getPushTrace(user: string, params: unknown): Result<RestRequest> {
    const p = obj(params ?? {}, 'params');
    if (!p.ok) return p;
    const limit = p.value.limit;
    if (limit !== undefined && (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 100))
      return fail('limit', limit, 'an integer from 1 to 100 (default 20)');
    return { ok: true, value: { method: 'GET', path: `/users/${seg(user)}/notification/trace`, ...(limit !== undefined ? { query: { limit: String(limit) } } : {}), idempotent: true } };
  },
  checkPush(user: string, params: unknown): Result<RestRequest> {
    const p = obj(params, 'params');
    if (!p.ok) return p;
    // The server's own schema for this body, so client and server refuse the same things.
    const body = parseWith(checkBodySchema, p.value);
    if (!body.ok) return body;
    return { ok: true, value: { method: 'POST', path: `/users/${seg(user)}/notification/check`, body: body.value, idempotent: true } };
  },
  getSilentModeRemindTypeConversations(user: string, params: unknown): Result<RestRequest> {
    const p = obj(params ?? {}, 'params');
    if (!p.ok) return p;
    const size = p.value.pageSize ?? 10;
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > 100) return fail('pageSize', size, 'an integer from 1 to 100');
    const cursor = p.value.cursor;
    if (cursor !== undefined && typeof cursor !== 'string') return fail('cursor', cursor, 'the cursor string of the previous page');
    const query: Record<string, string> = { limit: String(size) };
    if (cursor) query.cursor = cursor;
    return { ok: true, value: { method: 'GET', path: `/users/${seg(user)}/notification/mute/type`, query, idempotent: true } };
  },
} as const;

export type SdkMethod = keyof typeof sdkRequests;

// ---- settings on the wire -------------------------------------------------------------------------

export interface ScheduleEntryWire {
  days: Day[];
  /** `H:M-H:M`; start = end runs 24 hours. */
  interval: string;
}

export interface AppSettingsWire {
  type: RemindType;
  ignoreInterval: string;
  ignoreDuration: number;
  timeZone: string;
  quietSchedule: ScheduleEntryWire[];
  /** 0 when not skipping (or the skip has passed). */
  windowSkipUntil: number;
  prioritySenders: string[];
  keywords: string[];
  summary: boolean;
}

/** A schedule in its wire form. */
export function scheduleToWire(entries: readonly ScheduleEntry[]): ScheduleEntryWire[] {
  return entries.map((e) => ({ days: [...e.days], interval: formatEntryInterval(e.interval) }));
}

export interface ConversationSettingsWire {
  type?: RemindType;
  ignoreDuration: number;
}

/** GET app settings data; an expired duration reads as 0. */
export function appSettingsToWire(s: AppSettings, now: number): AppSettingsWire {
  return {
    type: s.type,
    ignoreInterval: formatInterval(s.window),
    ignoreDuration: s.durationUntil > now ? s.durationUntil : 0,
    timeZone: s.timeZone,
    quietSchedule: scheduleToWire(s.quietSchedule ?? []),
    windowSkipUntil: s.windowSkipUntil !== undefined && s.windowSkipUntil > now ? s.windowSkipUntil : 0,
    prioritySenders: [...(s.prioritySenders ?? [])],
    keywords: [...(s.keywords ?? [])],
    summary: s.summary ?? false,
  };
}

/** GET conversation settings data: `type` absent when inherited. */
export function conversationSettingsToWire(s: ConversationSettings, now: number): ConversationSettingsWire {
  const out: ConversationSettingsWire = { ignoreDuration: s.durationUntil > now ? s.durationUntil : 0 };
  if (s.type) out.type = s.type;
  return out;
}

/** Does a conversation setting say anything at `now` (else it is left out of batch reads)? */
export function conversationSettingsMatter(s: ConversationSettings, now: number): boolean {
  return s.type !== undefined || s.durationUntil > now;
}

const DAY_MS = 86_400_000;

/** An expiry or instant as stored: a whole number of ms, not negative. */
const instantSchema = s.number(undefined, s.int(), s.min(0));

const appWireSchema = s.object({
  type: remindTypeSchema,
  ignoreInterval: s.optional(s.string()),
  ignoreDuration: s.optional(instantSchema),
  timeZone: s.optional(s.string()),
});

/** A 1.7 field read back: its value when valid, else the default (a reference server sends none). */
function orDefault<T>(schema: s.Schema<T>, value: unknown, fallback: T): T {
  if (value === undefined) return fallback;
  const r = s.parse(schema, value);
  return r.ok ? r.value : fallback;
}

/** Clock difference between the server that wrote an expiry and the reader that checks it. */
const EXPIRY_SLACK_MS = DAY_MS;
/** Dates end at 8.64e15 ms; quiet-hours math needs a few days beyond an expiry. */
const LAST_EXPIRY = 8.64e15 - 8 * DAY_MS;

/**
 * An expiry read back must be one a duration could have produced: at most 7 days (plus clock
 * slack) after `now`, or, without a clock, a representable date. A far one would keep someone
 * quiet for ever (#12).
 */
function checkExpiry(value: number | undefined, now: number | undefined, field: string): Result<number> {
  const until = value ?? 0;
  const max = now === undefined ? LAST_EXPIRY : now + MAX_DURATION_MS + EXPIRY_SLACK_MS;
  if (until > max) return fail(field, until, `an expiry at most 7 days (${MAX_DURATION_MS} ms) after now, or 0`);
  return { ok: true, value: until };
}

/** A skip-once instant read back: one no write could have set (past a day ahead, or past the last date) reads as 0. */
function skipFromWire(value: unknown, now: number | undefined): number {
  const skip = orDefault(instantSchema, value, 0);
  const max = now === undefined ? LAST_EXPIRY : now + MAX_SKIP_AHEAD_MS + EXPIRY_SLACK_MS;
  return skip > max ? 0 : skip;
}

/**
 * Reads app settings data back (the extension's cache, stored data); unknown zones fall back,
 * and a 1.7 field that is missing or invalid reads as its default. Pass `now` to refuse
 * expiries no duration could have set.
 */
export function appSettingsFromWire(data: unknown, fallbackZone = 'UTC', now?: number): Result<AppSettings> {
  const r = parseWith(appWireSchema, data, 'data');
  if (!r.ok) return r;
  const until = checkExpiry(r.value.ignoreDuration, now, 'data.ignoreDuration');
  if (!until.ok) return until;
  const w = parseInterval(r.value.ignoreInterval ?? '', 'data.ignoreInterval');
  if (!w.ok) return w;
  const tz = parseTimeZone(r.value.timeZone ?? fallbackZone, 'data.timeZone');
  const d = data as Record<string, unknown>;
  return {
    ok: true,
    value: {
      type: r.value.type,
      window: w.value,
      durationUntil: until.value,
      timeZone: tz.ok ? tz.value : fallbackZone,
      quietSchedule: orDefault(quietScheduleSchema, d.quietSchedule, []),
      windowSkipUntil: skipFromWire(d.windowSkipUntil, now),
      prioritySenders: orDefault(prioritySendersSchema, d.prioritySenders, []),
      keywords: orDefault(keywordsSchema, d.keywords, []),
      summary: orDefault(summarySchema, d.summary, false),
    },
  };
}

const convWireSchema = s.object({ type: s.optional(remindTypeSchema), ignoreDuration: s.optional(instantSchema) });

/** Reads one conversation's settings data back; pass `now` to refuse expiries no duration could have set. */
export function conversationSettingsFromWire(data: unknown, now?: number): Result<ConversationSettings> {
  const r = parseWith(convWireSchema, data, 'data');
  if (!r.ok) return r;
  const until = checkExpiry(r.value.ignoreDuration, now, 'data.ignoreDuration');
  if (!until.ok) return until;
  return { ok: true, value: { ...(r.value.type ? { type: r.value.type } : {}), durationUntil: until.value } };
}

/** A conversation reference from the wire scope and id (`user` → singleChat, `chatgroup` → groupChat). */
export function conversationFromScope(scope: 'user' | 'chatgroup', id: string, isRoom = false): ConversationRef {
  return { id, type: scope === 'user' ? 'singleChat' : isRoom ? 'chatRoom' : 'groupChat' };
}

// ---- envelopes ------------------------------------------------------------------------------------

export interface SuccessEnvelope<T> {
  path: string;
  uri: string;
  timestamp: number;
  organization: string;
  application: string;
  action: string;
  data?: T;
  entities?: unknown[];
  cursor?: string;
  duration: number;
  applicationName: string;
}

export interface ErrorEnvelope {
  error: string;
  exception: string;
  timestamp: number;
  duration: number;
  error_description: string;
}

/** Wraps response data the way Easemob does. */
export function successEnvelope<T>(args: {
  key: AppKey;
  action: string;
  path: string;
  uri: string;
  now: number;
  duration: number;
  data?: T;
  entities?: unknown[];
  cursor?: string;
  application?: string;
}): SuccessEnvelope<T> {
  const env: SuccessEnvelope<T> = {
    path: args.path,
    uri: args.uri,
    timestamp: args.now,
    organization: args.key.org,
    application: args.application ?? args.key.app,
    action: args.action,
    duration: args.duration,
    applicationName: args.key.app,
  };
  if (args.entities) env.entities = args.entities;
  else env.data = args.data;
  if (args.cursor !== undefined) env.cursor = args.cursor;
  return env;
}

/** Builds the error envelope. `error` is snake_case (`illegal_argument`, ...). */
export function errorEnvelope(error: string, description: string, now: number, duration = 0, exception?: string): ErrorEnvelope {
  return {
    error,
    exception: exception ?? `im.push.companion.${error.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())}Exception`,
    timestamp: now,
    duration,
    error_description: description,
  };
}

/** Is this value an error envelope? */
export function isErrorEnvelope(value: unknown): value is ErrorEnvelope {
  return typeof value === 'object' && value !== null && typeof (value as ErrorEnvelope).error === 'string' && typeof (value as ErrorEnvelope).error_description === 'string';
}

/** Merges several field errors into one `illegal_argument` description. */
export function describeFieldErrors(errors: readonly { message: string }[]): string {
  return errors.map((e) => e.message).join('; ');
}

export { fieldError };
