/**
 * "Connected through a gateway to ORG#APP" and how copying settings to the user's app goes
 * (SPEC 9.2). Shown only when the server says it is a gateway; nothing otherwise, and nothing
 * when it cannot be asked (the rest of the page says so already).
 */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../../shared/i18n.ts';
import { type GatewayView, type MirrorErrorView, sendMessage } from '../../shared/protocol.ts';
import { pastMomentText } from '../../ui/format.ts';

const WHAT_KEYS: Record<MirrorErrorView['what'], string> = {
  app: 'optionsGatewayWhatApp',
  language: 'optionsGatewayWhatLanguage',
  conversation: 'optionsGatewayWhatConversation',
};

function mirrorText(m: NonNullable<GatewayView['mirror']>): string {
  if (!m.enabled) return t('optionsGatewayMirrorOff');
  return m.pending > 0 ? t('optionsGatewayMirrorPending', String(m.pending)) : t('optionsGatewayMirrorOn');
}

/** The gateway lines of the account section, read from the server once per sign-in. */
export function GatewayLine() {
  const [view, setView] = useState<GatewayView | null>(null);
  useEffect(() => {
    let live = true;
    sendMessage('getGatewayStatus').then(
      (v) => live && setView(v),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  if (!view?.gateway) return null;
  const m = view.mirror;
  return (
    <div data-testid="gateway">
      <p data-testid="gateway-line">{t('optionsGatewayConnected', view.upstreamAppKey)}</p>
      {m ? <p class="hint" data-testid="gateway-mirror">{mirrorText(m)}</p> : null}
      {m?.lastError ? (
        <p class="error-text" data-testid="gateway-mirror-error">
          {t('optionsGatewayMirrorError', [t(WHAT_KEYS[m.lastError.what]), pastMomentText(m.lastError.at), m.lastError.error])}
        </p>
      ) : null}
    </div>
  );
}
