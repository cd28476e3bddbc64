/**
 * Every input of SPEC 2 and 3, checked with core's schema kit and reported as FieldErrors that
 * name the field, the value and what is allowed. Schemas say what is allowed; `parseWith` says the rest.
 */
import { checkDuration } from './duration.ts';
import { parseEntryInterval, parseInterval } from './interval.ts';
import { parseLanguage } from './language.ts';
import {
  type AppSettings, CONVERSATION_TYPES, type ConversationType, type DailyWindow, DAYS, MAX_KEYWORD_CHARS, MAX_KEYWORDS,
  MAX_PRIORITY_SENDERS, MAX_SCHEDULE_ENTRIES, MAX_SKIP_AHEAD_MS, MESSAGE_TYPES, type MessageType, PUSH_POLICIES,
  type PushPolicy, REMIND_TYPES, type RemindType, type ScheduleEntry, type Translation,
} from './model.ts';
import { fieldError, type FieldError, type Result } from './result.ts';
import * as s from './schema.ts';
import { parseTimeZone } from './time-zone.ts';

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function joinPath(prefix: string, path: readonly PropertyKey[]): string {
  const parts = path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p)));
  const text = parts.reduce((acc, p) => (p.startsWith('[') || acc === '' ? acc + p : `${acc}.${p}`), '');
  if (!prefix) return text || '(body)';
  if (!text) return prefix;
  return text.startsWith('[') ? prefix + text : `${prefix}.${text}`;
}

/** Runs a schema and turns its issues into FieldErrors. `prefix` names the root ("options"). */
export function parseWith<T>(schema: s.Schema<T>, input: unknown, prefix = ''): Result<T> {
  // No id, name or text anywhere takes a NUL character: refused here, for every entry point, so it
  // never reaches a store (PostgreSQL cannot hold one in text).
  const nul = nulPath(input, [], 0);
  if (nul) return { ok: false, errors: [fieldError(joinPath(prefix, nul), valueAt(input, nul), 'text without NUL characters (U+0000)')] };
  const r = s.parse(schema, input);
  if (r.ok) return r;
  const errors: FieldError[] = [];
  for (const issue of r.issues) {
    for (const path of issue.keys ? issue.keys.map((key) => [...issue.path, key]) : [issue.path]) {
      errors.push(fieldError(joinPath(prefix, path), valueAt(input, path), issue.message));
    }
  }
  return { ok: false, errors };
}

/** The path of the first string (or key) holding U+0000, or undefined. Depth is bounded by the callers' 64-level JSON limit; past 100 it stops looking. */
function nulPath(v: unknown, path: (string | number)[], depth: number): (string | number)[] | undefined {
  if (typeof v === 'string') return v.includes('\u0000') ? path : undefined;
  if (v === null || typeof v !== 'object' || depth > 100) return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = nulPath(v[i], [...path, i], depth + 1);
      if (p) return p;
    }
    return undefined;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k.includes('\u0000')) return [...path, k];
    const p = nulPath(x, [...path, k], depth + 1);
    if (p) return p;
  }
  return undefined;
}

/** A schema that is a core Result check, keeping core's wording. */
/* @__NO_SIDE_EFFECTS__ */
function viaResult<T>(check: (v: unknown) => Result<T>): s.Schema<T> {
  return s.transform(s.unknown(), (v, fail) => {
    const r = check(v);
    if (r.ok) return r.value;
    for (const e of r.errors) fail(e.allowed);
    return undefined as T;
  });
}

/** An object with exactly these fields: an unknown one is named with the list of allowed ones. */
/* @__NO_SIDE_EFFECTS__ */
const strict = <S extends { readonly [key: string]: s.Schema<unknown> }>(shape: S, fields: string, ...checks: s.Check[]) =>
  s.object(shape, (code) => (code === 'unrecognized_keys' ? `unknown field; allowed fields are ${fields}` : 'a JSON object'), true, ...checks);

/** A string of `min`–`max` characters, one message for all three rules. */
/* @__NO_SIDE_EFFECTS__ */
const sized = (min: number, max: number, text: string) => s.string(text, ...(min > 0 ? [s.minLength(min, text)] : []), s.maxLength(max, text));

