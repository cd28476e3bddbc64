/**
 * What the handlers need from the outside world, as interfaces. The platform layer
 * (src/background/platform) implements them over webextension-polyfill and idb; tests pass the
 * same implementations over @webext-core/fake-browser and fake-indexeddb, or their own.
 */
import type { PushClient } from '../../client/index.ts';
import type { AppSettings, ConversationRef, ConversationSettings, PushPayload } from '../../core/index.ts';

/** The signed-in account, kept in storage.local. Never holds the password. */
export interface StoredSession {
  readonly serverUrl: string;
  readonly appKey: string;
  readonly username: string;
  readonly token: string;
  /** ms since epoch; 0 = unknown. */
  readonly expiresAt: number;
  readonly expired: boolean;
}

/** How pushes reach this browser, kept in IndexedDB. */
export interface PushState {
  readonly channel: 'webpush' | 'stream' | 'none';
  readonly notifierName: string;
  readonly bound: boolean;
  readonly lastPushAt: number;
  readonly lastError: string;
}

/** A settings write waiting to be sent, in order. */
export type OutboxOp =
  | { readonly kind: 'app'; readonly options: Readonly<Record<string, unknown>> }
  | { readonly kind: 'conversation'; readonly conversation: ConversationRef; readonly remindType?: 'ALL' | 'AT' | 'NONE' | 'DEFAULT'; readonly durationMs?: number }
  | { readonly kind: 'language'; readonly language: string }
  /** "Not tonight" (SPEC 1.7 `windowSkipUntil`): an instant, not a length, so sent as is. */
  | { readonly kind: 'skip'; readonly until: number }
  /** SPEC 1.7 rules (`setPushRules`), already in wire form: each field given replaces the server's. */
  | { readonly kind: 'rules'; readonly rules: Readonly<PushRulesWire> };

/** The body of `setPushRules`: each given rule replaces the stored one. */
export interface PushRulesWire {
  quietSchedule?: { days: string[]; interval: string }[];
  prioritySenders?: string[];
  keywords?: string[];
  summary?: boolean;
}

/** Someone who sent this user a push lately: priority-people suggestions come from here. */
export interface RecentSender {
  readonly username: string;
  /** Their nickname, from the push's title, when it was a direct chat. */
  readonly name?: string;
  readonly at: number;
}

export interface OutboxEntry {
  readonly id: number;
  readonly op: OutboxOp;
  /** When the op was made: durations count from here, as the user meant. */
  readonly createdAt: number;
  readonly attempts: number;
}

export interface CachedConversation {
  readonly conversation: ConversationRef;
  readonly settings: ConversationSettings;
  /** When it was last seen (a push, the group list, a change): recent chats sort by it. */
  readonly seenAt: number;
  /** Display name: the group's name, or the nickname a push carried; absent = show the id. */
  readonly name?: string;
}

/** A change made without the popup (menu, keyboard, notification), and how to undo it. */
export interface QuickAction {
  readonly at: number;
  /** Message key of what was done, with its substitutions. */
  readonly what: string;
  readonly subs: readonly string[];
  readonly undo:
    | { readonly kind: 'pause'; readonly durationUntil: number }
    | { readonly kind: 'conversation'; readonly conversation: ConversationRef; readonly type?: 'ALL' | 'AT' | 'NONE'; readonly durationUntil: number };
}

export interface ShownNotification {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  /** Absent for a summary (it spans several chats). */
  readonly conversation?: ConversationRef;
  readonly kind?: 'summary';
  readonly shownAt: number;
}

/** Single values kept in the IndexedDB `kv` store. */
export interface KvValues {
  app: AppSettings;
  language: string;
  lastSyncedAt: number;
  /** Last sync failure; `retryable` = the server could not be reached (still failing). */
  syncError: { message: string; retryable: boolean };
  offlineCount: number;
  push: PushState;
  /** The server's "not tonight" (SPEC 1.7); absent when the server does not return the field. */
  windowSkipUntil: number;
  /** When the outbox tries again (0 = no retry scheduled). */
  nextRetryAt: number;
  lastQuickAction: QuickAction;
  /** When the user's groups were last read from the server. */
  groupsSyncedAt: number;
  /** Latest first, at most MAX_RECENT_SENDERS. */
  recentSenders: RecentSender[];
}

