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

/** App-level (whole account) push settings, as stored. */
export interface AppSettings {
  readonly type: RemindType;
  /** null = no daily window. */
  readonly window: DailyWindow | null;
  /** Expiry of the one-off duration in ms since epoch; 0 = none. */
  readonly durationUntil: number;
  /** IANA zone in which the window is evaluated. */
  readonly timeZone: string;
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
});

export const EMPTY_CONVERSATION_SETTINGS: ConversationSettings = Object.freeze({ durationUntil: 0 });

/** Why a push was or was not sent (SPEC 1.7), in the order the checks run. */
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
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

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
