/**
 * The background worker's whole API: one typed map shared by the popup, the options page and
 * the background handlers. Payload and result of each message are linked by type.
 * Handlers throw `ProtocolError` for expected failures; it crosses the message boundary and is
 * re-thrown at the caller with the same `code` and `field`.
 */
import { defineExtensionMessaging } from '@webext-core/messaging';
import type {
  AppSettings, ClockTime, ConversationRef, ConversationSettings, PushLanguage, QuietReason, RemindType,
} from '../core/index.ts';

export interface SessionView {
  readonly signedIn: boolean;
  readonly serverUrl: string;
  readonly appKey: string;
  readonly username: string;
  /** The token expired or was refused: the user must sign in again. */
  readonly expired: boolean;
}

/** What the sign-in form starts from: the last account used here (never a password). */
export interface LastAccount {
  readonly serverUrl: string;
  readonly appKey: string;
  readonly username: string;
}

export interface QuietView {
  readonly quiet: boolean;
  readonly reason: QuietReason | null;
  readonly quietUntil: number | null;
  readonly nextChange: number | null;
}

export interface PushStatusView {
  /** The channel pushes arrive through. */
  readonly channel: 'webpush' | 'stream' | 'none';
  readonly bound: boolean;
  readonly streamConnected: boolean;
  readonly lastPushAt: number;
  readonly lastError: string;
}

export interface ConversationView {
  readonly conversation: ConversationRef;
  readonly settings: ConversationSettings;
  /** Group or room name, or a person's nickname from their pushes; absent = show the id. */
  readonly name?: string;
  /** A change to it is waiting in the outbox (shown as pending until the server confirms). */
  readonly pending?: boolean;
}

/** Every conversation the extension knows of, each with its settings. */
export interface ConversationsView {
  /** Recent chats (from pushes), the user's groups and rooms, and chats changed here. */
  readonly items: readonly ConversationView[];
  /** The server could not be asked: settings are the cached ones. */
  readonly stale: boolean;
}

/** A setting change waiting in the outbox, as the UI names it. */
export type PendingChange =
  | { readonly kind: 'mode' | 'pause' | 'resume' | 'window' | 'skip' | 'language' }
  | { readonly kind: 'conversation'; readonly conversation: ConversationRef };

/** A change made from a menu, the keyboard or a notification, undoable from the popup. */
export interface QuickActionView {
  readonly at: number;
  /** Already worded ("Paused for 1 h"). */
  readonly text: string;
}

export interface StatusView {
  readonly session: SessionView;
  /** The last account signed in on this browser, kept after sign-out for the form. */
  readonly lastAccount: LastAccount | null;
  /** Cached app settings (null before the first successful read). */
  readonly app: AppSettings | null;
  readonly language: string;
  readonly quiet: QuietView;
  readonly badge: { readonly text: string; readonly title: string };
  /** Changes waiting in the outbox. */
  readonly pending: number;
  /** What is waiting, oldest first. */
  readonly pendingChanges: readonly PendingChange[];
  /** When the outbox tries again (0 = no retry scheduled). */
  readonly nextRetryAt: number;
  /** Last sync failure, "" when syncing works. */
  readonly syncError: string;
  /** Why the last sync failed: the server was unreachable (kept, retried) or refused a change (dropped). */
  readonly syncProblem: 'unreachable' | 'refused' | '';
  /** The server's "not tonight" (ms); null when the server does not support it. */
  readonly windowSkipUntil: number | null;
  /** The last menu/keyboard/notification change, for 5 minutes; null otherwise. */
  readonly quickAction: QuickActionView | null;
  readonly lastSyncedAt: number;
  /** Offline message count from the last push. */
  readonly offlineCount: number;
  readonly push: PushStatusView;
  /** The browser's IANA zone, used for the daily window. */
  readonly timeZone: string;
  /** The chat in the active tab, when its URL matches a chat pattern. */
  readonly currentChat: ConversationView | null;
}

export interface SignInArgs {
  readonly serverUrl: string;
  readonly appKey: string;
  readonly username: string;
  readonly password: string;
}

export interface SetConversationArgs {
  readonly conversation: ConversationRef;
  /** 'DEFAULT' clears the conversation's remind type (follow the app setting). */
  readonly remindType?: RemindType | 'DEFAULT';
  /** Mute for this long from now; 0 unmutes. */
  readonly durationMs?: number;
}

export interface ProtocolMap {
  /** Renders from the cache at once; a refresh runs in the background. */
  getStatus(data: { tabUrl?: string }): StatusView;
  /** Reads everything from the server now (throws when unreachable). */
  refresh(): StatusView;
  signIn(data: SignInArgs): StatusView;
  signOut(): StatusView;
  setAppRemindType(data: { remindType: RemindType }): StatusView;
  /** Pause all pushes for `durationMs` from now (≤ 7 days). */
  pause(data: { durationMs: number }): StatusView;
  resume(): StatusView;
  /** Daily quiet hours in the browser's zone; null turns them off. */
  setQuietHours(data: { window: { start: ClockTime; end: ClockTime } | null }): StatusView;
  getConversation(data: { conversation: ConversationRef }): ConversationView;
  setConversation(data: SetConversationArgs): ConversationView;
  /** Every known conversation with its settings, read from the server in batches of 20. */
  listConversations(): ConversationsView;
  /** "Not tonight": skip the daily window until `until` (ms, ≤ 24 h ahead); 0 clears. */
  skipWindow(data: { until: number }): StatusView;
  /** Reverts the last menu/keyboard/notification change. */
  undoQuickAction(): StatusView;
  getLanguage(): { language: string; languages: readonly PushLanguage[] };
  setLanguage(data: { language: string }): { language: string };
  getPushStatus(): PushStatusView;
  /** Asks the server to push a test notification to this browser. */
  sendTestPush(): { sent: boolean; reason: string };
  getChatPatterns(): { patterns: string[] };
  setChatPatterns(data: { patterns: string[] }): { patterns: string[] };
}

export const { sendMessage, onMessage } = defineExtensionMessaging<ProtocolMap>();

/** Error codes that cross the protocol; `field` names the offending input. */
export type ProtocolErrorCode =
  | 'invalid_argument'
  | 'signed_out'
  | 'session_expired'
  | 'unreachable'
  | 'server_error'
  | 'permission_denied';

/** An expected failure, thrown by handlers and re-thrown at the UI with its code and field. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly code: ProtocolErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Reads code/field back from an error re-thrown by the messaging layer. */
export function protocolErrorOf(e: unknown): { code: ProtocolErrorCode | 'unknown'; message: string; field?: string } {
  const err = e as { code?: unknown; message?: unknown; field?: unknown };
  const code = typeof err?.code === 'string' ? (err.code as ProtocolErrorCode) : 'unknown';
  const message = typeof err?.message === 'string' ? err.message : String(e);
  return typeof err?.field === 'string' ? { code, message, field: err.field } : { code, message };
}
