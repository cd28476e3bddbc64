/**
 * Settings writes as outbox operations: validated with core, applied to the cache at once
 * (optimistic), and sent later with the client. The cache is always "server data + pending ops".
 */
import type { PushClient } from '../../client/index.ts';
import {
  type AppSettings, checkClockTime, type ConversationRef, type ConversationSettings, conversationTypeSchema,
  durationSchema, optionsToBody, parseLanguage, parseTimeZone, parseWith, pushRulesToBody, quietScheduleSchema, remindTypeSchema,
  windowFromClock,
} from '../../core/index.ts';
import { ProtocolError } from '../../shared/protocol.ts';
import type { OutboxEntry, OutboxOp, PushRulesWire } from './deps.ts';
import { invalid } from './errors.ts';

/** Checks an app-level SDK `options` object with core; throws invalid_argument. */
export function checkAppOptions(options: Record<string, unknown>): Extract<OutboxOp, { kind: 'app' }> {
  const body = optionsToBody(options, 'app');
  if (!body.ok) throw invalid(body.errors);
  return { kind: 'app', options };
}

/** Checks a conversation reference coming from the UI or a URL. */
export function checkConversation(value: unknown, field = 'conversation'): ConversationRef {
  if (typeof value !== 'object' || value === null) throw new ProtocolError('invalid_argument', `${field} is missing: an object {id, type}`, field);
  const c = value as Record<string, unknown>;
  const type = parseWith(conversationTypeSchema, c.type, `${field}.type`);
  if (!type.ok) throw invalid(type.errors);
  if (typeof c.id !== 'string' || c.id.length < 1 || c.id.length > 128)
    throw new ProtocolError('invalid_argument', `${field}.id ${JSON.stringify(c.id)}: a conversation id of 1–128 characters`, `${field}.id`);
  return { id: c.id, type: type.value };
}

/** The ops of one setConversation call: remind type first, then the duration. */
export function conversationOps(args: unknown): { conversation: ConversationRef; ops: OutboxOp[] } {
  if (typeof args !== 'object' || args === null) throw new ProtocolError('invalid_argument', 'arguments are missing: {conversation, remindType?, durationMs?}', 'conversation');
  const a = args as Record<string, unknown>;
  const conversation = checkConversation(a.conversation);
  const ops: OutboxOp[] = [];
  if (a.remindType !== undefined) {
    if (a.remindType !== 'DEFAULT') {
      const r = parseWith(remindTypeSchema, a.remindType);
      if (!r.ok) throw new ProtocolError('invalid_argument', `remindType ${JSON.stringify(a.remindType)}: one of "ALL", "AT", "NONE", or "DEFAULT" to follow the app setting`, 'remindType');
    }
    ops.push({ kind: 'conversation', conversation, remindType: a.remindType as 'ALL' | 'AT' | 'NONE' | 'DEFAULT' });
  }
  if (a.durationMs !== undefined) {
    const d = parseWith(durationSchema, a.durationMs, 'durationMs');
    if (!d.ok) throw invalid(d.errors);
    ops.push({ kind: 'conversation', conversation, durationMs: d.value });
  }
  if (ops.length === 0) throw new ProtocolError('invalid_argument', 'nothing to change: give remindType and/or durationMs', 'remindType');
  return { conversation, ops };
}

/** Checks a push language code with core (Azure spelling back). */
export function languageOp(value: unknown): Extract<OutboxOp, { kind: 'language' }> {
  const r = parseLanguage(value, 'language');
  if (!r.ok) throw invalid(r.errors);
  return { kind: 'language', language: r.value };
}

/** Daily window options (paramType 2) in the browser's zone; null turns the window off. */
export function quietHoursOptions(window: unknown, timeZone: string): Record<string, unknown> {
  const zone = parseTimeZone(timeZone);
  const tz = zone.ok ? zone.value : 'UTC';
  if (window === null) return { paramType: 2, startTime: { hours: 0, minutes: 0 }, endTime: { hours: 0, minutes: 0 }, timeZone: tz };
  if (typeof window !== 'object') throw new ProtocolError('invalid_argument', `window ${JSON.stringify(window)}: {start, end} clock times, or null for off`, 'window');
  const w = window as Record<string, unknown>;
  const start = checkClockTime('window.start', w.start);
  if (!start.ok) throw invalid(start.errors);
  const end = checkClockTime('window.end', w.end);
  if (!end.ok) throw invalid(end.errors);
  return { paramType: 2, startTime: start.value, endTime: end.value, timeZone: tz };
}

/**
 * Checks SPEC 1.7 rules from the options page with core (the client's own `setPushRules`
 * validation), so errors name the field the page shows them next to ("keywords[2]").
 */
