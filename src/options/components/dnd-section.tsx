/** One-off do-not-disturb: pause for N minutes or hours, or resume now. */
import { useState } from 'preact/hooks';
import { t } from '../../shared/i18n.ts';
import { sendMessage, type StatusView } from '../../shared/protocol.ts';
import { type DurationUnit, parseCustomDuration } from '../../ui/durations.ts';
import { describedBy, FieldError, NoticeLine } from '../../ui/field.tsx';
import { momentText } from '../../ui/format.ts';
import { useAction } from '../../ui/use-action.ts';

const FIELD = 'durationMs';

/** The DND duration section. */
export function DndSection(props: { status: StatusView; now: number; onStatus: (s: StatusView) => void }) {
  const action = useAction([FIELD], { 'options.duration': FIELD });
  const [amount, setAmount] = useState('60');
  const [unit, setUnit] = useState<DurationUnit>('minutes');
  const until = props.status.app?.durationUntil ?? 0;
  const active = until > props.now;

  const pause = async (e: Event): Promise<void> => {
    e.preventDefault();
    const r = parseCustomDuration(amount, unit, FIELD);
    if (!r.ok) return action.invalid(FIELD, amount.trim() === '' ? t('commonNumberRequired') : t('commonDurationRange'));
    const next = await action.run(() => sendMessage('pause', { durationMs: r.value }), t('optionsSaved'));
    if (next) props.onStatus(next);
  };
  const resume = async (): Promise<void> => {
    const next = await action.run(() => sendMessage('resume'), t('optionsSaved'));
    if (next) props.onStatus(next);
  };

  return (
    <section class="card" aria-labelledby="dnd-heading">
      <h2 id="dnd-heading">{t('optionsDndHeading')}</h2>
      <p data-testid="dnd-state">{active ? t('optionsDndActive', momentText(until, props.now)) : t('optionsDndInactive')}</p>
      <form onSubmit={pause} noValidate>
        <label for="dnd-amount">{t('optionsDndFor')}</label>
        <div class="row">
          <input id="dnd-amount" type="number" min="1" step="any" value={amount} onInput={(e) => setAmount((e.currentTarget as HTMLInputElement).value)} {...describedBy('dnd-amount', action.errors[FIELD])} />
          <select id="dnd-unit" aria-label={t('popupCustomUnit')} value={unit} onChange={(e) => setUnit((e.currentTarget as HTMLSelectElement).value as DurationUnit)}>
            <option value="minutes">{t('commonMinutes')}</option>
            <option value="hours">{t('commonHours')}</option>
          </select>
          <button type="submit" class="primary" disabled={action.busy}>{t('optionsDndPause')}</button>
          {active ? <button type="button" disabled={action.busy} onClick={() => void resume()}>{t('popupResume')}</button> : null}
        </div>
        <FieldError id="dnd-amount" error={action.errors[FIELD]} />
      </form>
      <NoticeLine notice={action.notice} />
    </section>
  );
}
