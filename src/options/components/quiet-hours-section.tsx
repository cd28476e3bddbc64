/** Daily quiet hours: two time pickers in the user's zone and an on/off switch. */
import { useEffect, useRef, useState } from 'preact/hooks';
import { checkClockTime, type ClockTime, clockText } from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import { sendMessage, type StatusView } from '../../shared/protocol.ts';
import { describedBy, FieldError, NoticeLine } from '../../ui/field.tsx';
import { useAction } from '../../ui/use-action.ts';

const START = 'window.start';
const END = 'window.end';

/** "HH:MM" from a time input → {hours, minutes}, checked by core; "" is an error too. */
function readTime(field: string, text: string): { ok: true; value: ClockTime } | { ok: false; message: string } {
  const m = /^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(text.trim());
  if (!m) return { ok: false, message: text.trim() === '' ? t('optionsErrorTimeEmpty') : t('optionsErrorTime') };
  const r = checkClockTime(field, { hours: Number(m[1]), minutes: Number(m[2]) });
  return r.ok ? r : { ok: false, message: r.errors[0]?.message ?? t('optionsErrorTime') };
}

/** The quiet-hours section. */
export function QuietHoursSection(props: { status: StatusView; onStatus: (s: StatusView) => void }) {
  const action = useAction(['window', START, END], { 'options.startTime': START, 'options.endTime': END, 'options.timeZone': 'window' });
  const stored = props.status.app?.window ?? null;
  const [enabled, setEnabled] = useState(stored !== null);
  const [start, setStart] = useState(stored ? clockText(stored.start) : '22:00');
  const [end, setEnd] = useState(stored ? clockText(stored.end) : '07:00');
  const storedKey = stored ? `${stored.start}-${stored.end}` : 'off';

  // Follow a window changed elsewhere (popup, another device) while the page is open; the
  // first run is skipped so it cannot overwrite what the user typed right after mount.
  const seenKey = useRef(storedKey);
  useEffect(() => {
    if (seenKey.current === storedKey) return;
    seenKey.current = storedKey;
    setEnabled(stored !== null);
    if (stored) {
      setStart(clockText(stored.start));
      setEnd(clockText(stored.end));
    }
  }, [storedKey]);

  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    let window: { start: ClockTime; end: ClockTime } | null = null;
    if (enabled) {
      const s = readTime(START, start);
      if (!s.ok) return action.invalid(START, s.message);
      const en = readTime(END, end);
      if (!en.ok) return action.invalid(END, en.message);
      window = { start: s.value, end: en.value };
    }
    const next = await action.run(() => sendMessage('setQuietHours', { window }), t('optionsSaved'));
    if (next) props.onStatus(next);
  };

  const zone = props.status.timeZone;
  const appZone = props.status.app?.timeZone;
  return (
    <section class="card" aria-labelledby="quiet-heading">
      <h2 id="quiet-heading">{t('optionsQuietHeading')}</h2>
      <form onSubmit={save} noValidate>
        <label class="check" for="quiet-enabled">
          <input id="quiet-enabled" type="checkbox" role="switch" checked={enabled} onChange={(e) => setEnabled((e.currentTarget as HTMLInputElement).checked)} />
          {t('optionsQuietEnabled')}
        </label>
        <div class="row times">
          <div class="field">
            <label for="quiet-start">{t('optionsQuietFrom')}</label>
            <input id="quiet-start" type="time" disabled={!enabled} value={start} onInput={(e) => setStart((e.currentTarget as HTMLInputElement).value)} {...describedBy('quiet-start', action.errors[START] ?? action.errors.window)} />
            <FieldError id="quiet-start" error={action.errors[START] ?? action.errors.window} />
          </div>
          <div class="field">
            <label for="quiet-end">{t('optionsQuietTo')}</label>
            <input id="quiet-end" type="time" disabled={!enabled} value={end} onInput={(e) => setEnd((e.currentTarget as HTMLInputElement).value)} {...describedBy('quiet-end', action.errors[END])} />
            <FieldError id="quiet-end" error={action.errors[END]} />
          </div>
          <p class="zone" data-testid="time-zone">{t('optionsTimeZone', zone)}</p>
        </div>
        <p class="hint">{t('optionsQuietHint')}</p>
        {stored && appZone && appZone !== zone ? <p class="hint">{t('optionsQuietOtherZone', appZone)}</p> : null}
        <button type="submit" class="primary" disabled={action.busy}>{t('optionsSave')}</button>
        <NoticeLine notice={action.notice} />
      </form>
    </section>
  );
}
