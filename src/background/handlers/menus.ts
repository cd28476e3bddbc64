/**
 * Context menus (SPEC 5): "Mute this chat" on chat pages, pause/resume on the toolbar icon, and
 * the keyboard command. Clicks map to the same writes the popup makes.
 */
import { type ConversationRef, EMPTY_CONVERSATION_SETTINGS } from '../../core/index.ts';
import { documentPatternsFor, parseChatUrl } from '../../shared/chat-url.ts';
import { t } from '../../shared/i18n.ts';
import type { Ctx } from './context.ts';
import type { MenuItem } from './deps.ts';
import { chatPatterns } from './patterns.ts';
import { CONFIRM_TAG, confirmQuick, conversationUndo } from './quick.ts';
import { checkAppOptions } from './settings-ops.ts';
import { writeApp, writeConversation } from './settings.ts';

const HOUR = 3_600_000;

export const MENU_PARENT = 'mute-chat';
export const PAUSE_COMMAND = 'pause-1h';

/** Each chat menu item and the conversation change it makes. */
export const CHAT_ITEMS: Record<string, { titleKey: string; doneKey: string; change: { durationMs?: number; remindType?: 'AT' | 'NONE' | 'DEFAULT' } }> = {
  'mute-1h': { titleKey: 'bgMenuMute1h', doneKey: 'bgQuickMuted1h', change: { durationMs: HOUR } },
  'mute-8h': { titleKey: 'bgMenuMute8h', doneKey: 'bgQuickMuted8h', change: { durationMs: 8 * HOUR } },
  'mute-24h': { titleKey: 'bgMenuMute24h', doneKey: 'bgQuickMuted24h', change: { durationMs: 24 * HOUR } },
  'mute-7d': { titleKey: 'bgMenuMute7d', doneKey: 'bgQuickMuted7d', change: { durationMs: 7 * 24 * HOUR } },
  'mode-at': { titleKey: 'bgMenuOnlyMentions', doneKey: 'bgQuickModeAt', change: { remindType: 'AT' } },
  'mode-none': { titleKey: 'bgMenuNever', doneKey: 'bgQuickModeNone', change: { remindType: 'NONE' } },
  'mode-default': { titleKey: 'bgMenuFollowApp', doneKey: 'bgQuickModeDefault', change: { remindType: 'DEFAULT' } },
};

/** The menu tree for the given chat patterns. */
export function menuItems(patterns: readonly string[]): MenuItem[] {
  const documentUrlPatterns = documentPatternsFor(patterns);
  return [
    { id: MENU_PARENT, title: t('bgMenuMuteChat'), contexts: ['page'], documentUrlPatterns },
    ...Object.entries(CHAT_ITEMS).map(([id, item]): MenuItem => ({ id, parentId: MENU_PARENT, title: t(item.titleKey), contexts: ['page'], documentUrlPatterns })),
    { id: 'pause-1h', title: t('bgMenuPause1h'), contexts: ['action'] },
    { id: 'resume', title: t('bgMenuResume'), contexts: ['action'] },
  ];
}

/** (Re)creates the menus; called on install and when the patterns change. */
export async function installMenus(ctx: Ctx): Promise<void> {
  await ctx.browser.replaceMenus(menuItems(await chatPatterns(ctx)));
}

/** Pause every push for an hour (menu and keyboard command), confirmed and undoable. */
export async function pauseOneHour(ctx: Ctx): Promise<void> {
  const before = (await ctx.db.get('app'))?.durationUntil ?? 0;
  await writeApp(ctx, checkAppOptions({ paramType: 1, duration: HOUR }));
  await confirmQuick(ctx, { what: 'bgQuickPaused1h', subs: [], undo: { kind: 'pause', durationUntil: before } });
}

/** Mutes or sets the mode of one chat outside the popup, confirmed and undoable. */
export async function quickConversationChange(
  ctx: Ctx,
  conversation: ConversationRef,
  change: { durationMs?: number; remindType?: 'AT' | 'NONE' | 'DEFAULT' },
  what: string,
): Promise<void> {
  const cached = await ctx.db.getConversation(conversation);
  await writeConversation(ctx, { conversation, ...change });
  await confirmQuick(ctx, { what, subs: [cached?.name ?? conversation.id], undo: conversationUndo(conversation, cached?.settings ?? EMPTY_CONVERSATION_SETTINGS) });
}

/** Runs a menu click; returns what it did (for tests and logs), or null when nothing applied. */
export async function handleMenuClick(
  ctx: Ctx,
  info: { menuItemId: string | number; pageUrl?: string },
  tab?: { url?: string },
): Promise<string | null> {
  const id = String(info.menuItemId);
  if (id === 'pause-1h') {
    await pauseOneHour(ctx);
    return id;
  }
  if (id === 'resume') {
    const before = (await ctx.db.get('app'))?.durationUntil ?? 0;
    await writeApp(ctx, checkAppOptions({ paramType: 1, duration: 0 }));
    await confirmQuick(ctx, { what: 'bgQuickResumed', subs: [], undo: { kind: 'pause', durationUntil: before } });
    return id;
  }
  const item = CHAT_ITEMS[id];
  if (!item) return null;
  const conversation = parseChatUrl(tab?.url ?? info.pageUrl, await chatPatterns(ctx));
  // The menu shows on every page of the chat host; only a real chat URL names a conversation.
  if (!conversation) return null;
  // SPEC 1.7: a direct message counts as a mention, so "only @mentions" would change nothing in a
  // direct chat (the popup and options do not offer it there). Say so instead of writing a no-op.
  if (item.change.remindType === 'AT' && conversation.type === 'singleChat') {
    const name = (await ctx.db.getConversation(conversation))?.name ?? conversation.id;
    try {
      await ctx.browser.showNotification({ tag: CONFIRM_TAG, title: t('bgQuickAtDirect', [name]), body: t('bgQuickAtDirectHint') });
    } catch {
      // Notifications may be blocked: nothing changed, so nothing is lost.
    }
    return 'mode-at-direct';
  }
  await quickConversationChange(ctx, conversation, item.change, item.doneKey);
  return id;
}
