/** Notification clicks: open the chat, or "Mute 1 h" for that conversation. */
import type { ConversationRef } from '../../core/index.ts';
import type { Ctx } from './context.ts';
import { getSession } from './session.ts';
import { checkConversation } from './settings-ops.ts';
import { writeConversation } from './settings.ts';
import { DEFAULT_SERVER_URL } from './patterns.ts';

export const MUTE_ACTION = 'mute1h';
const HOUR = 3_600_000;

/** The demo chat URL of a conversation on the configured server. */
export function chatUrl(serverUrl: string, c: ConversationRef): string {
  return `${serverUrl.replace(/\/+$/, '')}/#/chat/${c.type}/${encodeURIComponent(c.id)}`;
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
    await writeConversation(ctx, { conversation, durationMs: HOUR });
    return;
  }
  const session = await getSession(ctx);
  await ctx.browser.openTab(chatUrl(session?.serverUrl ?? DEFAULT_SERVER_URL, conversation));
}