export const remindTypeSchema = s.enumOf(REMIND_TYPES, 'one of "ALL", "AT", "NONE"');
export const conversationTypeSchema = s.enumOf(CONVERSATION_TYPES, 'one of "singleChat", "groupChat", "chatRoom"');
/** Whole milliseconds from 0 to 7 days (core's `checkDuration`). */
export const durationSchema = viaResult((v) => checkDuration(v, ''));
export const intervalSchema = viaResult<DailyWindow | null>((v) => parseInterval(v, ''));
export const timeZoneSchema = viaResult<string>((v) => parseTimeZone(v, ''));
export const languageSchema = viaResult<string>((v) => parseLanguage(v, ''));
const USERNAME_TEXT = '1–64 characters of a-z, A-Z, 0-9, "_", "." and "-"';
export const usernameSchema = s.transform(s.string(USERNAME_TEXT, s.regex(/^[a-zA-Z0-9_.-]{1,64}$/, USERNAME_TEXT)), (v) => v.toLowerCase());
const idSchema = sized(1, 128, 'an id of 1–128 characters');

// ---- SPEC 1.7 rules ------------------------------------------------------------------------------

const DAYS_TEXT = `one of ${DAYS.map((d) => `"${d}"`).join(', ')}`;
const DAY_LIST_TEXT = 'an array of 1–7 different days, each "mon", "tue", "wed", "thu", "fri", "sat" or "sun"';

export const dayListSchema = s.array(
  s.enumOf(DAYS, DAYS_TEXT),
  DAY_LIST_TEXT,
  s.minLength(1, DAY_LIST_TEXT),
  s.maxLength(7, DAY_LIST_TEXT),
  s.superRefine<string[]>((days, add) => {
    const seen = new Set<string>();
    days.forEach((d, i) => {
      if (seen.has(d)) add('repeated; each day at most once', [i]);
      seen.add(d);
    });
  }),
);

export const scheduleEntrySchema = strict(
  {
    days: dayListSchema,
    interval: viaResult<DailyWindow>((v) => parseEntryInterval(v, '')),
  },
  'days, interval',
);

const SCHEDULE_TEXT = `an array of at most ${MAX_SCHEDULE_ENTRIES} entries {"days": [...], "interval": "H:M-H:M"}; [] clears`;
export const quietScheduleSchema = s.transform(
  s.array(scheduleEntrySchema, SCHEDULE_TEXT, s.maxLength(MAX_SCHEDULE_ENTRIES, `at most ${MAX_SCHEDULE_ENTRIES} entries; merge days that share an interval`)),
  (entries): ScheduleEntry[] => entries.map((e) => ({ days: e.days, interval: e.interval })),
);

const SENDERS_TEXT = `an array of at most ${MAX_PRIORITY_SENDERS} usernames; [] clears`;
export const prioritySendersSchema = s.transform(
  s.array(usernameSchema, SENDERS_TEXT, s.maxLength(MAX_PRIORITY_SENDERS, `at most ${MAX_PRIORITY_SENDERS} usernames`)),
  (names) => [...new Set(names)],
);

const KEYWORD_TEXT = `a word or phrase of 1–${MAX_KEYWORD_CHARS} characters (spaces around it are trimmed)`;
export const keywordSchema = s.transform(
  s.string(KEYWORD_TEXT),
  (v) => v.trim().normalize('NFC'),
  s.refine<string>((v) => v.length > 0 && Array.from(v).length <= MAX_KEYWORD_CHARS, KEYWORD_TEXT),
);

