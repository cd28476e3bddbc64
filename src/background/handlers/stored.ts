/**
 * Validation of what is read back from IndexedDB. A record damaged by an old version, a bug
 * or a hand edit is repaired field by field to the defaults (as Dark Reader does for its
 * settings), so one bad field never takes the whole cache, or the worker, down.
 */
import {
  type AppSettings, CONVERSATION_TYPES, type ConversationRef, type ConversationSettings, DEFAULT_APP_SETTINGS, formatEntryInterval, keywordsSchema,
  parseSchema, prioritySendersSchema, pushRulesToBody, quietScheduleSchema, REMIND_TYPES, type Schema, summarySchema, usernameSchema,
} from '../../core/index.ts';
import type { CachedConversation, KvValues, OutboxEntry, OutboxOp, PushRulesWire, PushState, QuickAction, RecentSender } from './deps.ts';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, d = 0): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : d);
const str = (v: unknown, d = ''): string => (typeof v === 'string' ? v : d);
const remind = (v: unknown): AppSettings['type'] | undefined => ((REMIND_TYPES as readonly unknown[]).includes(v) ? (v as AppSettings['type']) : undefined);
const minute = (v: unknown): number | undefined => (Number.isInteger(v) && (v as number) >= 0 && (v as number) < 1440 ? (v as number) : undefined);

function zoneOk(z: unknown): z is string {
  if (typeof z !== 'string' || z === '') return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: z });
    return true;
  } catch {
    return false;
  }
}

/** App settings with each bad field replaced by its default. */
export function repairApp(v: unknown): AppSettings {
  const r = isRec(v) ? v : {};
  const w = isRec(r.window) ? r.window : null;
  const start = w ? minute(w.start) : undefined;
  const end = w ? minute(w.end) : undefined;
  return {
    type: remind(r.type) ?? DEFAULT_APP_SETTINGS.type,
    window: start !== undefined && end !== undefined ? { start, end } : null,
    durationUntil: num(r.durationUntil),
    timeZone: zoneOk(r.timeZone) ? r.timeZone : DEFAULT_APP_SETTINGS.timeZone,
    // SPEC 1.7 fields, checked with core's own schemas (the stored form is core's model).
    quietSchedule: valid(quietScheduleSchema, (r.quietSchedule as unknown[] | undefined)?.map(scheduleEntryToWire), []),
    windowSkipUntil: num(r.windowSkipUntil),
    prioritySenders: valid(prioritySendersSchema, r.prioritySenders, []),
    keywords: valid(keywordsSchema, r.keywords, []),
    summary: valid(summarySchema, r.summary, false),
  };
}

/** A value through a core schema, or the default when absent or invalid. */
function valid<T>(schema: Schema<T>, v: unknown, fallback: T): T {
  if (v === undefined) return fallback;
  const r = parseSchema(schema, v);
  return r.ok ? r.value : fallback;
}

/** A stored schedule entry ({days, interval: {start, end}}) back in wire form, for core's schema. */
function scheduleEntryToWire(e: unknown): unknown {
  if (!isRec(e) || !isRec(e.interval)) return e;
  const { start, end } = e.interval;
  if (minute(start) === undefined || minute(end) === undefined) return e;
  return { days: e.days, interval: formatEntryInterval({ start: start as number, end: end as number }) };
}

const MAX_RECENT_SENDERS = 50;

function repairSenders(v: unknown): RecentSender[] {
  if (!Array.isArray(v)) return [];
  return v.flatMap((s): RecentSender[] => {
    if (!isRec(s) || !parseSchema(usernameSchema, s.username).ok) return [];
    const name = typeof s.name === 'string' && s.name.trim() ? s.name.slice(0, 128) : undefined;
    return [{ username: s.username as string, at: num(s.at), ...(name ? { name } : {}) }];
  }).slice(0, MAX_RECENT_SENDERS);
}

function repairPush(v: unknown): PushState {
  const r = isRec(v) ? v : {};
  const channel = r.channel === 'webpush' || r.channel === 'stream' ? r.channel : 'none';
  return { channel, notifierName: str(r.notifierName), bound: r.bound === true, lastPushAt: num(r.lastPushAt), lastError: str(r.lastError) };
}

