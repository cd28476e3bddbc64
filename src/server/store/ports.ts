/**
 * The store seam (SPEC 8): one interface per concern, implemented by the embedded SQLite engine
 * (the default, synchronous inside) and by PostgreSQL (cluster mode). Nothing above this file
 * knows which engine it talks to.
 *
 * Every method returns `Awaitable<T>`: SQLite answers synchronously (no promise, no extra tick on
 * the hot path), PostgreSQL with a promise. Callers always `await`.
 *
 * Atomic units of work are single methods (`commitMessage`, `groups.create`, `messages.ack`,
 * `housekeep`, ...): each engine runs them in one transaction of its own, so no transaction
 * object crosses the seam and nothing awaits inside an open SQLite transaction.
 */
import type {
  AppSettings, AppSettingsPatch, ConversationRef, ConversationSettings, ConversationSettingsPatch, MessageType, ReasonCode,
  RemindType, Translation, WireScope,
} from '../../core/index.ts';

export type Awaitable<T> = T | Promise<T>;

export type Engine = 'sqlite' | 'postgres';

// ---------------------------------------------------------------------------------------------
// Rows

export interface UserRow {
  username: string;
  uuid: string;
  nickname: string;
  created: number;
  offline_count: number;
  language: string;
}

/** Who a token belongs to: a user, or the app itself (username null). */
export interface TokenOwner {
  username: string | null;
  expires: number;
}

export type GroupKind = 'group' | 'room';

export interface GroupRow {
  id: string;
  kind: GroupKind;
  name: string;
  owner: string;
  created: number;
}

export interface BindingRow {
  username: string;
  device_id: string;
  notifier: string;
  token: string;
}

/** A binding without its token: what the push decision needs. */
export interface BindingRef {
  username: string;
  device_id: string;
  notifier: string;
}

export interface DeviceRow {
  username: string;
  resource: string;
  /** 1 when kicked (no push until it authenticates again), else 0. */
  kicked: number;
}

/** A message as the IM connection delivers it (`M` of SPEC 3.7). */
export interface ImMessage {
  id: string;
  from: string;
  to: string;
  conversation: ConversationRef;
  type: MessageType;
  body: Record<string, unknown>;
  ext?: Record<string, unknown>;
  translations?: Translation[];
  ts: number;
}

export interface TraceDevice {
  device_id: string;
  /** The certificate the push went through (a device may have a webpush and a stream binding). */
  notifier?: string;
  result: string;
}

export interface TraceEntry {
  messageId: string;
  ts: number;
  conversation: ConversationRef;
  push: boolean;
  reason: ReasonCode;
  devices: TraceDevice[];
}

/** One decision to record: [username, push, reason, devices]. */
export type NewTrace = [string, boolean, ReasonCode, TraceDevice[]];

/** One queued push: [username, deviceId, badge, language]. */
export type NewDelivery = [string, string, number, string];

/** A claimed Web Push row, joined with its message and the device's current binding token. */
export interface DeliveryRow {
  id: number;
  message_seq: number;
  username: string;
  device_id: string;
  badge: number;
  language: string;
  attempts: number;
  due: number;
  /** The stored message JSON. */
  message: string;
  /** Current webpush token of the device, or null when it was unbound meanwhile. */
  token: string | null;
}

/**
 * One Web Push delivery's outcome, stored with many others in one unit of work: the trace result
 * of the device's decision, and the queue row removed (no `retry`) or rescheduled.
 */
export interface SettledDelivery {
  id: number;
  username: string;
  seq: number;
  deviceId: string;
  notifier: string;
  result: string;
  retry?: { attempts: number; due: number };
}

export interface StreamPushRow {
  message_id: string;
  message_seq: number;
  /** The payload, or null when it is built at send time from `message` with badge and language. */
  payload: string | null;
  badge: number;
  language: string;
  message: string | null;
}

/** Unacknowledged stream pushes are kept this long (SPEC 4). */
export const STREAM_KEEP_MS = 24 * 3600_000;

// ---------------------------------------------------------------------------------------------
// Ports

export interface MetaPort {
  /** The stored value, or undefined. */
  get(key: string): Awaitable<string | undefined>;
  set(key: string, value: string): Awaitable<void>;
  /** Returns the stored value, creating it with `make` the first time (race-free across nodes). */
  getOrCreate(key: string, make: () => string): Awaitable<{ value: string; created: boolean }>;
}

