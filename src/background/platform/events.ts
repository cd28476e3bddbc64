/**
 * Registers every browser event listener, synchronously, the moment the worker starts: MV3
 * delivers the event that woke the worker only to listeners added in the first turn.
 * Each listener waits for the context (IndexedDB open) and then calls a handler.
 */
import browser from 'webextension-polyfill';
import { onMessage, ProtocolError, type ProtocolMap } from '../../shared/protocol.ts';
import { api } from '../handlers/api.ts';
import type { Ctx } from '../handlers/context.ts';
import { handlePushPayload } from '../handlers/incoming.ts';
import { onAlarm, onCommand, onInstalled, onWorkerStart } from '../handlers/lifecycle.ts';
import { handleMenuClick } from '../handlers/menus.ts';
import { handleNotificationClick } from '../handlers/notifications.ts';
import { isOwnPage, type SenderLike } from '../handlers/sender.ts';
import { registerPush } from '../handlers/push.ts';
import { notificationTagFromId } from './browser.ts';
import { type ExtendableEvent, type NotificationEvent, type PushEvent, workerScope } from './sw-types.ts';

function logError(where: string) {
  return (e: unknown) => console.error(`[impc] ${where}:`, e);
}

/** Only our own pages may call the background (no content scripts, no other extensions). */
function fromOwnExtension(sender: SenderLike | undefined): boolean {
  return isOwnPage(sender, browser.runtime.id, browser.runtime.getURL(''));
}

/** Adds all listeners; `ready` resolves to the context once IndexedDB is open. */
export function registerListeners(ready: Promise<Ctx>): void {
  for (const name of Object.keys(api) as (keyof ProtocolMap)[]) {
    onMessage(name, async (message) => {
      if (!fromOwnExtension(message.sender as SenderLike)) throw new ProtocolError('permission_denied', 'messages are accepted from this extension only');
      const ctx = await ready;
      return (api[name] as (ctx: Ctx, data: unknown) => Promise<never>)(ctx, message.data);
    });
  }

  browser.runtime.onInstalled.addListener(() => {
    void ready.then(onInstalled).catch(logError('install'));
  });
  browser.runtime.onStartup.addListener(() => {
    void ready.then(onWorkerStart).catch(logError('startup'));
  });
  browser.alarms.onAlarm.addListener((alarm) => {
    void ready.then((ctx) => onAlarm(ctx, alarm.name)).catch(logError(`alarm ${alarm.name}`));
  });
  browser.contextMenus.onClicked.addListener((info, tab) => {
    void ready.then((ctx) => handleMenuClick(ctx, info, tab)).catch(logError('menu'));
  });
  browser.commands.onCommand.addListener((command) => {
    void ready.then((ctx) => onCommand(ctx, command)).catch(logError('command'));
  });
  // Firefox (event page, no registration): clicks on browser.notifications.
  browser.notifications.onClicked.addListener((id) => {
    const tag = notificationTagFromId(id);
    if (!tag) return;
    void ready
      .then(async (ctx) => {
        const shown = (await ctx.db.shown()).find((n) => n.id === tag);
        if (shown) await handleNotificationClick(ctx, '', { conversation: shown.conversation });
      })
      .catch(logError('notification click'));
  });

  const scope = workerScope();
  scope.addEventListener('push', (event: PushEvent) => {
    const work = ready.then((ctx) => {
      let payload: unknown;
      try {
        payload = event.data?.json();
      } catch {
        payload = undefined;
      }
      return handlePushPayload(ctx, payload);
    });
    event.waitUntil(work.catch(logError('push')));
  });
  scope.addEventListener('notificationclick', (event: NotificationEvent) => {
    event.notification.close();
    event.waitUntil(ready.then((ctx) => handleNotificationClick(ctx, event.action, event.notification.data)).catch(logError('notification click')));
  });
  scope.addEventListener('pushsubscriptionchange', (event: ExtendableEvent) => {
    event.waitUntil(ready.then(registerPush).catch(logError('pushsubscriptionchange')));
  });
}
