/** The StatusView the popup renders, built from the cache only (never waits on the network). */
import { quietStatus } from '../../core/index.ts';
import { parseChatUrl } from '../../shared/chat-url.ts';
import type { ConversationView, PushStatusView, StatusView } from '../../shared/protocol.ts';
import { badgeInput, computeBadge } from './badge.ts';
import type { Ctx } from './context.ts';
import { chatPatterns } from './patterns.ts';
import { sessionView } from './session.ts';
import { EMPTY_CONVERSATION_SETTINGS } from '../../core/index.ts';

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
  const cached = await ctx.db.getConversation(conversation);
  return { conversation, settings: cached?.settings ?? EMPTY_CONVERSATION_SETTINGS };
}

/** Everything the popup needs, from storage and IndexedDB. */
export async function buildStatus(ctx: Ctx, tabUrl?: string): Promise<StatusView> {
  const now = ctx.now();
  const input = await badgeInput(ctx);
  const [language, pending, syncError, lastSyncedAt, push, chat] = await Promise.all([
    ctx.db.get('language'),
    ctx.db.outboxAll(),
    ctx.db.get('syncError'),
    ctx.db.get('lastSyncedAt'),
    pushStatus(ctx),
    currentChat(ctx, tabUrl),
  ]);
  const q = input.app ? quietStatus(input.app, undefined, now) : null;
  const badge = computeBadge(input, now);
  return {
    session: sessionView(input.session, now),
    app: input.app,
    language: language ?? '',
    quiet: q ? { quiet: q.quiet, reason: q.reason, quietUntil: q.quietUntil, nextChange: q.nextChange } : { quiet: false, reason: null, quietUntil: null, nextChange: null },
    badge: { text: badge.text, title: badge.title },
    pending: pending.length,
    syncError: syncError?.message ?? '',
    lastSyncedAt: lastSyncedAt ?? 0,
    offlineCount: input.offlineCount,
    push,
    timeZone: ctx.browser.timeZone(),
    currentChat: chat,
  };
}