function repairRef(v: unknown): ConversationRef | undefined {
  if (!isRec(v) || typeof v.id !== 'string' || v.id === '' || !(CONVERSATION_TYPES as readonly unknown[]).includes(v.type)) return undefined;
  return { id: v.id, type: v.type as ConversationRef['type'] };
}

function repairQuick(v: unknown): QuickAction | undefined {
  if (!isRec(v) || !isRec(v.undo) || typeof v.what !== 'string') return undefined;
  const subs = Array.isArray(v.subs) ? v.subs.filter((x): x is string => typeof x === 'string') : [];
  const u = v.undo;
  if (u.kind === 'pause') return { at: num(v.at), what: v.what, subs, undo: { kind: 'pause', durationUntil: num(u.durationUntil) } };
  const conversation = repairRef(u.conversation);
  if (u.kind !== 'conversation' || !conversation) return undefined;
  const type = remind(u.type);
  return { at: num(v.at), what: v.what, subs, undo: { kind: 'conversation', conversation, ...(type ? { type } : {}), durationUntil: num(u.durationUntil) } };
}

/** A kv value as stored, repaired; undefined when absent or beyond repair. */
export function repairKv<K extends keyof KvValues>(key: K, v: unknown): KvValues[K] | undefined {
  if (v === undefined) return undefined;
  const out: { [P in keyof KvValues]: () => KvValues[P] | undefined } = {
    app: () => repairApp(v),
    language: () => str(v),
    lastSyncedAt: () => num(v),
    syncError: () => (isRec(v) ? { message: str(v.message), retryable: v.retryable === true } : { message: '', retryable: false }),
    offlineCount: () => Math.floor(num(v)),
    push: () => repairPush(v),
    windowSkipUntil: () => num(v),
    nextRetryAt: () => num(v),
    lastQuickAction: () => repairQuick(v),
    groupsSyncedAt: () => num(v),
    recentSenders: () => repairSenders(v),
  };
  return out[key]() as KvValues[K] | undefined;
}

/** A cached conversation, repaired; undefined when even its reference is unreadable. */
export function repairConversation(v: unknown): CachedConversation | undefined {
  if (!isRec(v)) return undefined;
  const conversation = repairRef(v.conversation);
  if (!conversation) return undefined;
  const s = isRec(v.settings) ? v.settings : {};
  const type = remind(s.type);
  const settings: ConversationSettings = { ...(type ? { type } : {}), durationUntil: num(s.durationUntil) };
  const name = typeof v.name === 'string' && v.name.trim() !== '' ? v.name.slice(0, 128) : undefined;
  return { conversation, settings, seenAt: num(v.seenAt), ...(name ? { name } : {}) };
}

function repairOp(v: unknown): OutboxOp | undefined {
  if (!isRec(v)) return undefined;
  if (v.kind === 'app' && isRec(v.options)) return { kind: 'app', options: v.options };
  if (v.kind === 'language' && typeof v.language === 'string') return { kind: 'language', language: v.language };
  if (v.kind === 'skip') return { kind: 'skip', until: num(v.until) };
  if (v.kind === 'rules') {
    // Re-checked with core: a damaged rules write is dropped rather than sent wrong.
    const body = pushRulesToBody(v.rules);
    return body.ok ? { kind: 'rules', rules: body.value as PushRulesWire } : undefined;
  }
  const conversation = repairRef(v.conversation);
  if (v.kind !== 'conversation' || !conversation) return undefined;
  const rt = v.remindType === 'DEFAULT' ? 'DEFAULT' : remind(v.remindType);
  const d = typeof v.durationMs === 'number' && Number.isFinite(v.durationMs) && v.durationMs >= 0 ? v.durationMs : undefined;
  if (rt === undefined && d === undefined) return undefined;
  return { kind: 'conversation', conversation, ...(rt ? { remindType: rt } : {}), ...(d !== undefined ? { durationMs: d } : {}) };
}

/**
 * A queued write, repaired; undefined when it cannot be sent as meant (the caller drops it).
 * One unreadable entry must not block every write queued after it.
 */
export function repairOutboxEntry(v: unknown): OutboxEntry | undefined {
  if (!isRec(v) || typeof v.id !== 'number') return undefined;
  const op = repairOp(v.op);
  if (!op) return undefined;
  return { id: v.id, op, createdAt: num(v.createdAt), attempts: Math.floor(num(v.attempts)) };
}
