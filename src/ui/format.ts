/** Display formatting shared by the popup and the options page: durations, clock times (src/shared/time-format). */
import { t } from '../shared/i18n.ts';
import { formatClockRange, formatMoment, formatPast } from '../shared/time-format.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function unit(key: string, n: number): string {
  return t(key, String(n));
}

/** "1 h 30 min", "4 min 10 s", "2 d 3 h": the two largest units of a span, floored. */
export function durationText(ms: number): string {
  const span = Math.max(0, ms);
  const d = Math.floor(span / DAY);
  const h = Math.floor((span % DAY) / HOUR);
  const m = Math.floor((span % HOUR) / MINUTE);
  const s = Math.floor((span % MINUTE) / 1000);
  if (d > 0) return h > 0 ? `${unit('commonUnitDays', d)} ${unit('commonUnitHours', h)}` : unit('commonUnitDays', d);
  if (h > 0) return m > 0 ? `${unit('commonUnitHours', h)} ${unit('commonUnitMinutes', m)}` : unit('commonUnitHours', h);
  if (m > 0) return s > 0 ? `${unit('commonUnitMinutes', m)} ${unit('commonUnitSeconds', s)}` : unit('commonUnitMinutes', m);
  return unit('commonUnitSeconds', s);
}

/** A future moment: "14:30", "tomorrow 08:00", "Mon 08:00", or with a date further out. */
export function momentText(at: number, now: number): string {
  return formatMoment(at, now);
}

/** A past moment with date and time, or "never" for 0. */
export function pastMomentText(at: number): string {
  return at ? formatPast(at) : t('commonNever');
}

/** A daily window in the locale's clock: "22:00–07:00". */
export function windowText(w: { start: number; end: number }): string {
  return formatClockRange(w.start, w.end);
}
