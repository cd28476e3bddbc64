/** Notification clicks: focus the chat (an open tab, else a new one), or "Mute 1 h" for that conversation. */
import type { ConversationRef } from '../../core/index.ts';
import { parseChatUrl } from '../../shared/chat-url.ts';
import type { Ctx } from './context.ts';
import { quickConversationChange } from './menus.ts';
import { chatPatterns, DEFAULT_SERVER_URL } from './patterns.ts';
import { getSession } from './session.ts';
import { checkConversation } from './settings-ops.ts';

export const MUTE_ACTION = 'mute1h';
const HOUR = 3_600_000;

/** The demo chat URL of a conversation on the configured server. */
export function chatUrl(serverUrl: string, c: ConversationRef): string {
  return `${serverUrl.replace(/\/+$/, '')}/#/chat/${c.type}/${encodeURIComponent(c.id)}`;
}

/** Focuses a tab already showing `conversation`; false when none does. */
export async function focusChatTab(ctx: Ctx, conversation: ConversationRef): Promise<boolean> {
  const patterns = await chatPatterns(ctx);
  for (const tab of await ctx.browser.listTabs()) {
    const shown = parseChatUrl(tab.url, patterns);
    if (shown && shown.type === conversation.type && shown.id === conversation.id) {
      await ctx.browser.focusTab(tab.id, tab.windowId);
      return true;
    }
  }
  return false;
}

/** Handles a click on a notification or one of its actions. */
export async function handleNotificationClick(ctx: Ctx, action: string, data: unknown): Promise<void> {
  let conversation: ConversationRef;
  try {
    conversation = checkConversation((data as { conversation?: unknown } | null)?.conversation);
  } catch {
    return;
  }
  if (action === MUTE_ACTION) {
    await quickConversationChange(ctx, conversation, { durationMs: HOUR }, 'bgQuickMuted1h');
    return;
  }
  try {
    if (await focusChatTab(ctx, conversation)) return;
  } catch {
    // Tabs unreadable: open a new one below.
  }
  const session = await getSession(ctx);
  await ctx.browser.openTab(chatUrl(session?.serverUrl ?? DEFAULT_SERVER_URL, conversation));
}
