/**
 * Every input of SPEC 2 and 3, checked with zod and reported as FieldErrors that name the
 * field, the value and what is allowed. Schemas say what is allowed; `parseWith` says the rest.
 */
import { z } from 'zod';
import { parseEntryInterval, parseInterval } from './interval.ts';
import { parseLanguage } from './language.ts';
import {
  type AppSettings, CONVERSATION_TYPES, type ConversationType, type DailyWindow, DAYS, MAX_DURATION_MS, MAX_KEYWORD_CHARS, MAX_KEYWORDS,
  MAX_PRIORITY_SENDERS, MAX_SCHEDULE_ENTRIES, MAX_SKIP_AHEAD_MS, MESSAGE_TYPES, type MessageType, PUSH_POLICIES,
  type PushPolicy, REMIND_TYPES, type RemindType, type ScheduleEntry, type Translation,
} from './model.ts';
import { fieldError, type FieldError, type Result } from './result.ts';
import { parseTimeZone } from './time-zone.ts';

const allowed = (text: string) => ({ error: text });

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

/** Runs a schema and turns zod's issues into FieldErrors. `prefix` names the root ("options"). */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown, prefix = ''): Result<z.output<S>> {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  const errors: FieldError[] = [];
  for (const issue of r.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        errors.push(fieldError(joinPath(prefix, path), valueAt(input, path), issue.message));
      }
    } else {
      errors.push(fieldError(joinPath(prefix, issue.path), valueAt(input, issue.path), issue.message));
    }
  }
  return { ok: false, errors };
}

/** Turns a core Result check into a zod refinement, keeping core's wording. */
function viaResult<T>(check: (v: unknown) => Result<T>) {
  return (v: unknown, ctx: z.RefinementCtx): T => {
    const r = check(v);
    if (r.ok) return r.value;
    for (const e of r.errors) ctx.addIssue({ code: 'custom', message: e.allowed });
    return z.NEVER;
  };
}

const strict = <T extends z.ZodRawShape>(shape: T, fields: string) =>
  z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'unrecognized_keys' ? `unknown field; allowed fields are ${fields}` : 'a JSON object',
  });

export const remindTypeSchema = z.enum(REMIND_TYPES, allowed('one of "ALL", "AT", "NONE"'));
export const conversationTypeSchema = z.enum(CONVERSATION_TYPES, allowed('one of "singleChat", "groupChat", "chatRoom"'));
export const durationSchema = z
  .number(allowed(`an integer number of milliseconds from 0 to ${MAX_DURATION_MS} (7 days)`))
  .int(allowed(`an integer number of milliseconds from 0 to ${MAX_DURATION_MS} (7 days)`))
  .min(0, allowed(`must be from 0 to ${MAX_DURATION_MS} ms (7 days); 0 clears it`))
  .max(MAX_DURATION_MS, allowed(`must be from 0 to ${MAX_DURATION_MS} ms (7 days); 0 clears it`));
export const intervalSchema = z.unknown().transform(viaResult<DailyWindow | null>((v) => parseInterval(v, '')));
export const timeZoneSchema = z.unknown().transform(viaResult<string>((v) => parseTimeZone(v, '')));
export const languageSchema = z.unknown().transform(viaResult<string>((v) => parseLanguage(v, '')));
export const usernameSchema = z
  .string(allowed('1–64 characters of a-z, A-Z, 0-9, "_", "." and "-"'))
  .regex(/^[a-zA-Z0-9_.-]{1,64}$/, allowed('1–64 characters of a-z, A-Z, 0-9, "_", "." and "-"'))
  .transform((s) => s.toLowerCase());
const idSchema = z
  .string(allowed('an id of 1–128 characters'))
  .min(1, allowed('an id of 1–128 characters'))
  .max(128, allowed('an id of 1–128 characters'));

// ---- SPEC 1.7 rules ------------------------------------------------------------------------------

const DAYS_TEXT = `one of ${DAYS.map((d) => `"${d}"`).join(', ')}`;
const DAY_LIST_TEXT = 'an array of 1–7 different days, each "mon", "tue", "wed", "thu", "fri", "sat" or "sun"';

