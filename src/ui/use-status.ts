/**
 * The pages' StatusView: asked from the background's cache at once, then polled, so a refresh
 * the background runs meanwhile shows up. Results of actions replace it immediately.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { sendMessage, type ConversationView, type StatusView } from '../shared/protocol.ts';
import { activeTabUrl } from './browser.ts';
import type { EarlyStatus } from './early-status.ts';
import { errorNotice } from './use-action.ts';

/** How soon to re-read while the first settings sync after sign-in runs. */
const FIRST_SYNC_POLL_MS = 700;

export interface StatusState {
  readonly status: StatusView | null;
  /** Why the last read failed ("" when it worked). */
  readonly loadError: string;
  /** Replaces the status with one an action returned. */
  apply(next: StatusView): void;
  /** Replaces the current tab's chat with one an action returned. */
  applyChat(next: ConversationView): void;
}

/**
 * Polls getStatus every `pollMs` (0 = only once); `withTab` sends the active tab's URL. `early`
 * is a first read the page's entry already sent (its answer, if in, is the first render's).
 */
export function useStatus(pollMs: number, withTab = true, early?: EarlyStatus): StatusState {
  const [status, setStatus] = useState<StatusView | null>(() => early?.arrived() ?? null);
  const [loadError, setLoadError] = useState('');
  const tabUrl = useRef<string | undefined>(undefined);

  useEffect(() => {
    let alive = true;
    const read = (): Promise<StatusView> => sendMessage('getStatus', tabUrl.current === undefined ? {} : { tabUrl: tabUrl.current });
    const load = async (ask = read): Promise<void> => {
      try {
        const next = await ask();
        if (!alive) return;
        setStatus(next);
        setLoadError('');
      } catch (e) {
        if (alive) setLoadError(errorNotice(e));
      }
    };
    void (async () => {
      // The status paints from the background's cache at once; the tab query runs meanwhile and
      // the current chat follows in a second read (B5: the first paint waited for both in turn).
      const tab = !withTab ? undefined : early ? early.tabUrl : activeTabUrl();
      await load(early ? () => early.reply : read);
      const url = await tab;
      if (url === undefined || !alive) return;
      tabUrl.current = url;
      await load();
    })();
    const id = pollMs > 0 ? setInterval(() => void load(), pollMs) : undefined;
    return () => {
      alive = false;
      if (id !== undefined) clearInterval(id);
    };
  }, [pollMs, withTab, early]);

  // Right after sign-in the settings are still being read: re-read soon instead of showing
  // empty panels until the next poll.
  const waitingForSettings = status !== null && status.session.signedIn && !status.session.expired && status.app === null;
  useEffect(() => {
    if (!waitingForSettings) return undefined;
    const id = setTimeout(() => {
      void sendMessage('getStatus', tabUrl.current === undefined ? {} : { tabUrl: tabUrl.current }).then(
        (next) => setStatus((prev) => ({ ...next, currentChat: next.currentChat ?? prev?.currentChat ?? null })),
        () => undefined,
      );
    }, FIRST_SYNC_POLL_MS);
    return () => clearTimeout(id);
  }, [waitingForSettings, status]);

  // Action results may be computed without the tab URL; keep the chat the popup was opened on.
  const apply = useCallback((next: StatusView) => {
    setStatus((prev) => ({ ...next, currentChat: next.currentChat ?? prev?.currentChat ?? null }));
  }, []);
  const applyChat = useCallback((next: ConversationView) => {
    setStatus((prev) => (prev ? { ...prev, currentChat: next } : prev));
  }, []);

  return { status, loadError, apply, applyChat };
}