export function rulesOp(data: unknown): Extract<OutboxOp, { kind: 'rules' }> {
  const body = pushRulesToBody(data);
  if (!body.ok) throw invalid(body.errors);
  return { kind: 'rules', rules: body.value as PushRulesWire };
}

/** A rules op applied to cached settings (the schedule read back into core's model). */
export function applyRulesOp(app: AppSettings, rules: Readonly<PushRulesWire>): AppSettings {
  let out = app;
  if (rules.quietSchedule !== undefined) {
    const s = parseWith(quietScheduleSchema, rules.quietSchedule);
    if (s.ok) out = { ...out, quietSchedule: s.value };
  }
  if (rules.prioritySenders !== undefined) out = { ...out, prioritySenders: rules.prioritySenders };
  if (rules.keywords !== undefined) out = { ...out, keywords: rules.keywords };
  if (rules.summary !== undefined) out = { ...out, summary: rules.summary };
  return out;
}

/** An app op applied to cached settings, as if made at `at`. */
export function applyAppOp(app: AppSettings, options: Readonly<Record<string, unknown>>, at: number): AppSettings {
  switch (options.paramType) {
    case 0:
      return { ...app, type: options.remindType as AppSettings['type'] };
    case 1: {
      const d = options.duration as number;
      return { ...app, durationUntil: d === 0 ? 0 : at + d };
    }
    case 2: {
      const window = windowFromClock(options.startTime as never, options.endTime as never);
      return { ...app, window, timeZone: typeof options.timeZone === 'string' ? options.timeZone : app.timeZone };
    }
    default:
      return app;
  }
}

/** A conversation op applied to cached settings. */
export function applyConversationOp(s: ConversationSettings, op: Extract<OutboxOp, { kind: 'conversation' }>, at: number): ConversationSettings {
  let out: ConversationSettings = s;
  if (op.remindType !== undefined) {
    const { type: _old, ...rest } = out;
    out = op.remindType === 'DEFAULT' ? rest : { ...rest, type: op.remindType };
  }
  if (op.durationMs !== undefined) out = { ...out, durationUntil: op.durationMs === 0 ? 0 : at + op.durationMs };
  return out;
}

/** Re-applies pending ops on top of fresh server data. */
export function withPendingApp(app: AppSettings, pending: readonly OutboxEntry[]): AppSettings {
  return pending.reduce((acc, e) => {
    if (e.op.kind === 'app') return applyAppOp(acc, e.op.options, e.createdAt);
    if (e.op.kind === 'rules') return applyRulesOp(acc, e.op.rules);
    if (e.op.kind === 'skip') return { ...acc, windowSkipUntil: e.op.until };
    return acc;
  }, app);
}

export function withPendingConversation(ref: ConversationRef, s: ConversationSettings, pending: readonly OutboxEntry[]): ConversationSettings {
  return pending.reduce(
    (acc, e) => (e.op.kind === 'conversation' && e.op.conversation.type === ref.type && e.op.conversation.id === ref.id ? applyConversationOp(acc, e.op, e.createdAt) : acc),
    s,
  );
}

/**
 * Sends one op. Durations count from when the user asked (createdAt), so a pause queued while
 * offline ends when it would have, not later.
 */
export async function sendOp(client: PushClient, entry: OutboxEntry, now: number): Promise<void> {
  const op = entry.op;
  const remaining = (d: number) => (d === 0 ? 0 : Math.max(0, entry.createdAt + d - now));
  if (op.kind === 'app') {
    const options = op.options.paramType === 1 ? { ...op.options, duration: remaining(op.options.duration as number) } : op.options;
    await client.setSilentModeForAll({ options });
  } else if (op.kind === 'rules') {
    await client.setPushRules(op.rules);
  } else if (op.kind === 'language') {
    await client.setPushPerformLanguage({ language: op.language });
  } else if (op.kind === 'skip') {
    const me = encodeURIComponent(client.username);
    await client.request({ method: 'PUT', path: `/users/${me}/notification/user/${me}`, body: { windowSkipUntil: op.until > now ? op.until : 0 }, idempotent: true });
  } else {
    const target = { conversationId: op.conversation.id, type: op.conversation.type };
    if (op.remindType === 'DEFAULT') await client.clearRemindTypeForConversation(target);
    else if (op.remindType !== undefined) await client.setSilentModeForConversation({ ...target, options: { paramType: 0, remindType: op.remindType } });
    if (op.durationMs !== undefined) await client.setSilentModeForConversation({ ...target, options: { paramType: 1, duration: remaining(op.durationMs) } });
  }
}
