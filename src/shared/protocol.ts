/**
 * The background worker's whole API: one typed map shared by the popup, the options page and
 * the background handlers. Payload and result of each message are linked by type.
 * Handlers throw `ProtocolError` for expected failures; it crosses the message boundary and is
 * re-thrown at the caller with the same `code` and `field`.
 */
import { defineExtensionMessaging } from '@webext-core/messaging';
import type {
  AppSettings, ClockTime, ConversationRef, ConversationSettings, Day, Mention, QuietReason, QuietRule, ReasonCode, RemindType, Via,
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
  /** The rule in force (the schedule entry, the window, the pause), so the UI can name it. */
  readonly rule: QuietRule | null;
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

/** A settings copy the user's own app refused or that failed (SPEC 9.2 mirroring). */
export interface MirrorErrorView {
  readonly at: number;
  /** Which settings: the app's push mode and quiet hours, the push language, or a chat's. */
  readonly what: 'app' | 'language' | 'conversation';
  /** The gateway's own sentence. */
  readonly error: string;
}

/** Gateway mode (SPEC 9.2): the server signs in through the user's own app and may copy settings there. */
export interface GatewayView {
  /** False for a normal server, and for an older one without the endpoint (404). */
  readonly gateway: boolean;
  /** The app the gateway serves, "org#app" ("" when not a gateway). */
  readonly upstreamAppKey: string;
  /** This user's settings copies; null when not a gateway or the state could not be read. */
  readonly mirror: { readonly enabled: boolean; readonly pending: number; readonly lastError?: MirrorErrorView } | null;
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
  | { readonly kind: 'mode' | 'pause' | 'resume' | 'window' | 'skip' | 'language' | 'rules' }
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

/** SPEC 1.7 rules as `setPushRules` takes them; each field given replaces the stored one. */
export interface PushRulesArgs {
  readonly quietSchedule?: readonly { readonly days: readonly Day[]; readonly interval: string }[];
  readonly prioritySenders?: readonly string[];
  readonly keywords?: readonly string[];
  readonly summary?: boolean;
}

/** Someone who pushed to this user lately (a priority-people suggestion). */
export interface RecentSenderView {
  readonly username: string;
  readonly name?: string;
}

/** One push decision from the server's trace (SPEC 3.8), with names the extension knows. */
export interface ActivityItem {
  readonly id: string;
  readonly ts: number;
  readonly push: boolean;
  readonly reason: ReasonCode;
  readonly via?: Via;
  readonly mention?: Mention;
  readonly conversation?: ConversationRef;
  /** The group's name or the person's nickname, when known. */
  readonly chatName?: string;
  readonly from?: string;
  /** A summary push: what it counted. */
  readonly summary?: { readonly count: number; readonly mentions: number; readonly conversations: number };
}

/** "Would this notify me?" (SPEC 3.8 check). */
export interface CheckArgs {
  readonly conversation: ConversationRef;
  readonly from?: string;
  readonly text?: string;
  readonly mentioned?: boolean;
}

export interface CheckView {
  readonly push: boolean;
  readonly reason: ReasonCode;
  readonly via?: Via;
  readonly mention?: Mention;
  readonly quietUntil?: number;
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
  getLanguage(): { language: string };
  setLanguage(data: { language: string }): { language: string };
  getPushStatus(): PushStatusView;
  /** Whether the server is a push gateway, and how copying settings to the user's app goes (asks the server). */
  getGatewayStatus(): GatewayView;
  /** Asks the server to push a test notification to this browser. */
  sendTestPush(): { sent: boolean; reason: string };
  /** Weekly schedule, priority people, keywords, summary (SPEC 1.7), through the outbox. */
  setPushRules(data: PushRulesArgs): StatusView;
  /** People who pushed to this user lately, latest first (suggestions for priority people). */
  getRecentSenders(): { senders: RecentSenderView[] };
  /** The last push decisions from the server's trace (throws when unreachable). */
  getActivity(data: { limit?: number }): { items: ActivityItem[] };
  /** Would such a message notify me now, and why (asks the server). */
  checkPush(data: CheckArgs): CheckView;
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
