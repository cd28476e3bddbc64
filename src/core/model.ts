/** The vocabulary of SPEC section 1, as plain data shared by the server and the extension. */

export const REMIND_TYPES = ['ALL', 'AT', 'NONE'] as const;
/** Push mode: every message, only mentions, or nothing. */
export type RemindType = (typeof REMIND_TYPES)[number];

export const CONVERSATION_TYPES = ['singleChat', 'groupChat', 'chatRoom'] as const;
export type ConversationType = (typeof CONVERSATION_TYPES)[number];

/** The REST path segment for a conversation: single chats are `user`, groups and rooms `chatgroup`. */
export type WireScope = 'user' | 'chatgroup';

export const PUSH_POLICIES = ['allOffline', 'anyOffline'] as const;
export type PushPolicy = (typeof PUSH_POLICIES)[number];

/** Largest do-not-disturb duration: 7 days in milliseconds. */
export const MAX_DURATION_MS = 604_800_000;
export const MINUTES_PER_DAY = 1440;

/** A daily quiet window in minutes of the local day; start === end means all day. */
export interface DailyWindow {
  readonly start: number;
  readonly end: number;
}

/** Days of the week in the order of `quietSchedule` entries (SPEC 1.7), Monday first. */
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];

/**
 * One entry of the weekly quiet schedule: quiet from `interval.start` on each of `days` to
 * `interval.end` that day, or the next day when end <= start (start === end runs 24 hours).
 */
export interface ScheduleEntry {
  readonly days: readonly Day[];
  readonly interval: DailyWindow;
}

/** Bounds of the 1.7 settings (SPEC 1.7, 7). */
export const MAX_SCHEDULE_ENTRIES = 14;
export const MAX_PRIORITY_SENDERS = 100;
export const MAX_KEYWORDS = 20;
export const MAX_KEYWORD_CHARS = 40;
/** `windowSkipUntil` may be at most this far ahead when set: 24 hours. */
export const MAX_SKIP_AHEAD_MS = 86_400_000;

/**
 * App-level (whole account) push settings, as stored.
 * The fields of SPEC 1.7 are optional so settings stored before them stay valid: absent means
 * the default (`[]`, `0`, `[]`, `[]`, `false`), which behaves exactly like SPEC 1.1–1.6.
 */
export interface AppSettings {
  readonly type: RemindType;
  /** null = no daily window. */
  readonly window: DailyWindow | null;
  /** Expiry of the one-off duration in ms since epoch; 0 = none. */
  readonly durationUntil: number;
  /** IANA zone in which the window is evaluated. */
  readonly timeZone: string;
  /** Weekly quiet schedule, at most 14 entries. */
  readonly quietSchedule?: readonly ScheduleEntry[];
  /** Window and schedule suspended until this instant (ms since epoch); 0 or past = not skipped. */
  readonly windowSkipUntil?: number;
  /** Lower-case usernames whose messages go through do-not-disturb. */
  readonly prioritySenders?: readonly string[];
  /** Trimmed words or phrases that count as a mention. */
  readonly keywords?: readonly string[];
  /** Count messages held by app-level DND and push a summary when quiet ends. */
  readonly summary?: boolean;
}

/** One conversation's push settings; `type` undefined = inherits the app's. */
export interface ConversationSettings {
  readonly type?: RemindType;
  readonly durationUntil: number;
}

export interface ConversationRef {
  readonly id: string;
  readonly type: ConversationType;
}

export const DEFAULT_APP_SETTINGS: AppSettings = Object.freeze({
  type: 'ALL',
  window: null,
  durationUntil: 0,
  timeZone: 'UTC',
  quietSchedule: Object.freeze([]),
  windowSkipUntil: 0,
  prioritySenders: Object.freeze([]),
  keywords: Object.freeze([]),
  summary: false,
});

export const EMPTY_CONVERSATION_SETTINGS: ConversationSettings = Object.freeze({ durationUntil: 0 });

/** Why a push was or was not sent (SPEC 1.8), in the order the checks run; SUMMARY marks a summary push (1.7). */
export const REASON_CODES = [
  'SENDER',
  'SILENT_MESSAGE',
  'ONLINE',
  'KICKED',
  'NO_BINDING',
  'DND_APP_WINDOW',
  'DND_APP_DURATION',
  'DND_CONVERSATION',
  'REMIND_NONE',
  'REMIND_AT_NOT_MENTIONED',
  'PUSH',
  'SUMMARY',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** How a message went through do-not-disturb that was in force (SPEC 1.8 step 5). */
export type Via = 'FORCED' | 'PRIORITY_SENDER';
/** How a message mentions its recipient (SPEC 1.8 step 6), the first that applies in this order. */
export const MENTION_KINDS = ['AT', 'ALL', 'DIRECT', 'KEYWORD'] as const;
export type Mention = (typeof MENTION_KINDS)[number];

/** Why someone is quiet right now. */
export type QuietReason = 'DND_APP_WINDOW' | 'DND_APP_DURATION' | 'DND_CONVERSATION';

export const MESSAGE_TYPES = ['txt', 'img', 'audio', 'video', 'file', 'loc', 'custom'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface Translation {
  readonly language: string;
  readonly text: string;
}

/** The part of a message the push rules read. */
export interface MessageForPush {
  readonly id: string;
  readonly from: string;
  readonly conversation: ConversationRef;
  readonly type: MessageType;
  readonly body: Readonly<Record<string, unknown>>;
  readonly ext?: Readonly<Record<string, unknown>>;
  readonly translations?: readonly Translation[];
  readonly ts: number;
}

/** Maps a conversation type to its REST path segment, as the reference SDK does. */
export function scopeOf(type: ConversationType): WireScope {
  return type === 'singleChat' ? 'user' : 'chatgroup';
}
