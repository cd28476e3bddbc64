/** Pause presets, "until tomorrow morning", a custom length, and resume. */
import { useState } from 'preact/hooks';
import { t } from '../../shared/i18n.ts';
import { sendMessage, type StatusView } from '../../shared/protocol.ts';
import { type DurationUnit, PAUSE_PRESETS, parseCustomDuration, untilTomorrowMorning } from '../../ui/durations.ts';
import { describedBy, FieldError, NoticeLine } from '../../ui/field.tsx';
import { useAction } from '../../ui/use-action.ts';

const CUSTOM = 'durationMs';

/** Pause controls; `now` is read when a button is pressed so tests can fix the clock. */
export function PausePanel(props: { status: StatusView; clock: () => number; onStatus: (s: StatusView) => void }) {
  const action = useAction([CUSTOM], { 'options.duration': CUSTOM });
  const [amount, setAmount] = useState('');
  const [unit, setUnit] = useState<DurationUnit>('minutes');
  const app = props.status.app;
  const paused = props.status.quiet.reason === 'DND_APP_DURATION' || (app !== null && app.durationUntil > props.clock());

  const pause = async (durationMs: number): Promise<void> => {
    const next = await action.run(() => sendMessage('pause', { durationMs }));
    if (next) props.onStatus(next);
  };
  const resume = async (): Promise<void> => {
    const next = await action.run(() => sendMessage('resume'));
    if (next) props.onStatus(next);
  };
  const custom = (e: Event): void => {
    e.preventDefault();
    const r = parseCustomDuration(amount, unit, CUSTOM);
    if (!r.ok) {
      action.invalid(CUSTOM, amount.trim() === '' ? t('commonNumberRequired') : t('commonDurationRange'));
      return;
    }
    void pause(r.value);
  };

  return (
    <section class="panel" aria-labelledby="pause-heading">
      <h2 id="pause-heading">{t('popupPauseHeading')}</h2>
      {paused ? (
        <button type="button" class="primary wide" disabled={action.busy} onClick={() => void resume()}>
          {t('popupResume')}
        </button>
      ) : null}
      <div class="chips" role="group" aria-labelledby="pause-heading">
        {PAUSE_PRESETS.map((p) => (
          <button key={p.key} type="button" class="chip" disabled={action.busy} onClick={() => void pause(p.ms)}>
            {t(p.key)}
          </button>
        ))}
        <button
          type="button"
          class="chip"
          disabled={action.busy}
          onClick={() => void pause(untilTomorrowMorning(props.clock(), props.status.timeZone))}
        >
          {t('popupPauseTomorrow')}
        </button>
      </div>
      <form class="inline-form" onSubmit={custom} noValidate>
        <label for="custom-amount">{t('popupCustomLabel')}</label>
        <div class="row">
          <input
            id="custom-amount"
            type="number"
            inputMode="decimal"
            min="1"
            step="any"
            value={amount}
            onInput={(e) => setAmount((e.currentTarget as HTMLInputElement).value)}
            {...describedBy('custom-amount', action.errors[CUSTOM])}
          />
          <select
            id="custom-unit"
            aria-label={t('popupCustomUnit')}
            value={unit}
            onChange={(e) => setUnit((e.currentTarget as HTMLSelectElement).value as DurationUnit)}
          >
            <option value="minutes">{t('commonMinutes')}</option>
            <option value="hours">{t('commonHours')}</option>
          </select>
          <button type="submit" disabled={action.busy}>
            {t('popupCustomPause')}
          </button>
        </div>
        <FieldError id="custom-amount" error={action.errors[CUSTOM]} />
      </form>
      <NoticeLine notice={action.notice} />
    </section>
  );
}
