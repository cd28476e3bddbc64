/** Calls into the background worker's test hooks (`self.__impcTest`, src/background/platform/test-hooks.ts). */
import type { ConversationRef } from '../../../src/core/index.ts';
import type { StatusView } from '../../../src/shared/protocol.ts';
import type { ExtensionBrowser } from './browser.ts';
import type { WorkerScope } from './worker-chrome.ts';

export interface Shown {
  readonly id: string;
  readonly title: string;
  readonly body: string;
  /** Absent for a summary. */
  readonly conversation?: ConversationRef;
  readonly kind?: 'summary';
}

interface Hooks {
  dispatchMenuClick(info: { menuItemId: string; pageUrl?: string }, tab?: { url?: string }): Promise<string | null>;
  shownNotifications(): Promise<Shown[]>;
  status(): Promise<StatusView>;
  handlePushPayload(payload: unknown): Promise<boolean>;
  clickNotification(id: string): Promise<void>;
}

type Scope = { __impcTest?: Hooks };

/** The extension's record of the notifications it showed (IndexedDB), oldest first. */
export function shownNotifications(b: ExtensionBrowser): Promise<Shown[]> {
  return b.evaluate(async () => {
    const hooks = (self as unknown as Scope).__impcTest;
    if (!hooks) throw new Error('self.__impcTest is missing in the service worker: dist/ is a production build; run `npm run build:test`');
    return hooks.shownNotifications();
  });
}

/** The status the popup would render. */
export function workerStatus(b: ExtensionBrowser): Promise<StatusView> {
  return b.evaluate(async () => {
    const hooks = (self as unknown as Scope).__impcTest;
    if (!hooks) throw new Error('self.__impcTest is missing in the service worker: dist/ is a production build; run `npm run build:test`');
    return hooks.status();
  });
}

/** Runs a context-menu click through the worker's registered chrome.contextMenus.onClicked listeners. */
export function clickContextMenu(b: ExtensionBrowser, menuItemId: string, pageUrl: string, tabId: number): Promise<void> {
  return b.evaluate(
    async ({ menuItemId, pageUrl, tabId }) => {
      const onClicked = (self as unknown as WorkerScope).chrome.contextMenus.onClicked;
      const info = { menuItemId, pageUrl, editable: false };
      const tab = { id: tabId, url: pageUrl, active: true };
      if (typeof onClicked.dispatch === 'function') onClicked.dispatch(info, tab);
      else await (self as unknown as Scope).__impcTest!.dispatchMenuClick(info, tab);
    },
    { menuItemId, pageUrl, tabId },
  );
}

/** The menu click through the test hook; resolves with what it did (null = nothing applied). */
export function dispatchMenuClickHook(b: ExtensionBrowser, menuItemId: string, pageUrl: string): Promise<string | null> {
  return b.evaluate(
    async ({ menuItemId, pageUrl }) => (self as unknown as Scope).__impcTest!.dispatchMenuClick({ menuItemId, pageUrl }, { url: pageUrl }),
    { menuItemId, pageUrl },
  );
}

/** Does what a click on shown notification `id` does (a summary opens recent activity). */
export function clickNotification(b: ExtensionBrowser, id: string): Promise<void> {
  return b.evaluate(async (id) => (self as unknown as Scope).__impcTest!.clickNotification(id), id);
}
