/** Pause presets, "until tomorrow morning", "until next week", a picked moment, and resume. */
import { useState } from 'preact/hooks';
import { t } from '../../shared/i18n.ts';
import { sendMessage, type StatusView } from '../../shared/protocol.ts';
import {
  type DurationUnit, localInputValue, MINUTE_MS, PAUSE_PRESETS, parseCustomDuration, parsePickedMoment, untilNextWeek, untilTomorrowMorning,
} from '../../ui/durations.ts';
import { describedBy, FieldError, NoticeLine } from '../../ui/field.tsx';
import { useAction } from '../../ui/use-action.ts';
import { MAX_DURATION_MS } from '../../core/index.ts';

const CUSTOM = 'durationMs';
const PICK = 'pausePick';

/** Moves focus to the headline, which says what the action did (its control may be gone). */
export function focusHeadline(): void {
  document.getElementById('summary-title')?.focus();
}

/** Pause controls; `now` is read when a button is pressed so tests can fix the clock. */
export function PausePanel(props: { status: StatusView; clock: () => number; onStatus: (s: StatusView) => void }) {
  const action = useAction([CUSTOM, PICK], { 'options.duration': CUSTOM });
  const [amount, setAmount] = useState('');
  const [unit, setUnit] = useState<DurationUnit>('minutes');
  const [picking, setPicking] = useState(false);
  const [picked, setPicked] = useState('');
  const app = props.status.app;
  const paused = props.status.quiet.reason === 'DND_APP_DURATION' || (app !== null && app.durationUntil > props.clock());

  const pause = async (durationMs: number): Promise<boolean> => {
    const next = await action.run(() => sendMessage('pause', { durationMs }));
    if (next) props.onStatus(next);
    return next !== undefined;
  };
  const resume = async (): Promise<void> => {
    const next = await action.run(() => sendMessage('resume'));
    if (!next) return;
    props.onStatus(next);
    // The Resume button disappears with the pause: say the result instead of losing focus.
    focusHeadline();
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
  const pickSubmit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const r = parsePickedMoment(picked, props.clock(), PICK);
    if (!r.ok) {
      action.invalid(PICK, picked === '' ? t('popupPickRequired') : t('popupPickRange'));
      return;
    }
    if (await pause(r.value)) setPicking(false);
  };
  const zone = props.status.timeZone;
  const now = props.clock();

  return (
    <section class="panel" aria-labelledby="pause-heading">
      <h2 id="pause-heading">{t('popupPauseHeading')}</h2>
      {paused ? (
        <button type="button" class="primary wide" aria-disabled={action.busy} onClick={() => void resume()}>
          {t('popupResume')}
        </button>
      ) : null}
      <div class="chips" role="group" aria-labelledby="pause-heading">
        {PAUSE_PRESETS.map((p) => (
          <button key={p.key} type="button" class="chip" aria-disabled={action.busy} onClick={() => void pause(p.ms)}>
            {t(p.key)}
          </button>
        ))}
        <button type="button" class="chip" aria-disabled={action.busy} onClick={() => void pause(untilTomorrowMorning(props.clock(), zone))}>
          {t('popupPauseTomorrow')}
        </button>
        <button type="button" class="chip" aria-disabled={action.busy} onClick={() => void pause(untilNextWeek(props.clock(), zone))}>
          {t('popupPauseNextWeek')}
        </button>
        <button type="button" class="chip" aria-expanded={picking} aria-controls="pause-pick" onClick={() => setPicking(!picking)}>
          {t('popupPausePick')}
        </button>
      </div>
      {picking ? (
        <form id="pause-pick" class="inline-form" onSubmit={(e) => void pickSubmit(e)} noValidate>
          <label for="pause-until">{t('popupPauseUntilLabel')}</label>
          <div class="row">
            <input
              id="pause-until"
              type="datetime-local"
              min={localInputValue(now + MINUTE_MS)}
              max={localInputValue(now + MAX_DURATION_MS)}
              value={picked}
              onInput={(e) => setPicked((e.currentTarget as HTMLInputElement).value)}
              {...describedBy('pause-until', action.errors[PICK])}
            />
            <button type="submit" aria-disabled={action.busy}>
              {t('popupCustomPause')}
            </button>
          </div>
          <FieldError id="pause-until" error={action.errors[PICK]} />
        </form>
      ) : null}
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
          <button type="submit" aria-disabled={action.busy}>
            {t('popupCustomPause')}
          </button>
        </div>
        <FieldError id="custom-amount" error={action.errors[CUSTOM]} />
      </form>
      <NoticeLine notice={action.notice} />
    </section>
  );
}