export const dayListSchema = z
  .array(z.enum(DAYS, allowed(DAYS_TEXT)), allowed(DAY_LIST_TEXT))
  .min(1, allowed(DAY_LIST_TEXT))
  .max(7, allowed(DAY_LIST_TEXT))
  .superRefine((days, ctx) => {
    const seen = new Set<string>();
    days.forEach((d, i) => {
      if (seen.has(d)) ctx.addIssue({ code: 'custom', path: [i], message: 'repeated; each day at most once' });
      seen.add(d);
    });
  });

export const scheduleEntrySchema = strict(
  {
    days: dayListSchema,
    interval: z.unknown().transform(viaResult<DailyWindow>((v) => parseEntryInterval(v, ''))),
  },
  'days, interval',
);

const SCHEDULE_TEXT = `an array of at most ${MAX_SCHEDULE_ENTRIES} entries {"days": [...], "interval": "H:M-H:M"}; [] clears`;
export const quietScheduleSchema = z
  .array(scheduleEntrySchema, allowed(SCHEDULE_TEXT))
  .max(MAX_SCHEDULE_ENTRIES, allowed(`at most ${MAX_SCHEDULE_ENTRIES} entries; merge days that share an interval`))
  .transform((entries): ScheduleEntry[] => entries.map((e) => ({ days: e.days, interval: e.interval })));

const SENDERS_TEXT = `an array of at most ${MAX_PRIORITY_SENDERS} usernames; [] clears`;
export const prioritySendersSchema = z
  .array(usernameSchema, allowed(SENDERS_TEXT))
  .max(MAX_PRIORITY_SENDERS, allowed(`at most ${MAX_PRIORITY_SENDERS} usernames`))
  .transform((names) => [...new Set(names)]);

const KEYWORD_TEXT = `a word or phrase of 1–${MAX_KEYWORD_CHARS} characters (spaces around it are trimmed)`;
export const keywordSchema = z
  .string(allowed(KEYWORD_TEXT))
  .transform((s) => s.trim().normalize('NFC'))
  .refine((s) => s.length > 0 && Array.from(s).length <= MAX_KEYWORD_CHARS, allowed(KEYWORD_TEXT));

export const keywordsSchema = z
  .array(keywordSchema, allowed(`an array of at most ${MAX_KEYWORDS} words or phrases; [] clears`))
  .max(MAX_KEYWORDS, allowed(`at most ${MAX_KEYWORDS} keywords`))
  .transform((words) => {
    // Duplicates ignoring case dropped; the first spelling is kept.
    const seen = new Set<string>();
    return words.filter((w) => {
      const key = w.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  });

const SKIP_TEXT = 'an instant in ms since epoch at most 24 hours ahead, or 0 to clear';
export const windowSkipUntilSchema = z
  .number(allowed(SKIP_TEXT))
  .int(allowed(SKIP_TEXT))
  .min(0, allowed(SKIP_TEXT));

export const summarySchema = z.boolean(allowed('true or false'));

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
    type: z.unknown().transform(
      viaResult<RemindType>((v) =>
        v === 'DEFAULT'
          ? { ok: false, errors: [fieldError('', v, '"DEFAULT" applies to a conversation only; the app level takes "ALL", "AT" or "NONE"')] }
          : parseWith(remindTypeSchema, v),
      ),
    ).optional(),
    ignoreDuration: durationSchema.optional(),
    ignoreInterval: intervalSchema.optional(),
    timeZone: timeZoneSchema.optional(),
    quietSchedule: quietScheduleSchema.optional(),
    windowSkipUntil: windowSkipUntilSchema.optional(),
    prioritySenders: prioritySendersSchema.optional(),
    keywords: keywordsSchema.optional(),
    summary: summarySchema.optional(),
  },
  APP_FIELDS,
).refine((b) => Object.keys(b).length > 0, allowed(`at least one of ${APP_FIELDS}`));

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
    type: z.enum([...REMIND_TYPES, 'DEFAULT'], allowed('one of "ALL", "AT", "NONE", or "DEFAULT" to follow the app setting')).optional(),
    ignoreDuration: durationSchema.optional(),
    ignoreInterval: z.unknown().refine(() => false, allowed(WINDOW_FOR_CONVERSATION)).optional(),
  },
  'type, ignoreDuration',
).refine((b) => Object.keys(b).length > 0, allowed('at least one of type, ignoreDuration'));

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
    device_id: z.string(allowed('the device resource, 1–64 characters')).min(1, allowed('the device resource, 1–64 characters')).max(64, allowed('the device resource, 1–64 characters')),
    device_token: z.string(allowed('a string up to 4096 characters; "" unbinds')).max(4096, allowed('a string up to 4096 characters; "" unbinds')),
    notifier_name: z.string(allowed('the name of a push certificate of the app, 1–64 characters')).min(1, allowed('the name of a push certificate of the app, 1–64 characters')).max(64, allowed('the name of a push certificate of the app, 1–64 characters')),
  },
  'device_id, device_token, notifier_name',
);
export type BindingBody = z.output<typeof bindingBodySchema>;

