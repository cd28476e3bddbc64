/**
 * The popup's headline, first thing seen: the state with the badge's own mark and colour, a
 * live countdown, why, and what comes next ("Quiet hours 22:00–07:00 start in 3 h").
 */
import { t } from '../../shared/i18n.ts';
import { sendMessage, type StatusView } from '../../shared/protocol.ts';
import { nextWindowStart } from '../../shared/quiet-view.ts';
import { durationText, momentText, windowText } from '../../ui/format.ts';
import { NoticeLine } from '../../ui/field.tsx';
import { skipTarget } from '../../ui/skip-window.ts';
import { useAction } from '../../ui/use-action.ts';

type Tone = 'on' | 'quiet' | 'limited' | 'alert';

function headline(status: StatusView, now: number): { text: string; tone: Tone } {
  const q = status.quiet;
  if (q.quiet) {
    const paused = q.reason === 'DND_APP_DURATION';
    if (q.quietUntil === null) return { text: t('popupStatusQuietAllDay'), tone: 'quiet' };
    const until = paused && status.app ? status.app.durationUntil : q.quietUntil;
    return { text: t(paused ? 'popupStatusPausedUntil' : 'popupStatusQuietUntil', momentText(until, now)), tone: 'quiet' };
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
  if (reason === 'DND_APP_WINDOW' && status.app?.window) return t('popupReasonWindow', [windowText(status.app.window), status.app.timeZone]);
  if (reason === 'DND_APP_WINDOW') return t('popupReasonWindowShort');
  return '';
}

/** "Quiet hours 22:00–07:00 start in 3 h", or that they are skipped tonight. */
function upcomingLine(status: StatusView, now: number): string {
  const app = status.app;
  if (!app?.window || status.quiet.quiet) return '';
  if (status.windowSkipUntil !== null && status.windowSkipUntil > now) return t('popupWindowSkipped', momentText(status.windowSkipUntil, now));
  const start = nextWindowStart(app, now);
  return start === null ? '' : t('popupWindowStartsIn', [windowText(app.window), durationText(start - now)]);
}

/** Headline, countdown, why, what is next, and "Not tonight" where the server supports it. */
export function StatusSummary({ status, now, onStatus }: { status: StatusView; now: number; onStatus?: (s: StatusView) => void }) {
  // No field of its own: any refusal (e.g. a server without "not tonight") is said in the notice.
  const action = useAction([]);
  const head = status.session.expired ? { text: t('popupExpiredTitle'), tone: 'alert' as Tone } : headline(status, now);
  const q = status.quiet;
  const countdownTo = q.quiet && q.quietUntil !== null ? (q.reason === 'DND_APP_DURATION' && status.app ? status.app.durationUntil : q.quietUntil) : null;
  const reason = q.quiet ? reasonLine(status) : '';
  const upcoming = upcomingLine(status, now);
  const skip = skipTarget(status, now);
  const skipping = status.windowSkipUntil !== null && status.windowSkipUntil > now;

  const setSkip = async (until: number): Promise<void> => {
    const next = await action.run(() => sendMessage('skipWindow', { until }));
    if (next && onStatus) onStatus(next);
  };

  return (
    <section class={`summary summary-${head.tone}`} aria-labelledby="summary-title">
      <div class="summary-head">
        <span class="badge-mark" aria-hidden="true">{status.badge.text || '•'}</span>
        <h1 id="summary-title" class="summary-title" data-testid="status-title" aria-live="polite" tabIndex={-1}>
          {head.text}
        </h1>
      </div>
      {countdownTo !== null ? (
        <p class="countdown" data-testid="countdown">
          {t('popupCountdown', durationText(countdownTo - now))}
        </p>
      ) : null}
      {reason ? <p class="summary-reason">{reason}</p> : null}
      {upcoming ? <p class="summary-reason" data-testid="upcoming">{upcoming}</p> : null}
      {skip !== null && !skipping ? (
        <button type="button" class="link" aria-disabled={action.busy} onClick={() => void setSkip(skip)}>
          {t('popupSkipTonight')}
        </button>
      ) : null}
      {skipping && status.windowSkipUntil !== null ? (
        <button type="button" class="link" aria-disabled={action.busy} onClick={() => void setSkip(0)}>
          {t('popupSkipUndo')}
        </button>
      ) : null}
      <NoticeLine notice={action.notice} />
    </section>
  );
}

/** Explains the number on the toolbar icon. */
export function OfflineCount({ status }: { status: StatusView }) {
  const n = status.offlineCount;
  if (n <= 0 || status.quiet.quiet || status.app?.type !== 'ALL') return null;
  return (
    <p class="hint" data-testid="offline-count">
      {n === 1 ? t('popupOfflineOne') : t('popupOfflineMany', String(n))} {t('popupOfflineHint')}
    </p>
  );
}
