/** The weekly schedule at a glance: one row per weekday with its quiet spans drawn on a 24 h bar. */
import { t } from '../shared/i18n.ts';
import { dayName } from '../shared/rule-text.ts';
import { formatClock } from '../shared/time-format.ts';
import type { ScheduleEntry } from '../core/index.ts';
import { mergedRanges, weekSpans } from './week-spans.ts';

const pct = (m: number) => `${(m / 1440) * 100}%`;

/** "22:00–24:00" in the locale's clock (the end of the day reads 24:00 as the clock's midnight). */
function rangeText(from: number, to: number): string {
  return `${formatClock(from)}–${to >= 1440 ? t('optionsWeekMidnight') : formatClock(to)}`;
}

/** Seven rows, Monday first; `highlight` marks one entry's spans (the one being edited). */
export function WeekStrip({ entries, highlight }: { entries: readonly ScheduleEntry[]; highlight?: number }) {
  const days = weekSpans(entries);
  return (
    <div class="week-strip" data-testid="week-strip" role="list" aria-label={t('optionsWeekStripLabel')}>
      {days.map((spans, i) => {
        const ranges = mergedRanges(spans);
        const said = ranges.length ? ranges.map((r) => rangeText(r.from, r.to)).join(', ') : t('optionsWeekNone');
        return (
          <div class="week-row" role="listitem" key={i} data-day={i}>
            <span class="week-day" aria-hidden="true">{dayName(i)}</span>
            <div class="week-bar" aria-hidden="true">
              {[6, 12, 18].map((h) => <span class="week-tick" key={h} style={{ left: pct(h * 60) }} />)}
              {spans.map((s, k) => (
                <span
                  key={k}
                  class={`week-span${s.carried ? ' week-span-carried' : ''}${highlight === s.entryIndex ? ' week-span-active' : ''}`}
                  data-entry={s.entryIndex}
                  data-from={s.from}
                  data-to={s.to}
                  style={{ left: pct(s.from), width: pct(s.to - s.from) }}
                />
              ))}
            </div>
            <span class="visually-hidden">{`${dayName(i, 'long')}: ${said}`}</span>
          </div>
        );
      })}
      <div class="week-row week-scale" aria-hidden="true">
        <span class="week-day" />
        <div class="week-axis">
          {[0, 6, 12, 18].map((h) => <span key={h} style={{ left: pct(h * 60) }}>{formatClock(h * 60)}</span>)}
        </div>
      </div>
    </div>
  );
}
