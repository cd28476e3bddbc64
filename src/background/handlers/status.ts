/** The StatusView the popup renders, built from the cache only (never waits on the network). */
import { parseChatUrl } from '../../shared/chat-url.ts';
import type { ConversationView, PendingChange, PushStatusView, StatusView } from '../../shared/protocol.ts';
import { effectiveQuiet } from '../../shared/quiet-view.ts';
import { badgeInput, computeBadge } from './badge.ts';
import type { Ctx } from './context.ts';
import { conversationView } from './conversations.ts';
import type { OutboxEntry } from './deps.ts';
import { chatPatterns } from './patterns.ts';
import { quickView } from './quick.ts';
import { lastAccount, sessionView } from './session.ts';

/** What a queued write changes, as the UI names it. */
export function pendingChange(e: OutboxEntry): PendingChange {
  const op = e.op;
  if (op.kind === 'conversation') return { kind: 'conversation', conversation: op.conversation };
  if (op.kind === 'language' || op.kind === 'skip') return { kind: op.kind };
  if (op.options.paramType === 0) return { kind: 'mode' };
  if (op.options.paramType === 2) return { kind: 'window' };
  return { kind: op.options.duration === 0 ? 'resume' : 'pause' };
}

/** Push delivery as the UI shows it. */
export async function pushStatus(ctx: Ctx): Promise<PushStatusView> {
  const p = await ctx.db.get('push');
  return {
    channel: p?.channel ?? 'none',
    bound: p?.bound ?? false,
    streamConnected: ctx.runtime.stream?.connected ?? false,
    lastPushAt: p?.lastPushAt ?? 0,
    lastError: p?.lastError ?? '',
  };
}

/** The chat a tab URL shows, with its cached settings. */
export async function currentChat(ctx: Ctx, tabUrl: string | undefined): Promise<ConversationView | null> {
  let url = tabUrl;
  if (url === undefined) {
    try {
      url = await ctx.browser.activeTabUrl();
    } catch {
      url = undefined;
    }
  }
  const conversation = parseChatUrl(url, await chatPatterns(ctx));
  if (!conversation) return null;
  return conversationView(ctx, conversation);
}

/** Everything the popup needs, from storage and IndexedDB. */
export async function buildStatus(ctx: Ctx, tabUrl?: string): Promise<StatusView> {
  const now = ctx.now();
  const input = await badgeInput(ctx);
  const [language, pending, syncError, lastSyncedAt, push, chat, nextRetryAt, skip, quick, last] = await Promise.all([
    ctx.db.get('language'),
    ctx.db.outboxAll(),
    ctx.db.get('syncError'),
    ctx.db.get('lastSyncedAt'),
    pushStatus(ctx),
    currentChat(ctx, tabUrl),
    ctx.db.get('nextRetryAt'),
    ctx.db.get('windowSkipUntil'),
    quickView(ctx),
    lastAccount(ctx),
  ]);
  const q = input.app ? effectiveQuiet(input.app, skip ?? 0, now).status : null;
  const problem = !syncError?.message ? '' : syncError.retryable ? 'unreachable' : 'refused';
  const badge = computeBadge(input, now);
  return {
    session: sessionView(input.session, now),
    lastAccount: last,
    app: input.app,
    language: language ?? '',
    quiet: q ? { quiet: q.quiet, reason: q.reason, quietUntil: q.quietUntil, nextChange: q.nextChange } : { quiet: false, reason: null, quietUntil: null, nextChange: null },
    badge: { text: badge.text, title: badge.title },
    pending: pending.length,
    pendingChanges: pending.map(pendingChange),
    nextRetryAt: pending.length > 0 ? (nextRetryAt ?? 0) : 0,
    syncError: syncError?.message ?? '',
    syncProblem: problem,
    windowSkipUntil: skip === undefined ? null : skip > now ? skip : 0,
    quickAction: quick,
    lastSyncedAt: lastSyncedAt ?? 0,
    offlineCount: input.offlineCount,
    push,
    timeZone: ctx.browser.timeZone(),
    currentChat: chat,
  };
}