// ---- SPEC 3.1 accounts -----------------------------------------------------------------------

export const tokenBodySchema = z.discriminatedUnion(
  'grant_type',
  [
    strict(
      {
        grant_type: z.literal('password'),
        username: usernameSchema,
        password: z.string(allowed('the password, a string')).min(1, allowed('the password, a non-empty string')).max(256, allowed('at most 256 characters')),
        ttl: z.number(allowed('seconds, an integer from 60 to 31536000')).int(allowed('an integer')).min(60, allowed('at least 60 seconds')).max(31_536_000, allowed('at most 31536000 seconds (a year)')).optional(),
      },
      'grant_type, username, password, ttl',
    ),
    strict(
      {
        grant_type: z.literal('client_credentials'),
        client_id: z.string(allowed('the app client id')).min(1, allowed('the app client id')),
        client_secret: z.string(allowed('the app client secret')).min(1, allowed('the app client secret')),
        ttl: z.number(allowed('seconds, an integer from 60 to 31536000')).int(allowed('an integer')).min(60, allowed('at least 60 seconds')).max(31_536_000, allowed('at most 31536000 seconds (a year)')).optional(),
      },
      'grant_type, client_id, client_secret, ttl',
    ),
  ],
  allowed('grant_type must be "password" or "client_credentials"'),
);
export type TokenBody = z.output<typeof tokenBodySchema>;

export const registerBodySchema = strict(
  {
    username: usernameSchema,
    password: z.string(allowed('a password of 1–256 characters')).min(1, allowed('a password of 1–256 characters')).max(256, allowed('a password of 1–256 characters')),
    nickname: z.string(allowed('a nickname of up to 100 characters')).max(100, allowed('a nickname of up to 100 characters')).optional(),
  },
  'username, password, nickname',
);

export const createGroupBodySchema = strict(
  {
    groupname: z.string(allowed('a group name of 1–128 characters')).min(1, allowed('a group name of 1–128 characters')).max(128, allowed('a group name of 1–128 characters')),
    desc: z.string(allowed('a description up to 512 characters')).max(512, allowed('a description up to 512 characters')).optional(),
    public: z.boolean(allowed('true or false')).optional(),
    maxusers: z.number(allowed('an integer')).int(allowed('an integer')).positive(allowed('a positive integer')).optional(),
    owner: usernameSchema,
    members: z.array(usernameSchema, allowed('an array of usernames')).max(20_000, allowed('at most 20000 members')).optional(),
  },
  'groupname, desc, public, maxusers, owner, members',
);

