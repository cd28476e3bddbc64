/**
 * The toolbar popup: state first, then pause, push mode and the current chat; who is signed in
 * last. The panels below the state render one frame after it (B5).
 */
import { t } from '../shared/i18n.ts';
import { AppMode } from '../ui/app-mode.tsx';
import { type Clock, useNow } from '../ui/use-now.ts';
import { AccountBar, SignedOut } from './components/account-bar.tsx';
import { CurrentChat } from './components/current-chat.tsx';
import { PausePanel } from './components/pause-panel.tsx';
import { OfflineCount, StatusSummary } from './components/status-summary.tsx';
import { QuickUndo, SyncState } from '../ui/sync-state.tsx';
import type { EarlyStatus } from '../ui/early-status.ts';
import { useStatus } from '../ui/use-status.ts';
import { markRendered } from '../ui/rendered-mark.ts';
import { useEffect, useState } from 'preact/hooks';

export interface PopupProps {
  /** Time source, injected so tests can fix "now". */
  clock?: Clock;
  /** How often to re-read the cached status (ms); 0 = once. */
  pollMs?: number;
  /** Countdown tick (ms); 0 = no ticking. */
  tickMs?: number;
  /** The first status read, sent by the entry before the app loaded. */
  early?: EarlyStatus;
}

/** The popup page. */
export function PopupApp({ clock = Date.now, pollMs = 3000, tickMs = 1000, early }: PopupProps) {
  const { status, loadError, apply, applyChat } = useStatus(pollMs, true, early);
  const now = useNow(clock, tickMs);
  // B5: the status (signed in or out) is on screen; effects run after the browser paints. The
  // panels below it (pause, push mode, chat, account) join in the next frame, so the first
  // frame lays out the status alone; they only add below it, so nothing on screen moves.
  const shown = status !== null;
  const [panels, setPanels] = useState(false);
  useEffect(() => {
    if (!shown) return;
    markRendered();
    setPanels(true);
  }, [shown]);

  if (!status) {
    return (
      <main class="popup">
        <p class="notice" role="status" aria-live="polite">
          {loadError || t('commonLoading')}
        </p>
      </main>
    );
  }
  if (!status.session.signedIn || status.session.expired) {
    return (
      <main class="popup">
        <SignedOut session={status.session} />
        <SyncState status={status} now={now} />
      </main>
    );
  }
  return (
    <main class="popup">
      <StatusSummary status={status} now={now} onStatus={apply} />
      <QuickUndo status={status} onStatus={apply} />
      <SyncState status={status} now={now} />
      <OfflineCount status={status} />
      {loadError ? <p class="notice notice-error" role="status">{loadError}</p> : null}
      {panels ? (
        <>
          <PausePanel status={status} clock={clock} onStatus={apply} />
          <section class="panel" aria-label={t('commonAppModeLegend')}>
            <AppMode status={status} onStatus={apply} />
          </section>
          {status.currentChat ? (
            <CurrentChat chat={status.currentChat} now={now} onChat={applyChat} />
          ) : (
            <p class="hint" data-testid="no-chat">{t('popupNoChat')}</p>
          )}
          <AccountBar session={status.session} />
        </>
      ) : null}
    </main>
  );
}
