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
  AppSettings, AppSettingsPatch, ConversationRef, ConversationSettings, ConversationSettingsPatch, Mention, MessageType, ReasonCode,
  RemindType, SummaryCounts, Translation, Via, WireScope,
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
  /** "summary": not a chat message but a user's summary push (SPEC 1.7); `body` holds its counts. */
  kind?: 'summary';
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
  /** Absent for a summary push. */
  conversation?: ConversationRef;
  /** The sender (absent for a summary push). */
  from?: string;
  push: boolean;
  reason: ReasonCode;
  /** How the message went through do-not-disturb, when it did (SPEC 1.8). */
  via?: Via;
  /** How the message mentions the user, when it does. */
  mention?: Mention;
  /** A summary push: what it counted. */
  summary?: { count: number; mentions: number; conversations: number };
  devices: TraceDevice[];
}

/** One decision to record: [username, push, reason, devices, via, mention]. */
export type NewTrace = [string, boolean, ReasonCode, TraceDevice[], Via?, Mention?];

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
  /** Removes a token before its expiry (revocation); callers then announce it (accounts.ts `revokeToken`). */
  deleteToken(hash: string): Awaitable<void>;
  /** Which of these usernames exist. */
  existing(usernames: readonly string[]): Awaitable<Set<string>>;
  nickname(username: string): Awaitable<string>;
  setNickname(username: string, nickname: string): Awaitable<void>;
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
  /** How many conversations (both scopes) have a settings row of this user (SPEC 7 per-user bound). */
  conversationCount(username: string): Awaitable<number>;
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
  /** The user's known devices (IM resources), idle longest first (`last_seen` ascending, then resource). */
  devices(username: string): Awaitable<{ resource: string; last_seen: number }[]>;
  /**
   * Forgets a device (SPEC 7: at most 32 resources per user): its devices row, its pending
   * device_inbox rows and its group cursors (what it acknowledged still counts for the user's
   * next new device), in one transaction. Its bindings stay (they are bounded on their own).
   */
  dropDevice(username: string, resource: string): Awaitable<void>;
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

/** A user's pending summary (SPEC 1.7): what app-level do-not-disturb held, and when quiet ends. */
export interface SummaryRow {
  username: string;
  counts: SummaryCounts;
  /** When the user's app-level quiet time ends; null when it never does (until settings change). */
  due: number | null;
}

export interface SummariesPort {
  get(username: string): Awaitable<SummaryRow | undefined>;
  /** Claims up to `limit` due summaries for `node` until `now + leaseMs` (one node sends each). */
  claimDue(node: string, now: number, limit: number, leaseMs: number): Awaitable<SummaryRow[]>;
  /** The earliest due time of an unclaimed summary, or null. */
  nextDue(now: number): Awaitable<number | null>;
  /** Moves a pending summary (settings changed, or still quiet) and gives up its claim; no-op when none is pending. */
  reschedule(username: string, due: number | null): Awaitable<void>;
  /** Forgets a user's pending summary (a device came online, or nothing to send). */
  drop(username: string): Awaitable<void>;
}

/** A job to queue (SPEC 9): `key` set = at most one pending job per key (a new one replaces its payload). */
export interface NewJob {
  kind: string;
  payload: string;
  due: number;
  key?: string;
}

/** A claimed job. `gen` changes when a keyed job is replaced while claimed (then `done` keeps it). */
export interface JobRow {
  id: number;
  kind: string;
  key: string | null;
  payload: string;
  attempts: number;
  due: number;
  gen: number;
}

/** Outcomes counted per job kind, with the last error seen. */
export interface JobOutcome {
  kind: string;
  outcome: string;
  n: number;
  last_error: string | null;
  last_at: number;
}

/**
 * The durable jobs queue of SPEC 9 (message callbacks to send, callbacks received to decide,
 * settings to mirror upstream): leased claims like the delivery queue, so several nodes share it
 * and a dead node's jobs come back when its lease runs out; plus the callId dedup table.
 */
export interface JobsPort {
  /** Queues a job; with a key, replaces the pending job of that key (earliest due kept, attempts reset). */
  add(job: NewJob, now: number): Awaitable<void>;
  /**
   * Records a received callback's id (kept until `keepUntil`) and queues its job, atomically;
   * false (nothing queued) when the id was already seen and has not expired.
   */
  accept(callId: string, keepUntil: number, job: NewJob, now: number): Awaitable<boolean>;
  /** Claims up to `limit` due jobs for `node` until `now + leaseMs`, oldest first. */
  claim(node: string, now: number, limit: number, leaseMs: number): Awaitable<JobRow[]>;
  /** The earliest due time after `now` of an unclaimed job, or null. */
  nextDueAfter(now: number): Awaitable<number | null>;
  /** Ends a job (unless it was replaced since it was claimed: then it is given back) and counts the outcome. */
  done(job: Pick<JobRow, 'id' | 'kind' | 'gen'>, outcome: string, error: string | null, now: number): Awaitable<void>;
  /** Reschedules a job, gives up its claim, and notes the error. */
  retry(id: number, attempts: number, due: number, error: string | null): Awaitable<void>;
  /** Gives up every claim of `node`. */
  release(node: string): Awaitable<number>;
  /** Pending jobs of a kind, optionally only those whose key starts with `keyPrefix`. */
  pending(kind: string, keyPrefix?: string): Awaitable<number>;
  /** The last error noted on a pending job with this key, if any. */
  errorOf(key: string): Awaitable<string | null>;
  outcomes(): Awaitable<JobOutcome[]>;
}

/** What the fan-out decided, written in one transaction with the message itself. */
export interface MessageCommit {
  message: ImMessage;
  /** Recipients that get an inbox row (everyone but the sender; none when the message goes to `group`'s log). */
  inbox: readonly string[];
  /**
   * The group (or room) whose members are the recipients: the message is stored once in its log,
   * which each member's devices read from the member's join on, instead of a row per member.
   */
  group?: string;
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
  /** Jobs queued with the message (SPEC 9.1: its callbacks), so a crash loses none. */
  jobs?: readonly NewJob[];
  now: number;
  /**
   * Users whose held message counts towards their summary (SPEC 1.7): the engine reads their
   * pending counts, calls `summarize` (no I/O) and stores what it returns, in the same transaction.
   */
  summaryUsers?: readonly string[];
  summarize?: (current: Map<string, SummaryCounts>) => Map<string, { counts: SummaryCounts; due: number | null }>;
  /** A summary push: the user whose pending summary is sent (and so dropped) in this transaction. */
  summarySentTo?: string;
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
  readonly summaries: SummariesPort;
  readonly jobs: JobsPort;
  /** Stores a message, its log or inbox and device rows, offline counts, trace and deliveries atomically. */
  commitMessage(c: MessageCommit): Awaitable<CommitResult>;
  /**
   * Records many delivery outcomes at once (one transaction): a big group's thousands of pushes
   * cost a few statements per batch instead of a transaction per push.
   */
  settleDeliveries(rows: readonly SettledDelivery[]): Awaitable<void>;
  /**
   * A device signed in on the IM connection, as one unit (SPEC 3.7, 1.6, 1.7): a resource new to
   * the user inherits what no device of the user has acknowledged; the device is marked seen and
   * no longer kicked; the user's offline count resets; a pending summary is dropped. One commit
   * (one round trip on PostgreSQL) instead of four: a reconnect storm is bounded by these.
   * True when the resource was new to the user (the per-user bound on resources may apply).
   */
  deviceOnline(username: string, resource: string, now: number): Awaitable<boolean>;
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