export const createRoomBodySchema = strict(
  {
    name: z.string(allowed('a room name of 1–128 characters')).min(1, allowed('a room name of 1–128 characters')).max(128, allowed('a room name of 1–128 characters')),
    description: z.string(allowed('a description up to 512 characters')).max(512, allowed('a description up to 512 characters')).optional(),
    maxusers: z.number(allowed('an integer')).int(allowed('an integer')).positive(allowed('a positive integer')).optional(),
    owner: usernameSchema,
    members: z.array(usernameSchema, allowed('an array of usernames')).max(20_000, allowed('at most 20000 members')).optional(),
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

const objectSchema = z.record(z.string(), z.unknown(), allowed('a JSON object'));

function sendSchema(target: SendTarget) {
  const recipient = target === 'users' ? usernameSchema : idSchema;
  return strict(
    {
      from: usernameSchema.optional(),
      to: z
        .array(recipient, allowed(`an array of ${target === 'users' ? 'usernames' : 'ids'}`))
        .min(1, allowed('at least one recipient'))
        .max(SEND_LIMITS[target], allowed(`at most ${SEND_LIMITS[target]} ${target === 'users' ? 'users' : target === 'chatgroups' ? 'groups' : 'rooms'} per call`)),
      type: z.enum(MESSAGE_TYPES, allowed(`one of ${MESSAGE_TYPES.map((t) => `"${t}"`).join(', ')}`)),
      body: objectSchema,
      ext: objectSchema.optional(),
      translations: z
        .array(
          strict(
            {
              language: z.unknown().transform(viaResult<string>((v) => parseLanguage(v, ''))),
              text: z.string(allowed('the translated text')).max(4096, allowed('at most 4096 characters')),
            },
            'language, text',
          ),
          allowed('an array of {language, text}'),
        )
        .max(20, allowed('at most 20 translations'))
        .optional(),
      routetype: z.string().optional(),
      sync_device: z.boolean().optional(),
    },
    'from, to, type, body, ext, translations, routetype, sync_device',
  ).superRefine((b, ctx) => {
    if (b.type === 'txt' && typeof b.body.msg !== 'string')
      ctx.addIssue({ code: 'custom', path: ['body', 'msg'], message: 'a text message needs body.msg, a string' });
    const size = new TextEncoder().encode(JSON.stringify(b.body) + JSON.stringify(b.ext ?? {})).length;
    if (size > MAX_MESSAGE_BYTES)
      ctx.addIssue({ code: 'custom', path: ['body'], message: `body and ext together must be at most 5 KB (${MAX_MESSAGE_BYTES} bytes); this message has ${size}` });
  });
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
    from: usernameSchema.optional(),
    text: z.string(allowed('the message text, up to 5120 characters')).max(MAX_MESSAGE_BYTES, allowed('the message text, up to 5120 characters')).optional(),
    mentioned: z.boolean(allowed('true or false')).optional(),
    at: z.number(allowed('an instant in ms since epoch')).int(allowed('an integer')).min(0, allowed('an instant in ms since epoch')).max(LAST_CHECK_INSTANT, allowed('an instant in ms since epoch, before the year 275000')).optional(),
  },
  'conversation, from, text, mentioned, at',
);
export type CheckBody = z.output<typeof checkBodySchema>;

export const policyBodySchema = strict(
  { policy: z.enum(PUSH_POLICIES, allowed('"allOffline" or "anyOffline"')) },
  'policy',
);
export type PolicyBody = { policy: PushPolicy };

export const featuresBodySchema = strict({ advanced: z.boolean(allowed('true or false')) }, 'advanced');

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

export const imClientFrameSchema = z.discriminatedUnion(
  'op',
  [
    strict({ op: z.literal('auth'), token: z.string(allowed('the access token')).min(1, allowed('the access token')), resource: z.string(allowed('the device resource, 1–64 characters')).min(1, allowed('1–64 characters')).max(64, allowed('1–64 characters')) }, 'op, token, resource'),
    strict({ op: z.literal('ack'), id: z.string(allowed('a message id')).min(1, allowed('a message id')) }, 'op, id'),
    strict({ op: z.literal('ping') }, 'op'),
  ],
  allowed('op must be "auth", "ack" or "ping"'),
);
export type ImClientFrame = z.output<typeof imClientFrameSchema>;

export const streamClientFrameSchema = z.discriminatedUnion(
  'op',
  [
    strict({ op: z.literal('auth'), token: z.string(allowed('the access token')).min(1, allowed('the access token')), device_id: z.string(allowed('the device id, 1–64 characters')).min(1, allowed('1–64 characters')).max(64, allowed('1–64 characters')) }, 'op, token, device_id'),
    strict({ op: z.literal('ack'), m: z.string(allowed('a message id')).min(1, allowed('a message id')) }, 'op, m'),
    strict({ op: z.literal('ping') }, 'op'),
  ],
  allowed('op must be "auth", "ack" or "ping"'),
);
export type StreamClientFrame = z.output<typeof streamClientFrameSchema>;

export type { ConversationType };
