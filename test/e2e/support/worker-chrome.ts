/**
 * The slice of the extension API the tests call inside the service worker. Typed here because
 * the project's tsconfig loads only Node's globals (no ambient `chrome`).
 */
export interface WorkerChrome {
  action: { getBadgeText(details: object): Promise<string>; getTitle(details: object): Promise<string> };
  tabs: { query(query: object): Promise<Array<{ id?: number; url?: string }>> };
  contextMenus: { onClicked: { dispatch?: (info: unknown, tab: unknown) => void } };
  i18n: { getUILanguage(): string };
}

/** `chrome` inside a worker.evaluate callback. */
export type WorkerScope = { chrome: WorkerChrome };
