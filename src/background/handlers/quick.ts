/**
 * Changes made without the popup — the keyboard shortcut, a context-menu item, a notification's
 * "Mute 1 h" — are confirmed with a short notification and kept for five minutes as the popup's
 * "Undo", since nothing else on screen shows that they happened.
 */
import type { ConversationRef, ConversationSettings } from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import type { QuickActionView } from '../../shared/protocol.ts';
import { updateBadge } from './badge.ts';
import type { Ctx } from './context.ts';
import type { QuickAction } from './deps.ts';
import { checkAppOptions } from './settings-ops.ts';
import { writeApp, writeConversation } from './settings.ts';

/** How long the popup offers to undo. */
export const UNDO_WINDOW_MS = 5 * 60_000;
/** Tag of the confirmation notification: a new one replaces the old. */
export const CONFIRM_TAG = 'impc-confirm';

/** How long the badge shows "✓" after a quick action. */
export const FLASH_MS = 1_500;

/**
 * Keeps `action` for undo and confirms it: the badge flashes "✓" (seen even where the system
 * blocks notifications), and a short notification says what changed (best effort).
 */
export async function confirmQuick(ctx: Ctx, action: Omit<QuickAction, 'at'>): Promise<void> {
  await ctx.db.set('lastQuickAction', { ...action, at: ctx.now() });
  const title = t(action.what, [...action.subs]);
  try {
    await ctx.browser.setBadge('✓', title, '#16a34a');
    setTimeout(() => void updateBadge(ctx).catch(() => undefined), FLASH_MS);
  } catch {
    // The badge is restored by the next update anyway.
  }
  try {
    await ctx.browser.showNotification({ tag: CONFIRM_TAG, title, body: t('bgQuickUndoHint') });
  } catch {
    // Notifications may be blocked; the popup still offers the undo.
  }
}

/** The undo of a conversation change: its settings before it. */
export function conversationUndo(conversation: ConversationRef, before: ConversationSettings): QuickAction['undo'] {
  return { kind: 'conversation', conversation, ...(before.type ? { type: before.type } : {}), durationUntil: before.durationUntil };
}

/** The last quick action while it can still be undone. */
export async function quickView(ctx: Ctx): Promise<QuickActionView | null> {
  return quickViewOf(await ctx.db.get('lastQuickAction'), ctx.now());
}

/** The same from the stored action, already read. */
export function quickViewOf(q: QuickAction | undefined, now: number): QuickActionView | null {
  if (!q || now - q.at > UNDO_WINDOW_MS || q.at > now) return null;
  return { at: q.at, text: t(q.what, [...q.subs]) };
}

/** Restores what the last quick action changed, then forgets it. */
export async function undoQuick(ctx: Ctx): Promise<void> {
  const q = await ctx.db.get('lastQuickAction');
  await ctx.db.delete('lastQuickAction');
  if (!q || ctx.now() - q.at > UNDO_WINDOW_MS) return;
  const left = (until: number) => Math.max(0, until - ctx.now());
  if (q.undo.kind === 'pause') {
    await writeApp(ctx, checkAppOptions({ paramType: 1, duration: left(q.undo.durationUntil) }));
    return;
  }
  await writeConversation(ctx, { conversation: q.undo.conversation, remindType: q.undo.type ?? 'DEFAULT', durationMs: left(q.undo.durationUntil) });
}
