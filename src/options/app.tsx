/** The options page: account, push mode, quiet hours, pause, conversations, language, push, patterns. */
import { Fragment } from 'preact';
import { t } from '../shared/i18n.ts';
import { SyncState } from '../ui/sync-state.tsx';
import { AppMode } from '../ui/app-mode.tsx';
import { type Clock, useNow } from '../ui/use-now.ts';
import { useStatus } from '../ui/use-status.ts';
import { AccountSection } from './components/account-section.tsx';
import { ChatPatternsSection } from './components/chat-patterns-section.tsx';
import { ConversationsSection } from './components/conversations-section.tsx';
import { DndSection } from './components/dnd-section.tsx';
import { LanguageSection } from './components/language-section.tsx';
import { PushStatusSection } from './components/push-status-section.tsx';
import { QuietHoursSection } from './components/quiet-hours-section.tsx';

export interface OptionsProps {
  clock?: Clock;
  /** How often to re-read the cached status (ms); 0 = once. */
  pollMs?: number;
  tickMs?: number;
}

/** The options page. */
export function OptionsApp({ clock = Date.now, pollMs = 10_000, tickMs = 30_000 }: OptionsProps) {
  const { status, loadError, apply } = useStatus(pollMs, false);
  const now = useNow(clock, tickMs);

  if (!status) {
    return (
      <main class="options">
        <h1>{t('optionsTitle')}</h1>
        <p class="notice" role="status" aria-live="polite">{loadError || t('commonLoading')}</p>
      </main>
    );
  }
  const signedIn = status.session.signedIn && !status.session.expired;
  const account = signedIn ? `${status.session.username}@${status.session.serverUrl}` : 'signed-out';
  return (
    <main class="options">
      <h1>{t('optionsTitle')}</h1>
      {loadError ? <p class="notice notice-error" role="status">{loadError}</p> : null}
      <SyncState status={status} now={now} />
      <AccountSection status={status} onStatus={apply} />
      {signedIn ? (
        // Keyed by account: after a sign-in every panel reads its data again (no stale push
        // status, language or list from the previous session).
        <Fragment key={account}>
          <section class="card" aria-labelledby="mode-heading">
            <h2 id="mode-heading">{t('optionsModeHeading')}</h2>
            <AppMode status={status} onStatus={apply} name="options-mode" legend={t('optionsModeHeading')} hideLegend />
          </section>
          <QuietHoursSection status={status} onStatus={apply} />
          <DndSection status={status} now={now} onStatus={apply} />
          <ConversationsSection now={now} signedIn={signedIn} />
          <LanguageSection signedIn={signedIn} />
          <PushStatusSection initial={status.push} signedIn={signedIn} />
        </Fragment>
      ) : null}
      {/* The default pattern follows the server address: re-read it when the account changes. */}
      <ChatPatternsSection key={account} />
    </main>
  );
}