export interface UsersPort {
  get(username: string): Awaitable<UserRow | undefined>;
  /** Stores a new user with an already computed password hash; false when the name is taken. */
  insert(username: string, passwordHash: string, nickname: string, now: number): Awaitable<boolean>;
  /** The stored scrypt hash, or undefined for an unknown user. */
  passwordHash(username: string): Awaitable<string | undefined>;
  /** Stores a token's hash (never the token). */
  insertToken(hash: string, username: string | null, expires: number): Awaitable<void>;
  tokenOwner(hash: string): Awaitable<TokenOwner | undefined>;
  /** Which of these usernames exist. */
  existing(usernames: readonly string[]): Awaitable<Set<string>>;
  nickname(username: string): Awaitable<string>;
  setLanguage(username: string, language: string): Awaitable<void>;
  resetOffline(username: string): Awaitable<void>;
  /** Offline counts and languages of many users at once. */
  pushInfo(usernames: readonly string[]): Awaitable<Map<string, { offline: number; language: string }>>;
}

export interface GroupsPort {
  get(id: string): Awaitable<GroupRow | undefined>;
  /** Creates a group or room with its owner and members in one transaction. */
  create(kind: GroupKind, name: string, owner: string, members: readonly string[], now: number): Awaitable<GroupRow>;
  addMember(id: string, username: string): Awaitable<void>;
  removeMember(id: string, username: string): Awaitable<boolean>;
  isMember(id: string, username: string): Awaitable<boolean>;
  members(id: string): Awaitable<string[]>;
  joined(username: string): Awaitable<GroupRow[]>;
  findByName(kind: GroupKind, name: string): Awaitable<GroupRow | undefined>;
}

export interface SettingsPort {
  app(username: string): Awaitable<AppSettings>;
  /** App settings of many users (only those with a row: the others get the defaults). */
  appMany(usernames: readonly string[]): Awaitable<Map<string, AppSettings>>;
  /** Applies a validated patch at `now` (atomically) and returns the new settings. */
  patchApp(username: string, patch: AppSettingsPatch, now: number): Awaitable<AppSettings>;
  conversation(username: string, scope: WireScope, id: string): Awaitable<ConversationSettings>;
  /** One conversation's settings for many users (a group's members). */
  conversationMany(scope: WireScope, id: string, usernames: readonly string[]): Awaitable<Map<string, ConversationSettings>>;
  /** Many conversations of one user. */
  conversationsOf(username: string, scope: WireScope, ids: readonly string[]): Awaitable<Map<string, ConversationSettings>>;
  /** Applies a validated patch (atomically); a conversation left with nothing set is removed. */
  patchConversation(username: string, scope: WireScope, id: string, patch: ConversationSettingsPatch, now: number): Awaitable<ConversationSettings>;
  /** Conversations with their own remind type, a page at a time (cursor = last key, '' first). */
  remindTypePage(username: string, limit: number, cursor: string): Awaitable<{ items: { scope: WireScope; id: string; type: RemindType }[]; cursor: string }>;
  /** Drops cached rows (another node changed them). */
  invalidate(what: { user?: string; conversation?: { scope: WireScope; id: string } }): void;
}

export interface BindingsPort {
  /** Binds (or with an empty token, unbinds) a device to a certificate. */
  put(username: string, deviceId: string, notifier: string, token: string, now: number): Awaitable<void>;
  /** Removes a binding only if it still has this token (a newer one may have replaced it). */
  removeIfToken(username: string, deviceId: string, notifier: string, token: string): Awaitable<boolean>;
  of(username: string): Awaitable<BindingRow[]>;
  /** Bindings (without tokens) of many users (users without any: no entry). */
  many(usernames: readonly string[]): Awaitable<Map<string, readonly BindingRef[]>>;
  /** Kicked devices of many users. */
  kickedMany(usernames: readonly string[]): Awaitable<DeviceRow[]>;
  isKnown(username: string, resource: string): Awaitable<boolean>;
  /** Records that a device authenticated: it is no longer kicked. */
  seen(username: string, resource: string, now: number): Awaitable<void>;
  /** Notes that a device was connected until now (kept out of the 30-day clean-up). */
  touch(username: string, resource: string, now: number): Awaitable<void>;
  /** Marks a device kicked: no push until it authenticates again. */
  kick(username: string, resource: string, now: number): Awaitable<void>;
  /** Drops a user's cached bindings (another node changed them). */
  invalidate(username: string): void;
}

