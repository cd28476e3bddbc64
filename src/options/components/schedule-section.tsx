/**
 * The weekly quiet schedule (SPEC 1.7): entries of days × from/to, the "weeknights" and
 * "weekends" presets, and the week strip that shows it at a glance. Saved as a whole.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { clockText, DAYS, type Day, formatEntryInterval, MAX_SCHEDULE_ENTRIES, type ScheduleEntry } from '../../core/index.ts';
import { t } from '../../shared/i18n.ts';
import { sendMessage, type StatusView } from '../../shared/protocol.ts';
import { dayName, entryText, type PresetName, PRESETS } from '../../shared/rule-text.ts';
import { describedBy, FieldError, NoticeLine } from '../../ui/field.tsx';
import { useAction } from '../../ui/use-action.ts';
import { WeekStrip } from '../../ui/week-strip.tsx';

interface Draft {
  days: Day[];
  from: string;
  to: string;
}

const toDraft = (e: ScheduleEntry): Draft => ({ days: [...e.days], from: clockText(e.interval.start), to: clockText(e.interval.end) });

/** "HH:MM" → minute of the day, or null. */
function minuteOf(text: string): number | null {
  const m = /^(\d{1,2}):(\d{2})/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  return h < 24 && min < 60 ? h * 60 + min : null;
}

/** The drafts as entries; the first problem found is named by its field. */
function readDrafts(drafts: readonly Draft[]): { ok: true; entries: ScheduleEntry[] } | { ok: false; field: string; message: string } {
  const entries: ScheduleEntry[] = [];
  for (const [i, d] of drafts.entries()) {
    if (d.days.length === 0) return { ok: false, field: `quietSchedule[${i}].days`, message: t('optionsScheduleErrorDays') };
    const start = minuteOf(d.from);
    if (start === null) return { ok: false, field: `quietSchedule[${i}].from`, message: t('optionsErrorTime') };
    const end = minuteOf(d.to);
    if (end === null) return { ok: false, field: `quietSchedule[${i}].to`, message: t('optionsErrorTime') };
    entries.push({ days: DAYS.filter((x) => d.days.includes(x)), interval: { start, end } });
  }
  return { ok: true, entries };
}

const keyOf = (entries: readonly ScheduleEntry[] | undefined) => JSON.stringify(entries ?? []);

