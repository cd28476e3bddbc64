/**
 * Who may call the background: only this extension's own pages (popup, options). The sender's
 * id alone is not enough — a content script of ours would carry it too while running inside a
 * web page — so the page's URL must also be on the extension's origin (uBlock Origin and Dark
 * Reader decide privilege the same way, by origin, not by what a message claims).
 */
export interface SenderLike {
  readonly id?: string;
  readonly url?: string;
  readonly origin?: string;
}

/** True when `sender` is a page of the extension `ownId` served from `ownOrigin` ("chrome-extension://id"). */
export function isOwnPage(sender: SenderLike | undefined, ownId: string, ownOrigin: string): boolean {
  if (!sender || sender.id !== ownId || typeof sender.url !== 'string') return false;
  let origin: string;
  try {
    origin = new URL(sender.url).origin;
  } catch {
    return false;
  }
  // Firefox reports moz-extension origins as "null" through URL; compare the prefix then.
  const own = ownOrigin.replace(/\/+$/, '');
  return origin === own || sender.url.startsWith(`${own}/`);
}
