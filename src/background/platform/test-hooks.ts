/**
 * Hooks for the end-to-end suite, on `self` because worker.evaluate reaches only the global
 * scope. Built only into the test build (`npm run build:test`, mode e2e): the production
 * service worker has none (test/extension/build checks).
 */
import type { StatusView } from '../../shared/protocol.ts';
import type { Ctx } from '../handlers/context.ts';
import type { ShownNotification } from '../handlers/deps.ts';
import { handlePushPayload } from '../handlers/incoming.ts';
import { handleMenuClick } from '../handlers/menus.ts';
import { handleNotificationClick } from '../handlers/notifications.ts';
import { buildStatus } from '../handlers/status.ts';
import { workerScope } from './sw-types.ts';

export interface TestHooks {
  dispatchMenuClick(info: { menuItemId: string; pageUrl?: string }, tab?: { url?: string }): Promise<string | null>;
  shownNotifications(): Promise<Array<Pick<ShownNotification, 'id' | 'title' | 'body' | 'conversation' | 'kind'>>>;
  /** What a click on shown notification `id` does (a summary opens recent activity). */
  clickNotification(id: string): Promise<void>;
  status(): Promise<StatusView>;
  handlePushPayload(payload: unknown): Promise<boolean>;
}

/** Puts `self.__impcTest` in place. */
export function exposeTestHooks(ready: Promise<Ctx>): void {
  const hooks: TestHooks = {
    dispatchMenuClick: async (info, tab) => handleMenuClick(await ready, info, tab),
    shownNotifications: async () => (await (await ready).db.shown()).map(({ id, title, body, conversation, kind }) => ({ id, title, body, conversation, ...(kind ? { kind } : {}) })),
    clickNotification: async (id) => {
      const ctx = await ready;
      const n = (await ctx.db.shown()).find((s) => s.id === id);
      if (n) await handleNotificationClick(ctx, '', n.kind === 'summary' ? { m: n.id, kind: 'summary' } : { m: n.id, conversation: n.conversation });
    },
    status: async () => buildStatus(await ready),
    handlePushPayload: async (payload) => handlePushPayload(await ready, payload),
  };
  workerScope().__impcTest = hooks;
}
