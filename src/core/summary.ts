/**
 * The summary when quiet ends (SPEC 1.7, 4): counts of messages held by app-level
 * do-not-disturb, kept per user as plain data (so any store can save it as JSON), and the payload.
 */
import type { AppSettings, ConversationRef, ReasonCode } from './model.ts';
import { quietStatus } from './quiet-hours.ts';

export interface SummaryConversation {
  readonly id: string;
  readonly type: ConversationRef['type'];
  readonly count: number;
  readonly mentions: number;
  /** When its latest held message arrived. */
  readonly last: number;
}

/** What a user's pending summary holds; `count` 0 = nothing to send. */
export interface SummaryCounts {
  readonly count: number;
  readonly mentions: number;
  /** When the first counted message arrived; 0 when empty. */
  readonly since: number;
  /** Latest first; at most MAX_SUMMARY_TRACKED (totals stay exact beyond). */
  readonly conversations: readonly SummaryConversation[];
}

export const EMPTY_SUMMARY: SummaryCounts = Object.freeze({ count: 0, mentions: 0, since: 0, conversations: Object.freeze([]) });
/** Conversations kept in the counts: enough to show the 5 latest after many more went quiet. */
export const MAX_SUMMARY_TRACKED = 50;
/** Conversations listed in a summary push. */
export const MAX_SUMMARY_CONVERSATIONS = 5;

/** Does this decision count towards the user's summary? Only app-level DND, and only with `summary` on. */
export function countsForSummary(app: AppSettings, reason: ReasonCode): boolean {
  return app.summary === true && (reason === 'DND_APP_WINDOW' || reason === 'DND_APP_DURATION');
}

/** Adds one held message; returns new counts (the input is not changed). */
export function addHeldMessage(
  counts: SummaryCounts,
  held: { readonly conversation: ConversationRef; readonly ts: number; readonly mentioned: boolean },
): SummaryCounts {
  const m = held.mentioned ? 1 : 0;
  const prev = counts.conversations.find((c) => c.id === held.conversation.id && c.type === held.conversation.type);
  const entry: SummaryConversation = {
    id: held.conversation.id,
    type: held.conversation.type,
    count: (prev?.count ?? 0) + 1,
    mentions: (prev?.mentions ?? 0) + m,
    last: Math.max(prev?.last ?? 0, held.ts),
  };
  const conversations = [entry, ...counts.conversations.filter((c) => c !== prev)]
    .sort((a, b) => b.last - a.last)
    .slice(0, MAX_SUMMARY_TRACKED);
  return {
    count: counts.count + 1,
    mentions: counts.mentions + m,
    since: counts.count === 0 ? held.ts : Math.min(counts.since, held.ts),
    conversations,
  };
}

export interface SummaryPayload {
  readonly v: 1;
  readonly kind: 'summary';
  /** Receiver. */
  readonly t: string;
  readonly count: number;
  readonly mentions: number;
  readonly since: number;
  /** At most 5, latest first. */
  readonly conversations: readonly { readonly id: string; readonly type: ConversationRef['type']; readonly count: number; readonly mentions: number }[];
  readonly badge: number;
  readonly ts: number;
}

/** The summary push (SPEC 4): counts and conversations, never message text. */
export function buildSummaryPayload(args: { receiver: string; counts: SummaryCounts; badge: number; now: number }): SummaryPayload {
  const { counts } = args;
  return {
    v: 1,
    kind: 'summary',
    t: args.receiver,
    count: counts.count,
    mentions: counts.mentions,
    since: counts.since,
    conversations: [...counts.conversations]
      .sort((a, b) => b.last - a.last)
      .slice(0, MAX_SUMMARY_CONVERSATIONS)
      .map((c) => ({ id: c.id, type: c.type, count: c.count, mentions: c.mentions })),
    badge: args.badge,
    ts: args.now,
  };
}

/**
 * When a pending summary is due (SPEC 1.7): the end of the user's app-level quiet time at `now`
 * (touching or overlapping rules merged), `now` itself when not quiet, null when quiet never ends.
 */
export function summaryDueAt(app: AppSettings, now: number): number | null {
  const s = quietStatus(app, undefined, now);
  return s.quiet ? s.quietUntil : now;
}
