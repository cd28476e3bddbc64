/** The StatusView the popup renders, built from the cache only (never waits on the network). */
import { parseChatUrl } from '../../shared/chat-url.ts';
import type { PendingChange, PushStatusView, StatusView } from '../../shared/protocol.ts';
import { effectiveQuiet } from '../../shared/quiet-view.ts';
import { BADGE_KV, badgeInputOf, computeBadge } from './badge.ts';
import type { Ctx } from './context.ts';
import { conversationView } from './conversations.ts';
import type { KvValues, OutboxEntry } from './deps.ts';
import { PATTERNS_KEY, patternsOf } from './patterns.ts';
import { quickViewOf } from './quick.ts';
import { LAST_ACCOUNT_KEY, lastAccountOf, SESSION_KEY, sessionOf, sessionView } from './session.ts';

/** What a queued write changes, as the UI names it. */
export function pendingChange(e: OutboxEntry): PendingChange {
  const op = e.op;
  if (op.kind === 'conversation') return { kind: 'conversation', conversation: op.conversation };
  if (op.kind === 'language' || op.kind === 'skip' || op.kind === 'rules') return { kind: op.kind };
  if (op.options.paramType === 0) return { kind: 'mode' };
  if (op.options.paramType === 2) return { kind: 'window' };
  return { kind: op.options.duration === 0 ? 'resume' : 'pause' };
}

/** Push delivery as the UI shows it. */
export async function pushStatus(ctx: Ctx): Promise<PushStatusView> {
  return pushView(ctx, await ctx.db.get('push'));
}

/** The same from the stored push state, already read. */
function pushView(ctx: Ctx, p: KvValues['push'] | undefined): PushStatusView {
  return {
    channel: p?.channel ?? 'none',
    bound: p?.bound ?? false,
    streamConnected: ctx.runtime.stream?.connected ?? false,
    lastPushAt: p?.lastPushAt ?? 0,
    lastError: p?.lastError ?? '',
  };
}

/** The tab's URL as given, else the active tab's (undefined when unreadable). */
async function tabUrlOr(ctx: Ctx, tabUrl: string | undefined): Promise<string | undefined> {
  if (tabUrl !== undefined) return tabUrl;
  try {
    return await ctx.browser.activeTabUrl();
  } catch {
    return undefined;
  }
}

/** Every IndexedDB value the status shows, read in one transaction. */
const STATUS_KV = [...BADGE_KV, 'language', 'lastSyncedAt', 'nextRetryAt', 'push', 'lastQuickAction'] as const;

/**
 * Everything the popup needs, from storage and IndexedDB. B5: the popup waits for this, so
 * it is one IndexedDB transaction, one storage read, the outbox and the tab query side by side
 * (then the chat's own settings if the tab shows one), not a round trip per value.
 */
export async function buildStatus(ctx: Ctx, tabUrl?: string): Promise<StatusView> {
  const now = ctx.now();
  const [kv, stored, pending, url] = await Promise.all([
    ctx.db.getMany(STATUS_KV),
    ctx.browser.storageGetMany([SESSION_KEY, LAST_ACCOUNT_KEY, PATTERNS_KEY]),
    ctx.db.outboxAll(),
    tabUrlOr(ctx, tabUrl),
  ]);
  const session = sessionOf(stored[SESSION_KEY]);
  const input = badgeInputOf(session, kv, ctx.browser.timeZone());
  const conversation = parseChatUrl(url, patternsOf(stored[PATTERNS_KEY], session));
  const chat = conversation ? await conversationView(ctx, conversation) : null;
  const { language, syncError, lastSyncedAt, nextRetryAt, windowSkipUntil: skip } = kv;
  const q = input.app ? effectiveQuiet(input.app, skip ?? 0, now).status : null;
  const problem = !syncError?.message ? '' : syncError.retryable ? 'unreachable' : 'refused';
  const badge = computeBadge(input, now);
  return {
    session: sessionView(input.session, now),
    lastAccount: lastAccountOf(stored[LAST_ACCOUNT_KEY]),
    app: input.app,
    language: language ?? '',
    quiet: q
      ? { quiet: q.quiet, reason: q.reason, rule: q.rule, quietUntil: q.quietUntil, nextChange: q.nextChange }
      : { quiet: false, reason: null, rule: null, quietUntil: null, nextChange: null },
    badge: { text: badge.text, title: badge.title },
    pending: pending.length,
    pendingChanges: pending.map(pendingChange),
    nextRetryAt: pending.length > 0 ? (nextRetryAt ?? 0) : 0,
    syncError: syncError?.message ?? '',
    syncProblem: problem,
    windowSkipUntil: skip === undefined ? null : skip > now ? skip : 0,
    quickAction: quickViewOf(kv.lastQuickAction, now),
    lastSyncedAt: lastSyncedAt ?? 0,
    offlineCount: input.offlineCount,
    push: pushView(ctx, kv.push),
    timeZone: ctx.browser.timeZone(),
    currentChat: chat,
  };
}