/** The extension's IndexedDB, behind the operations the handlers use. */
export interface Db {
  get<K extends keyof KvValues>(key: K): Promise<KvValues[K] | undefined>;
  /** Several values in one transaction (the popup's status needs about ten; B5). */
  getMany<K extends keyof KvValues>(keys: readonly K[]): Promise<{ [P in K]?: KvValues[P] }>;
  set<K extends keyof KvValues>(key: K, value: KvValues[K]): Promise<void>;
  getConversation(ref: ConversationRef): Promise<CachedConversation | undefined>;
  putConversation(c: CachedConversation): Promise<void>;
  /** Every conversation the extension knows of (recent chats, groups, changed ones). */
  allConversations(): Promise<CachedConversation[]>;
  deleteConversation(ref: ConversationRef): Promise<void>;
  /** Removes one kv value. */
  delete(key: keyof KvValues): Promise<void>;
  outboxAdd(op: OutboxOp, createdAt: number): Promise<number>;
  /** Oldest first. */
  outboxAll(): Promise<OutboxEntry[]>;
  outboxDelete(id: number): Promise<void>;
  outboxBumpAttempts(id: number): Promise<void>;
  /** Records a message id; false when it was already seen (the push is a duplicate). */
  markSeen(messageId: string, now: number): Promise<boolean>;
  recordShown(n: ShownNotification): Promise<void>;
  shown(): Promise<ShownNotification[]>;
  /** Sign-out: forgets every cached setting, the outbox and the push state. */
  clearAccountData(): Promise<void>;
  close(): void;
}

export interface NotificationRequest {
  readonly tag: string;
  readonly title: string;
  readonly body: string;
  /** Carried back on click (absent for confirmations); a summary carries no conversation. */
  readonly data?: { readonly m: string; readonly conversation: ConversationRef } | { readonly m: string; readonly kind: 'summary' };
  /** Title of the "Mute 1 h" button; absent = no button. */
  readonly muteActionTitle?: string;
}

export interface MenuItem {
  readonly id: string;
  readonly title: string;
  readonly contexts: readonly ('page' | 'action')[];
  readonly parentId?: string;
  readonly documentUrlPatterns?: readonly string[];
}

/** A WebSocket as the stream needs it (the browser's, or `ws` in tests). */
export interface SocketLike {
  send(data: string): void;
  close(): void;
  onopen: (() => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: (() => void) | null;
  onerror: (() => void) | null;
}

/** The browser, as far as the handlers use it. */
export interface BrowserPort {
  storageGet<T>(key: string): Promise<T | undefined>;
  /** Several storage values in one read; absent keys are missing from the result. */
  storageGetMany(keys: readonly string[]): Promise<Record<string, unknown>>;
  storageSet(key: string, value: unknown): Promise<void>;
  storageRemove(key: string): Promise<void>;
  /** One named alarm at an instant; null clears it. */
  setAlarm(name: string, when: number | null, periodInMinutes?: number): Promise<void>;
  setBadge(text: string, title: string, color: string): Promise<void>;
  showNotification(n: NotificationRequest): Promise<void>;
  openTab(url: string): Promise<void>;
  /** The absolute URL of an extension page ("options.html#activity"); absent = the path as is. */
  extensionUrl?(path: string): string;
  /** Open tabs (id, window, URL when readable). */
  listTabs(): Promise<Array<{ readonly id: number; readonly windowId: number; readonly url?: string }>>;
  /** Brings a tab and its window to the front. */
  focusTab(id: number, windowId: number): Promise<void>;
  replaceMenus(items: readonly MenuItem[]): Promise<void>;
  activeTabUrl(): Promise<string | undefined>;
  /** The browser's IANA zone. */
  timeZone(): string;
  /** PushSubscription JSON, or a rejection; never settles on some machines, so callers race it. */
  pushSubscribe?(vapidPublicKey: string): Promise<unknown>;
  openSocket(url: string): SocketLike;
}

export interface ClientConfig {
  readonly baseUrl: string;
  readonly appKey: string;
  readonly resource: string;
}

/** Everything a handler may use. */
export interface Deps {
  readonly browser: BrowserPort;
  readonly db: Db;
  now(): number;
  makeClient(config: ClientConfig): PushClient;
  /** Timeout for pushManager.subscribe (it may never settle). */
  readonly subscribeTimeoutMs: number;
}

export type { AppSettings, ConversationRef, ConversationSettings, PushPayload };
