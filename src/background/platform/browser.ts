/**
 * The BrowserPort over webextension-polyfill: storage, alarms, badge, notifications, menus,
 * tabs, push subscription and WebSocket. The only file (with db.ts) that touches the browser.
 */
import browser from 'webextension-polyfill';
import { base64UrlDecode } from '../../core/index.ts';
import type { BrowserPort, MenuItem, NotificationRequest, SocketLike } from '../handlers/deps.ts';
import { workerScope } from './sw-types.ts';

/** Action id of the "Mute 1 h" notification button. */
export const MUTE_ACTION = 'mute1h';

/** Marks notification ids made by this extension, so clicks on others are ignored. */
const PREFIX_NOTIFICATION = 'impc:';

/** Builds the real BrowserPort. */
export function createBrowserPort(): BrowserPort {
  const scope = workerScope();
  return {
    async storageGet<T>(key: string) {
      const got = await browser.storage.local.get(key);
      return got[key] as T | undefined;
    },
    async storageGetMany(keys) {
      return browser.storage.local.get([...keys]);
    },
    async storageSet(key, value) {
      await browser.storage.local.set({ [key]: value });
    },
    async storageRemove(key) {
      await browser.storage.local.remove(key);
    },
    async setAlarm(name, when, periodInMinutes) {
      if (when === null) {
        await browser.alarms.clear(name);
        return;
      }
      await browser.alarms.create(name, periodInMinutes ? { when, periodInMinutes } : { when });
    },
    async setBadge(text, title, color) {
      await browser.action.setBadgeText({ text });
      await browser.action.setTitle({ title });
      if (text) await browser.action.setBadgeBackgroundColor({ color });
    },
    async showNotification(n: NotificationRequest) {
      const reg = scope.registration;
      if (reg?.showNotification) {
        await reg.showNotification(n.title, {
          body: n.body,
          tag: n.tag,
          data: n.data,
          icon: browser.runtime.getURL('icons/icon-128.png'),
          actions: n.muteActionTitle ? [{ action: MUTE_ACTION, title: n.muteActionTitle }] : [],
        });
        return;
      }
      // Firefox runs the background as an event page: no registration, use the extension API.
      await browser.notifications.create(PREFIX_NOTIFICATION + n.tag, {
        type: 'basic',
        title: n.title,
        message: n.body,
        iconUrl: browser.runtime.getURL('icons/icon-128.png'),
      });
    },
    async openTab(url) {
      await browser.tabs.create({ url });
    },
    extensionUrl(path) {
      return browser.runtime.getURL(path);
    },
    async listTabs() {
      const tabs = await browser.tabs.query({});
      return tabs.flatMap((tab) => (tab.id === undefined ? [] : [{ id: tab.id, windowId: tab.windowId ?? -1, ...(tab.url ? { url: tab.url } : {}) }]));
    },
    async focusTab(id, windowId) {
      await browser.tabs.update(id, { active: true });
      if (windowId >= 0) await browser.windows.update(windowId, { focused: true });
    },
    async replaceMenus(items: readonly MenuItem[]) {
      await browser.contextMenus.removeAll();
      for (const item of items) {
        await new Promise<void>((resolve) => {
          browser.contextMenus.create(
            {
              id: item.id,
              title: item.title,
              contexts: [...item.contexts],
              ...(item.parentId ? { parentId: item.parentId } : {}),
              ...(item.documentUrlPatterns ? { documentUrlPatterns: [...item.documentUrlPatterns] } : {}),
            },
            () => resolve(),
          );
        });
      }
    },
    async activeTabUrl() {
      const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
      return tab?.url;
    },
    timeZone() {
      return Intl.DateTimeFormat().resolvedOptions().timeZone;
    },
    ...(scope.registration?.pushManager
      ? {
          async pushSubscribe(vapidPublicKey: string) {
            const pm = scope.registration!.pushManager!;
            const sub = await pm.subscribe({ userVisibleOnly: true, applicationServerKey: base64UrlDecode(vapidPublicKey) as BufferSource });
            return sub.toJSON();
          },
        }
      : {}),
    openSocket(url: string): SocketLike {
      return new WebSocket(url) as unknown as SocketLike;
    },
  };
}

/** Reads the message id back from a Firefox notification id. */
export function notificationTagFromId(id: string): string | undefined {
  return id.startsWith(PREFIX_NOTIFICATION) ? id.slice(PREFIX_NOTIFICATION.length) : undefined;
}