export interface MessagesPort {
  /** A device's first connection inherits what no device of the user has acknowledged yet. */
  adoptBacklog(username: string, resource: string): Awaitable<void>;
  /** What this device has not acknowledged, oldest first. */
  backlog(username: string, resource: string): Awaitable<ImMessage[]>;
  /** Acknowledges a message for one device; false when the id is unknown. */
  ack(username: string, resource: string, id: string): Awaitable<boolean>;
}

export interface DeliveriesPort {
  /**
   * Claims up to `limit` due Web Push rows for `node` until `now + leaseMs` (rows claimed by a
   * node whose lease ran out are claimable again: that node died). Oldest first.
   */
  claim(node: string, now: number, limit: number, leaseMs: number): Awaitable<DeliveryRow[]>;
  /** The earliest due time after `now` of an unclaimed row, or null when nothing is waiting. */
  nextDueAfter(now: number): Awaitable<number | null>;
  done(id: number): Awaitable<void>;
  /** Reschedules a row and gives up its claim. */
  retry(id: number, attempts: number, due: number): Awaitable<void>;
  /** Gives up every claim of `node` (a draining node leaves its rows to the others). */
  release(node: string): Awaitable<number>;
  count(): Awaitable<number>;
  /** Keeps one built push for a stream device (the test push). */
  streamPut(username: string, deviceId: string, messageId: string, messageSeq: number, payload: string, now: number): Awaitable<void>;
  /** Pushes the device has not acked, from the last 24 h, oldest first. */
  streamPending(username: string, deviceId: string, now: number): Awaitable<StreamPushRow[]>;
  /** Removes an acked push; returns its message seq (the trace key), if it was pending. */
  streamAck(username: string, deviceId: string, messageId: string): Awaitable<number | undefined>;
}

export interface TracePort {
  /** Sets the outcome for one device of a recorded decision. */
  setResult(username: string, seq: number, deviceId: string, result: string, notifier?: string): Awaitable<void>;
  /** The user's last `limit` decisions, newest first. */
  last(username: string, limit: number): Awaitable<TraceEntry[]>;
}

/** What the fan-out decided, written in one transaction with the message itself. */
export interface MessageCommit {
  message: ImMessage;
  /** Recipients that get an inbox row (everyone but the sender). */
  inbox: readonly string[];
  /** Users whose offline count goes up by one (no device online). */
  bumpOffline: readonly string[];
  /** Every decision. */
  traces: readonly NewTrace[];
  /**
   * Called inside the transaction after the counts were bumped, with the pushed users' counts and
   * languages: returns the Web Push rows and stream rows to queue. Must not do I/O.
   */
  deliveries?: (info: Map<string, { offline: number; language: string }>) => { webpush: NewDelivery[]; stream: NewDelivery[] };
  /** Users whose push info `deliveries` needs. */
  pushed: readonly string[];
  now: number;
}

export interface CommitResult {
  seq: number;
  /** Web Push rows queued. */
  queued: number;
  /** Stream rows kept, with the push info used (for live sending after commit). */
  stream: NewDelivery[];
}

export interface Store {
  readonly engine: Engine;
  readonly meta: MetaPort;
  readonly users: UsersPort;
  readonly groups: GroupsPort;
  readonly settings: SettingsPort;
  readonly bindings: BindingsPort;
  readonly messages: MessagesPort;
  readonly deliveries: DeliveriesPort;
  readonly trace: TracePort;
  /** Stores a message, its inbox and device rows, offline counts, trace and deliveries atomically. */
  commitMessage(c: MessageCommit): Awaitable<CommitResult>;
  /**
   * Records many delivery outcomes at once (one transaction): a big group's thousands of pushes
   * cost a few statements per batch instead of a transaction per push.
   */
  settleDeliveries(rows: readonly SettledDelivery[]): Awaitable<void>;
  /** Periodic clean-up in one transaction; rows removed per table. */
  housekeep(now: number): Awaitable<Record<string, number>>;
  /** A cheap round trip, for /ready. */
  ping(): Awaitable<void>;
  /**
   * Calls `fn` when another node queued deliveries (PostgreSQL LISTEN/NOTIFY); the embedded
   * engine never calls it (the worker is woken in-process).
   */
  onDeliveriesQueued?(fn: () => void): Awaitable<void>;
  close(): Awaitable<void>;
}
