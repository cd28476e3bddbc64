/** Who is signed in, and the way to the options page; or the signed-out call to action. */
import { t } from '../../shared/i18n.ts';
import type { SessionView } from '../../shared/protocol.ts';
import { openOptionsPage } from '../../ui/browser.ts';

function serverHost(serverUrl: string): string {
  try {
    return new URL(serverUrl).host;
  } catch {
    return serverUrl;
  }
}

/** "alice @ 127.0.0.1:8080" and a settings button. */
export function AccountBar({ session }: { session: SessionView }) {
  return (
    <footer class="bar">
      <p class="account" data-testid="account" title={session.serverUrl}>
        {t('popupAccount', [session.username, serverHost(session.serverUrl)])}
      </p>
      <button type="button" class="link" onClick={openOptionsPage}>
        {t('popupOptionsLink')}
      </button>
    </footer>
  );
}

/** Signed out, or the session expired: sign in on the options page. */
export function SignedOut({ session }: { session: SessionView | null }) {
  const expired = session?.expired === true;
  return (
    <section class="signed-out" aria-labelledby="signed-out-title">
      <h1 id="signed-out-title" class="summary-title">
        {expired ? t('popupExpiredTitle') : t('popupSignedOutTitle')}
      </h1>
      <p>{expired ? t('popupExpiredText', session.username) : t('popupSignedOutText')}</p>
      <button type="button" class="primary wide" onClick={openOptionsPage}>
        {t('popupSignInButton')}
      </button>
    </section>
  );
}