/** The schedule section. */
export function ScheduleSection(props: { status: StatusView; onStatus: (s: StatusView) => void }) {
  const stored = props.status.app?.quietSchedule ?? [];
  const fields = Array.from({ length: MAX_SCHEDULE_ENTRIES }, (_, i) => `quietSchedule[${i}]`);
  // Entry fields first: an error naming quietSchedule[1] belongs next to that entry.
  const action = useAction([...fields, 'quietSchedule']);
  const [drafts, setDrafts] = useState<Draft[]>(() => stored.map(toDraft));
  const [editing, setEditing] = useState<number | undefined>(undefined);

  // Follow a schedule changed elsewhere while the page is open (not on the first run).
  const storedKey = keyOf(stored);
  const seen = useRef(storedKey);
  useEffect(() => {
    if (seen.current === storedKey) return;
    seen.current = storedKey;
    setDrafts(stored.map(toDraft));
  }, [storedKey]);

  const parsed = readDrafts(drafts);
  const preview = parsed.ok ? parsed.entries : stored;
  const update = (i: number, patch: Partial<Draft>) => setDrafts(drafts.map((d, k) => (k === i ? { ...d, ...patch } : d)));
  const addPreset = (name: PresetName) => setDrafts([...drafts, toDraft(PRESETS[name])]);
  const full = drafts.length >= MAX_SCHEDULE_ENTRIES;

  const save = async (e: Event): Promise<void> => {
    e.preventDefault();
    const r = readDrafts(drafts);
    if (!r.ok) return action.invalid(r.field.replace(/\.(days|from|to)$/, ''), r.message);
    const quietSchedule = r.entries.map((x) => ({ days: [...x.days], interval: formatEntryInterval(x.interval) }));
    const next = await action.run(() => sendMessage('setPushRules', { quietSchedule }), t('optionsSaved'));
    if (next) props.onStatus(next);
  };

  return (
    <section class="card" aria-labelledby="schedule-heading" id="schedule">
      <h2 id="schedule-heading">{t('optionsScheduleHeading')}</h2>
      <p class="hint">{t('optionsScheduleHint', props.status.app?.timeZone ?? props.status.timeZone)}</p>
      <WeekStrip entries={preview} highlight={editing} />
      <form onSubmit={save} noValidate>
        <ol class="schedule-list">
          {drafts.map((d, i) => {
            const id = `schedule-${i}`;
            const error = action.errors[`quietSchedule[${i}]`];
            const entry = readDrafts([d]);
            return (
              <li class="schedule-entry" key={i} onFocusIn={() => setEditing(i)} data-testid="schedule-entry">
                <fieldset class="days" {...describedBy(id, error)}>
                  <legend class="visually-hidden">{t('optionsScheduleDays', String(i + 1))}</legend>
                  {DAYS.map((day, k) => (
                    <label class="day-check" key={day}>
                      <input
                        type="checkbox"
                        checked={d.days.includes(day)}
                        aria-label={dayName(k, 'long')}
                        onChange={(ev) => update(i, { days: (ev.currentTarget as HTMLInputElement).checked ? [...d.days, day] : d.days.filter((x) => x !== day) })}
                      />
                      <span aria-hidden="true">{dayName(k)}</span>
                    </label>
                  ))}
                </fieldset>
                <div class="row times">
                  <div class="field">
                    <label for={`${id}-from`}>{t('optionsScheduleFrom')}</label>
                    <input id={`${id}-from`} type="time" value={d.from} onInput={(ev) => update(i, { from: (ev.currentTarget as HTMLInputElement).value })} {...describedBy(id, error)} />
                  </div>
                  <div class="field">
                    <label for={`${id}-to`}>{t('optionsScheduleTo')}</label>
                    <input id={`${id}-to`} type="time" value={d.to} onInput={(ev) => update(i, { to: (ev.currentTarget as HTMLInputElement).value })} {...describedBy(id, error)} />
                  </div>
                  <button type="button" class="link" onClick={() => setDrafts(drafts.filter((_, k) => k !== i))}>
                    {t('optionsScheduleRemove')}
                  </button>
                </div>
                <p class="hint" data-testid="schedule-entry-text">
                  {entry.ok && entry.entries[0] ? entryText(entry.entries[0]) : ''}
                  {entry.ok && entry.entries[0] && entry.entries[0].interval.end <= entry.entries[0].interval.start ? ` ${t('optionsScheduleNextDay')}` : ''}
                </p>
                <FieldError id={id} error={error} />
              </li>
            );
          })}
        </ol>
        {drafts.length === 0 ? <p class="hint">{t('optionsScheduleEmpty')}</p> : null}
        <div class="row">
          <button type="button" disabled={full} onClick={() => setDrafts([...drafts, { days: ['mon', 'tue', 'wed', 'thu', 'fri'], from: '22:00', to: '07:00' }])}>
            {t('optionsScheduleAdd')}
          </button>
          <button type="button" disabled={full} onClick={() => addPreset('weeknights')}>{t('optionsSchedulePresetWeeknights')}</button>
          <button type="button" disabled={full} onClick={() => addPreset('weekends')}>{t('optionsSchedulePresetWeekends')}</button>
        </div>
        <FieldError id="schedule" error={action.errors.quietSchedule} />
        <button type="submit" class="primary" disabled={action.busy}>{t('optionsSave')}</button>
        <NoticeLine notice={action.notice} />
      </form>
    </section>
  );
}