export const keywordsSchema = s.transform(
  s.array(keywordSchema, `an array of at most ${MAX_KEYWORDS} words or phrases; [] clears`, s.maxLength(MAX_KEYWORDS, `at most ${MAX_KEYWORDS} keywords`)),
  (words) => {
    // Duplicates ignoring case dropped; the first spelling is kept.
    const seen = new Set<string>();
    return words.filter((w) => {
      const key = w.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  },
);

const SKIP_TEXT = 'an instant in ms since epoch at most 24 hours ahead, or 0 to clear';
export const windowSkipUntilSchema = s.number(SKIP_TEXT, s.int(SKIP_TEXT), s.min(0, SKIP_TEXT));

export const summarySchema = s.boolean('true or false');

/** Checks `windowSkipUntil` against `now`: at most 24 h ahead; a past instant clears (0). */
export function checkSkipUntil(value: number, now: number, field = 'windowSkipUntil'): Result<number> {
  if (value === 0 || value <= now) return { ok: true, value: 0 };
  if (value > now + MAX_SKIP_AHEAD_MS)
    return { ok: false, errors: [fieldError(field, value, `at most 24 hours ahead (no later than ${now + MAX_SKIP_AHEAD_MS}), or 0 to clear`)] };
  return { ok: true, value };
}

// ---- SPEC 3.2 app-level settings -------------------------------------------------------------

export interface AppSettingsPatch {
  type?: RemindType;
  /** Duration to start now; 0 clears. */
  durationMs?: number;
  /** New window; null turns it off. */
  window?: DailyWindow | null;
  timeZone?: string;
  /** Each of these replaces the whole value; [] / 0 / false clears (SPEC 1.7). */
  quietSchedule?: ScheduleEntry[];
  /** Absolute instant (ms); 0 clears. Checked against `now` when parseAppSettingsBody is given one. */
  windowSkipUntil?: number;
  prioritySenders?: string[];
  keywords?: string[];
  summary?: boolean;
}

const APP_FIELDS = 'type, ignoreDuration, ignoreInterval, timeZone, quietSchedule, windowSkipUntil, prioritySenders, keywords, summary';

const appSettingsBody = strict(
  {
    type: s.optional(
      viaResult<RemindType>((v) =>
        v === 'DEFAULT'
          ? { ok: false, errors: [fieldError('', v, '"DEFAULT" applies to a conversation only; the app level takes "ALL", "AT" or "NONE"')] }
          : parseWith(remindTypeSchema, v),
      ),
    ),
    ignoreDuration: s.optional(durationSchema),
    ignoreInterval: s.optional(intervalSchema),
    timeZone: s.optional(timeZoneSchema),
    quietSchedule: s.optional(quietScheduleSchema),
    windowSkipUntil: s.optional(windowSkipUntilSchema),
    prioritySenders: s.optional(prioritySendersSchema),
    keywords: s.optional(keywordsSchema),
    summary: s.optional(summarySchema),
  },
  APP_FIELDS,
  s.refine((b: object) => Object.keys(b).length > 0, `at least one of ${APP_FIELDS}`),
);

/**
 * PUT .../notification/user/{me} body. Pass `now` so `windowSkipUntil` is checked (at most 24 h
 * ahead) and a past value is stored as 0; without it only its type is checked.
 */
export function parseAppSettingsBody(body: unknown, now?: number): Result<AppSettingsPatch> {
  const r = parseWith(appSettingsBody, body);
  if (!r.ok) return r;
  const b = r.value;
  const patch: AppSettingsPatch = {};
  if (b.type !== undefined) patch.type = b.type;
  if (b.ignoreDuration !== undefined) patch.durationMs = b.ignoreDuration;
  if ('ignoreInterval' in b && b.ignoreInterval !== undefined) patch.window = b.ignoreInterval;
  if (b.timeZone !== undefined) patch.timeZone = b.timeZone;
  if (b.quietSchedule !== undefined) patch.quietSchedule = b.quietSchedule;
  if (b.windowSkipUntil !== undefined) {
    if (now === undefined) patch.windowSkipUntil = b.windowSkipUntil;
    else {
      const skip = checkSkipUntil(b.windowSkipUntil, now);
      if (!skip.ok) return skip;
      patch.windowSkipUntil = skip.value;
    }
  }
  if (b.prioritySenders !== undefined) patch.prioritySenders = b.prioritySenders;
  if (b.keywords !== undefined) patch.keywords = b.keywords;
  if (b.summary !== undefined) patch.summary = b.summary;
  return { ok: true, value: patch };
}

/** Applies a validated patch at `now` (a duration starts now); the result is a new object. */
export function applyAppSettingsPatch(app: AppSettings, patch: AppSettingsPatch, now: number): AppSettings {
  return {
    ...app,
    ...(patch.type !== undefined ? { type: patch.type } : {}),
    ...(patch.window !== undefined ? { window: patch.window } : {}),
    ...(patch.durationMs !== undefined ? { durationUntil: patch.durationMs === 0 ? 0 : now + patch.durationMs } : {}),
    ...(patch.timeZone !== undefined ? { timeZone: patch.timeZone } : {}),
    ...(patch.quietSchedule !== undefined ? { quietSchedule: patch.quietSchedule } : {}),
    ...(patch.windowSkipUntil !== undefined ? { windowSkipUntil: patch.windowSkipUntil } : {}),
    ...(patch.prioritySenders !== undefined ? { prioritySenders: patch.prioritySenders } : {}),
    ...(patch.keywords !== undefined ? { keywords: patch.keywords } : {}),
    ...(patch.summary !== undefined ? { summary: patch.summary } : {}),
  };
}

// ---- SPEC 3.3 conversation settings ---------------------------------------------------------

export interface ConversationSettingsPatch {
  /** null = DEFAULT: clear, inherit the app's. */
  type?: RemindType | null;
  durationMs?: number;
}

export const WINDOW_FOR_CONVERSATION =
  'a daily window applies to the whole app; use a duration (ignoreDuration) for one conversation';

const conversationSettingsBody = strict(
  {
    type: s.optional(s.enumOf([...REMIND_TYPES, 'DEFAULT'], 'one of "ALL", "AT", "NONE", or "DEFAULT" to follow the app setting')),
    ignoreDuration: s.optional(durationSchema),
    ignoreInterval: s.optional(s.unknown(s.refine(() => false, WINDOW_FOR_CONVERSATION))),
  },
  'type, ignoreDuration',
  s.refine((b: object) => Object.keys(b).length > 0, 'at least one of type, ignoreDuration'),
);

/** PUT .../notification/{user|chatgroup}/{id} body. */
export function parseConversationSettingsBody(body: unknown): Result<ConversationSettingsPatch> {
  const r = parseWith(conversationSettingsBody, body);
  if (!r.ok) return r;
  const patch: ConversationSettingsPatch = {};
  if (r.value.type !== undefined) patch.type = r.value.type === 'DEFAULT' ? null : r.value.type;
  if (r.value.ignoreDuration !== undefined) patch.durationMs = r.value.ignoreDuration;
  return { ok: true, value: patch };
}

// ---- SPEC 3.4 language -----------------------------------------------------------------------

export const languageBodySchema = strict({ translationLanguage: languageSchema }, 'translationLanguage');

// ---- SPEC 3.5 bindings -----------------------------------------------------------------------

export const bindingBodySchema = strict(
  {
    device_id: sized(1, 64, 'the device resource, 1–64 characters'),
    device_token: sized(0, 4096, 'a string up to 4096 characters; "" unbinds'),
    notifier_name: sized(1, 64, 'the name of a push certificate of the app, 1–64 characters'),
  },
  'device_id, device_token, notifier_name',
);
export type BindingBody = s.Infer<typeof bindingBodySchema>;

// ---- SPEC 3.1 accounts -----------------------------------------------------------------------

const ttlSchema = s.optional(s.number(
  'seconds, an integer from 60 to 31536000',
  s.int('an integer'),
  s.min(60, 'at least 60 seconds'),
  s.max(31_536_000, 'at most 31536000 seconds (a year)'),
));

export const tokenBodySchema = s.discriminatedUnion(
  'grant_type',
  [
    strict(
      {
        grant_type: s.literal('password'),
        username: usernameSchema,
        password: s.string('the password, a string', s.minLength(1, 'the password, a non-empty string'), s.maxLength(256, 'at most 256 characters')),
        ttl: ttlSchema,
      },
      'grant_type, username, password, ttl',
    ),
    strict(
      {
        grant_type: s.literal('client_credentials'),
        client_id: s.string('the app client id', s.minLength(1, 'the app client id')),
        client_secret: s.string('the app client secret', s.minLength(1, 'the app client secret')),
        ttl: ttlSchema,
      },
      'grant_type, client_id, client_secret, ttl',
    ),
  ],
  'grant_type must be "password" or "client_credentials"',
);
export type TokenBody = s.Infer<typeof tokenBodySchema>;

export const registerBodySchema = strict(
  {
    username: usernameSchema,
    password: sized(1, 256, 'a password of 1–256 characters'),
    nickname: s.optional(sized(0, 100, 'a nickname of up to 100 characters')),
  },
  'username, password, nickname',
);

const maxUsersSchema = s.optional(s.number('an integer', s.int('an integer'), s.min(0, 'a positive integer', true)));
const membersSchema = s.optional(s.array(usernameSchema, 'an array of usernames', s.maxLength(20_000, 'at most 20000 members')));

export const createGroupBodySchema = strict(
  {
    groupname: sized(1, 128, 'a group name of 1–128 characters'),
    desc: s.optional(sized(0, 512, 'a description up to 512 characters')),
    public: s.optional(s.boolean('true or false')),
    maxusers: maxUsersSchema,
    owner: usernameSchema,
    members: membersSchema,
  },
  'groupname, desc, public, maxusers, owner, members',
);

export const createRoomBodySchema = strict(
  {
    name: sized(1, 128, 'a room name of 1–128 characters'),
    description: s.optional(sized(0, 512, 'a description up to 512 characters')),
    maxusers: maxUsersSchema,
    owner: usernameSchema,
    members: membersSchema,
  },
  'name, description, maxusers, owner, members',
);

// ---- SPEC 3.6 messages -----------------------------------------------------------------------

/** Recipients per call, by target kind. */
export const SEND_LIMITS = { users: 600, chatgroups: 3, chatrooms: 10 } as const;
export type SendTarget = keyof typeof SEND_LIMITS;
/** body + ext, serialised, at most 5 KB. */
export const MAX_MESSAGE_BYTES = 5 * 1024;

export interface SendMessageBody {
  from?: string;
  to: string[];
  type: MessageType;
  body: Record<string, unknown>;
  ext?: Record<string, unknown>;
  translations?: Translation[];
}

const objectSchema = s.record('a JSON object');

function sendSchema(target: SendTarget) {
  const recipient = target === 'users' ? usernameSchema : idSchema;
  return strict(
    {
      from: s.optional(usernameSchema),
      to: s.array(
        recipient,
        `an array of ${target === 'users' ? 'usernames' : 'ids'}`,
        s.minLength(1, 'at least one recipient'),
        s.maxLength(SEND_LIMITS[target], `at most ${SEND_LIMITS[target]} ${target === 'users' ? 'users' : target === 'chatgroups' ? 'groups' : 'rooms'} per call`),
      ),
      type: s.enumOf(MESSAGE_TYPES, `one of ${MESSAGE_TYPES.map((t) => `"${t}"`).join(', ')}`),
      body: objectSchema,
      ext: s.optional(objectSchema),
      translations: s.optional(s.array(
        strict(
          {
            language: languageSchema,
            text: s.string('the translated text', s.maxLength(4096, 'at most 4096 characters')),
          },
          'language, text',
        ),
        'an array of {language, text}',
        s.maxLength(20, 'at most 20 translations'),
      )),
      routetype: s.optional(s.string()),
      sync_device: s.optional(s.boolean()),
    },
    'from, to, type, body, ext, translations, routetype, sync_device',
    s.superRefine<{ type: MessageType; body: Record<string, unknown>; ext?: Record<string, unknown> }>((b, add) => {
      if (b.type === 'txt' && typeof b.body.msg !== 'string') add('a text message needs body.msg, a string', ['body', 'msg']);
      const size = new TextEncoder().encode(JSON.stringify(b.body) + JSON.stringify(b.ext ?? {})).length;
      if (size > MAX_MESSAGE_BYTES) add(`body and ext together must be at most 5 KB (${MAX_MESSAGE_BYTES} bytes); this message has ${size}`, ['body']);
    }),
  );
}

const sendSchemas = { users: sendSchema('users'), chatgroups: sendSchema('chatgroups'), chatrooms: sendSchema('chatrooms') };

/** POST /messages/{users|chatgroups|chatrooms} body. */
export function parseSendMessageBody(target: SendTarget, body: unknown): Result<SendMessageBody> {
  const r = parseWith(sendSchemas[target], body);
  if (!r.ok) return r;
  const { routetype: _r, sync_device: _s, ...rest } = r.value;
  return { ok: true, value: rest as SendMessageBody };
}

// ---- SPEC 3.8 explain, 3.9 admin ---------------------------------------------------------------

/** `at` of a check: quiet-hours math reads days past it, and Dates end at 8.64e15 ms. */
const LAST_CHECK_INSTANT = 8.64e15 - 30 * 86_400_000;

/** POST .../notification/check body (SPEC 3.8); also what the client's checkPush sends. */
export const checkBodySchema = strict(
  {
    conversation: strict({ id: idSchema, type: conversationTypeSchema }, 'id, type'),
    from: s.optional(usernameSchema),
    text: s.optional(sized(0, MAX_MESSAGE_BYTES, 'the message text, up to 5120 characters')),
    mentioned: s.optional(s.boolean('true or false')),
    at: s.optional(s.number(
      'an instant in ms since epoch',
      s.int('an integer'),
      s.min(0, 'an instant in ms since epoch'),
      s.max(LAST_CHECK_INSTANT, 'an instant in ms since epoch, before the year 275000'),
    )),
  },
  'conversation, from, text, mentioned, at',
);
export type CheckBody = s.Infer<typeof checkBodySchema>;

export const policyBodySchema = strict(
  { policy: s.enumOf(PUSH_POLICIES, '"allOffline" or "anyOffline"') },
  'policy',
);
export type PolicyBody = { policy: PushPolicy };

export const featuresBodySchema = strict({ advanced: s.boolean('true or false') }, 'advanced');

// ---- query strings -----------------------------------------------------------------------------

/** `limit` query: an integer in [min, max], with a default when absent. */
export function parseLimit(value: unknown, def: number, max: number, field = 'limit'): Result<number> {
  if (value === undefined || value === '') return { ok: true, value: def };
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > max)
    return { ok: false, errors: [fieldError(field, value, `an integer from 1 to ${max}`)] };
  return { ok: true, value: n };
}

/** Most conversations in one batch read (SPEC 2, 3.3). */
export const MAX_BATCH_CONVERSATIONS = 20;

/** `?user=a,b&group=c,d` of the batch read: at most 20 ids in all. */
export function parseBatchQuery(query: { user?: unknown; group?: unknown }): Result<{ user: string[]; group: string[] }> {
  const split = (field: string, v: unknown): Result<string[]> => {
    if (v === undefined || v === '') return { ok: true, value: [] };
    if (typeof v !== 'string') return { ok: false, errors: [fieldError(field, v, 'a comma-separated list of ids')] };
    const ids = v.split(',').map((s) => s.trim()).filter(Boolean);
    const bad = ids.find((id) => id.length > 128);
    if (bad) return { ok: false, errors: [fieldError(field, bad, 'ids of 1–128 characters')] };
    return { ok: true, value: ids };
  };
  const user = split('user', query.user);
  if (!user.ok) return user;
  const group = split('group', query.group);
  if (!group.ok) return group;
  const total = user.value.length + group.value.length;
  if (total === 0) return { ok: false, errors: [fieldError('user', query.user, 'at least one conversation id in user= or group=')] };
  if (total > MAX_BATCH_CONVERSATIONS)
    return { ok: false, errors: [fieldError('user,group', total, `at most ${MAX_BATCH_CONVERSATIONS} conversations in one request`)] };
  return { ok: true, value: { user: user.value.map((u) => u.toLowerCase()), group: group.value } };
}

// ---- WebSocket frames (SPEC 3.7, 4) -----------------------------------------------------------

const tokenSchema = s.string('the access token', s.minLength(1, 'the access token'));
const messageIdSchema = s.string('a message id', s.minLength(1, 'a message id'));
/* @__NO_SIDE_EFFECTS__ */
const deviceSchema = (what: string) => s.string(what, s.minLength(1, '1–64 characters'), s.maxLength(64, '1–64 characters'));
const OP_TEXT = 'op must be "auth", "ack" or "ping"';

export const imClientFrameSchema = s.discriminatedUnion(
  'op',
  [
    strict({ op: s.literal('auth'), token: tokenSchema, resource: deviceSchema('the device resource, 1–64 characters') }, 'op, token, resource'),
    strict({ op: s.literal('ack'), id: messageIdSchema }, 'op, id'),
    strict({ op: s.literal('ping') }, 'op'),
  ],
  OP_TEXT,
);
export type ImClientFrame = s.Infer<typeof imClientFrameSchema>;

export const streamClientFrameSchema = s.discriminatedUnion(
  'op',
  [
    strict({ op: s.literal('auth'), token: tokenSchema, device_id: deviceSchema('the device id, 1–64 characters') }, 'op, token, device_id'),
    strict({ op: s.literal('ack'), m: messageIdSchema }, 'op, m'),
    strict({ op: s.literal('ping') }, 'op'),
  ],
  OP_TEXT,
);
export type StreamClientFrame = s.Infer<typeof streamClientFrameSchema>;

export type { ConversationType };
