/** The popup's headline: notifications on / quiet until … with a live countdown / mode. */
import { clockText } from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import type { StatusView } from '../../shared/protocol.ts';
import { durationText, momentText } from '../../ui/format.ts';

function headline(status: StatusView, now: number): { text: string; tone: 'on' | 'quiet' | 'limited' } {
  const q = status.quiet;
  if (q.quiet) {
    const paused = q.reason === 'DND_APP_DURATION';
    if (q.quietUntil === null) return { text: t('popupStatusQuietAllDay'), tone: 'quiet' };
    const time = momentText(q.quietUntil, now);
    return { text: t(paused ? 'popupStatusPausedUntil' : 'popupStatusQuietUntil', time), tone: 'quiet' };
  }
  // No settings cached yet (first sync still running): claim nothing.
  if (status.app === null) return { text: t('popupStatusUnknown'), tone: 'limited' };
  const mode = status.app.type;
  if (mode === 'AT') return { text: t('popupStatusAtOnly'), tone: 'limited' };
  if (mode === 'NONE') return { text: t('popupStatusNone'), tone: 'limited' };
  return { text: t('popupStatusOn'), tone: 'on' };
}

function reasonLine(status: StatusView): string {
  const { reason } = status.quiet;
  if (reason === 'DND_APP_DURATION') return t('popupReasonDuration');
  if (reason === 'DND_APP_WINDOW' && status.app?.window) {
    const w = status.app.window;
    return t('popupReasonWindow', [clockText(w.start), clockText(w.end), status.app.timeZone]);
  }
  if (reason === 'DND_APP_WINDOW') return t('popupReasonWindowShort');
  return '';
}

/** Headline, countdown and why. */
export function StatusSummary({ status, now }: { status: StatusView; now: number }) {
  const head = headline(status, now);
  const until = status.quiet.quiet ? status.quiet.quietUntil : null;
  const reason = status.quiet.quiet ? reasonLine(status) : '';
  return (
    <section class={`summary summary-${head.tone}`} aria-labelledby="summary-title">
      <h1 id="summary-title" class="summary-title" data-testid="status-title" aria-live="polite">
        {head.text}
      </h1>
      {until !== null ? (
        <p class="countdown" data-testid="countdown">
          {t('popupCountdown', durationText(until - now))}
        </p>
      ) : null}
      {reason ? <p class="summary-reason">{reason}</p> : null}
    </section>
  );
}

/** "N changes waiting to sync" and the last sync error, when there are any. */
export function SyncState({ status }: { status: StatusView }) {
  if (status.pending <= 0 && !status.syncError) return null;
  return (
    <section class="sync" aria-label={t('popupSyncLabel')}>
      {status.pending > 0 ? (
        <p class="sync-pending" data-testid="pending">
          {status.pending === 1 ? t('popupPendingOne') : t('popupPendingMany', String(status.pending))}
        </p>
      ) : null}
      {status.syncError ? (
        <p class="sync-error" data-testid="sync-error">
          {t('popupSyncError', status.syncError)}
        </p>
      ) : null}
    </section>
  );
}
