/**
 * The protocol map implemented: one function per message of src/shared/protocol.ts, each
 * validating its payload with core before touching anything.
 */
import { ProtocolError, type ProtocolMap } from '../../shared/protocol.ts';
import type { Ctx } from './context.ts';
import { updateBadge } from './badge.ts';
import { installMenus } from './menus.ts';
import { chatPatterns, setChatPatterns } from './patterns.ts';
import { registerPush, sendTestPush, unbindPush } from './push.ts';
import { forgetSession, signIn } from './session.ts';
import { checkAppOptions, languageOp, quietHoursOptions } from './settings-ops.ts';
import { listConversations } from './conversations.ts';
import { undoQuick } from './quick.ts';
import {
  getConversation, getLanguage, refresh, revalidate, writeApp, writeConversation, writeLanguage, writeSkip,
} from './settings.ts';
import { buildStatus, pushStatus } from './status.ts';

type Handler<K extends keyof ProtocolMap> = Parameters<ProtocolMap[K]> extends []
  ? (ctx: Ctx) => Promise<ReturnType<ProtocolMap[K]>>
  : (ctx: Ctx, data: Parameters<ProtocolMap[K]>[0]) => Promise<ReturnType<ProtocolMap[K]>>;
export type Api = { [K in keyof ProtocolMap]: Handler<K> };

function field<T>(data: unknown, name: string): T | undefined {
  return typeof data === 'object' && data !== null ? ((data as Record<string, unknown>)[name] as T) : undefined;
}

export const api: Api = {
  async getStatus(ctx, data) {
    const tabUrl = field<unknown>(data, 'tabUrl');
    if (tabUrl !== undefined && typeof tabUrl !== 'string') throw new ProtocolError('invalid_argument', `tabUrl ${JSON.stringify(tabUrl)}: a URL string`, 'tabUrl');
    void revalidate(ctx);
    return buildStatus(ctx, tabUrl);
  },
  async refresh(ctx) {
    await refresh(ctx);
    return buildStatus(ctx);
  },
  async signIn(ctx, data) {
    await signIn(ctx, data);
    await updateBadge(ctx);
    await installMenus(ctx);
    // Settings and push registration go on behind; the popup shows progress from the cache.
    refresh(ctx).catch(() => undefined);
    registerPush(ctx).catch(() => undefined);
    return buildStatus(ctx);
  },
  async signOut(ctx) {
    await unbindPush(ctx);
    await forgetSession(ctx);
    await updateBadge(ctx);
    return buildStatus(ctx);
  },
  async setAppRemindType(ctx, data) {
    await writeApp(ctx, checkAppOptions({ paramType: 0, remindType: field(data, 'remindType') }));
    return buildStatus(ctx);
  },
  async pause(ctx, data) {
    await writeApp(ctx, checkAppOptions({ paramType: 1, duration: field(data, 'durationMs') }));
    return buildStatus(ctx);
  },
  async resume(ctx) {
    await writeApp(ctx, checkAppOptions({ paramType: 1, duration: 0 }));
    return buildStatus(ctx);
  },
  async setQuietHours(ctx, data) {
    if (typeof data !== 'object' || data === null || !('window' in data)) throw new ProtocolError('invalid_argument', 'window is missing: {start, end} clock times, or null for off', 'window');
    await writeApp(ctx, checkAppOptions(quietHoursOptions(field(data, 'window'), ctx.browser.timeZone())));
    return buildStatus(ctx);
  },
  getConversation: (ctx, data) => getConversation(ctx, data),
  setConversation: (ctx, data) => writeConversation(ctx, data),
  listConversations: (ctx) => listConversations(ctx),
  async skipWindow(ctx, data) {
    const until = field<unknown>(data, 'until');
    const now = ctx.now();
    if (typeof until !== 'number' || !Number.isFinite(until) || (until !== 0 && (until <= now || until > now + 24 * 3_600_000)))
      throw new ProtocolError('invalid_argument', `until ${JSON.stringify(until)}: an instant within the next 24 hours, or 0 to clear`, 'until');
    await writeSkip(ctx, until);
    return buildStatus(ctx);
  },
  async undoQuickAction(ctx) {
    await undoQuick(ctx);
    return buildStatus(ctx);
  },
  async getLanguage(ctx) {
    return getLanguage(ctx);
  },
  async setLanguage(ctx, data) {
    const op = languageOp(field(data, 'language'));
    await writeLanguage(ctx, op);
    return { language: op.language };
  },
  getPushStatus: (ctx) => pushStatus(ctx),
  sendTestPush: (ctx) => sendTestPush(ctx),
  async getChatPatterns(ctx) {
    return { patterns: await chatPatterns(ctx) };
  },
  async setChatPatterns(ctx, data) {
    const patterns = await setChatPatterns(ctx, data);
    await installMenus(ctx);
    return { patterns };
  },
};
