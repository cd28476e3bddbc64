/**
 * The summary push (SPEC 1.7, 4) worded for people in the browser's language: "While you were
 * quiet" / "12 messages in 3 chats, 2 mention you", with plurals from Intl.PluralRules, and the
 * chats it lists by name where this browser knows them.
 */
import { CONVERSATION_TYPES, type ConversationRef } from '../core/index.ts';
import { plural, t, type Translate, uiLanguage } from './i18n.ts';

/** The summary payload as the extension reads it. */
export interface SummaryPush {
  /** Its id, for showing it once (the server's `m`). */
  readonly m: string;
  readonly count: number;
  readonly mentions: number;
  readonly since: number;
  readonly conversations: readonly (ConversationRef & { readonly count: number; readonly mentions: number })[];
  readonly badge: number;
  readonly ts: number;
}

/** The payload's listing of conversations is capped (SPEC 4). */
const LISTED = 5;

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : 0);

/** Reads a summary push from untrusted JSON; null when it is not one. */
export function readSummary(raw: unknown): SummaryPush | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const p = raw as Record<string, unknown>;
  if (p.kind !== 'summary' || typeof p.m !== 'string' || p.m === '' || p.m.length > 128) return null;
  const conversations = (Array.isArray(p.conversations) ? p.conversations : []).flatMap((c: unknown) => {
    if (typeof c !== 'object' || c === null) return [];
    const r = c as Record<string, unknown>;
    if (typeof r.id !== 'string' || !(CONVERSATION_TYPES as readonly unknown[]).includes(r.type)) return [];
    return [{ id: r.id, type: r.type as ConversationRef['type'], count: count(r.count), mentions: count(r.mentions) }];
  }).slice(0, LISTED);
  return { m: p.m, count: count(p.count), mentions: count(p.mentions), since: count(p.since), conversations, badge: count(p.badge), ts: count(p.ts) };
}

export interface Wording {
  readonly t: Translate;
  readonly locale: string;
}

const browserWording = (): Wording => ({ t, locale: uiLanguage() });

/**
 * "12 messages in 3 chats, 2 mention you". `chats` is how many chats held them: the payload
 * lists at most 5, so a listing of 5 that does not add up to the count says "5+ chats".
 */
export function summaryCounts(s: { count: number; mentions: number; chats: number; more?: boolean }, w: Wording = browserWording()): string {
  const messages = plural('commonSummaryMessages', s.count, w.locale, w.t);
  const chats = s.more ? w.t('commonSummaryChatsMore', String(s.chats)) : plural('commonSummaryChats', s.chats, w.locale, w.t);
  if (s.mentions <= 0) return w.t('commonSummaryBody', [messages, chats]);
  return w.t('commonSummaryBodyMentions', [messages, chats, plural('commonSummaryMentions', s.mentions, w.locale, w.t)]);
}

/** The notification: title, counts, and the chats by name ("Team: 8 · bob: 3"). */
export function summaryNotification(
  s: SummaryPush,
  nameOf: (c: ConversationRef) => string | undefined,
  w: Wording = browserWording(),
): { title: string; body: string } {
  const listed = s.conversations.reduce((n, c) => n + c.count, 0);
  const more = s.conversations.length >= LISTED && listed < s.count;
  const chats = Math.max(1, s.conversations.length);
  const counts = summaryCounts({ count: s.count, mentions: s.mentions, chats, more }, w);
  const names = s.conversations.map((c) => w.t('commonSummaryChatCount', [nameOf(c) || c.id, String(c.count)]));
  return { title: w.t('commonSummaryTitle'), body: names.length ? `${counts}\n${names.join(' · ')}` : counts };
}
