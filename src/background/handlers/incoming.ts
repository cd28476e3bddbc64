/**
 * One entry point for every push, from Web Push or the stream: shown once per message id,
 * recorded, and the offline count taken for the badge.
 */
import { CONVERSATION_TYPES, type ConversationRef, type PushPayload } from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import { updateBadge } from './badge.ts';
import { rememberConversation } from './conversations.ts';
import type { Ctx } from './context.ts';

/** Reads a push payload (SPEC 4) from untrusted JSON; null when it is not one. */
export function readPayload(raw: unknown): PushPayload | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const p = raw as Record<string, unknown>;
  const c = p.conversation as Record<string, unknown> | undefined;
  if (typeof p.m !== 'string' || p.m === '' || p.m.length > 128) return null;
  if (typeof c !== 'object' || c === null || typeof c.id !== 'string' || !(CONVERSATION_TYPES as readonly unknown[]).includes(c.type)) return null;
  return {
    ...(p as unknown as PushPayload),
    title: typeof p.title === 'string' ? p.title : '',
    body: typeof p.body === 'string' ? p.body : '',
    badge: typeof p.badge === 'number' && Number.isFinite(p.badge) && p.badge >= 0 ? Math.floor(p.badge) : 0,
    conversation: { id: c.id, type: c.type as ConversationRef['type'] },
  };
}

/** The notification text: the message, plus where it was said (the group's name when known). */
export function notificationBody(p: PushPayload, groupName?: string): string {
  if (p.conversation.type === 'singleChat') return p.body;
  const where = t(p.conversation.type === 'chatRoom' ? 'bgNotificationInRoom' : 'bgNotificationInGroup', [groupName || p.conversation.id]);
  return `${p.body}\n${where}`;
}

/** Handles one push; true when a notification was shown (false for duplicates and junk). */
export async function handlePushPayload(ctx: Ctx, raw: unknown): Promise<boolean> {
  const p = readPayload(raw);
  if (!p) return false;
  const now = ctx.now();
  const fresh = await ctx.db.markSeen(p.m, now);
  if (!fresh) return false;
  const title = p.title || t('appName');
  // A direct chat is named after the peer, whose nickname is the push's title (SPEC 4); a
  // group is only remembered as a recent chat (its name comes from the group list).
  const direct = p.conversation.type === 'singleChat' && p.f === p.conversation.id;
  await rememberConversation(ctx, p.conversation, direct ? p.title : undefined);
  const body = notificationBody(p, (await ctx.db.getConversation(p.conversation))?.name);
  await ctx.browser.showNotification({ tag: p.m, title, body, data: { m: p.m, conversation: p.conversation }, muteActionTitle: t('bgNotificationMute1h') });
  await ctx.db.recordShown({ id: p.m, title, body, conversation: p.conversation, shownAt: now });
  await ctx.db.set('offlineCount', p.badge);
  const push = await ctx.db.get('push');
  await ctx.db.set('push', { channel: push?.channel ?? 'none', notifierName: push?.notifierName ?? '', bound: push?.bound ?? false, lastError: push?.lastError ?? '', lastPushAt: now });
  await updateBadge(ctx);
  return true;
}
