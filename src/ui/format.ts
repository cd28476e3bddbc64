/** Display formatting shared by the popup and the options page: durations, clock times. */
import { t, uiLanguage } from '../shared/i18n.ts';

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

function sameLocalDay(a: number, b: number): boolean {
  return new Date(a).toDateString() === new Date(b).toDateString();
}

/** A moment as the local clock shows it ("12:00"), with the weekday when it is not today. */
export function momentText(at: number, now: number): string {
  const opts: Intl.DateTimeFormatOptions = sameLocalDay(at, now)
    ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
    : { weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };
  return new Intl.DateTimeFormat(uiLanguage(), opts).format(new Date(at));
}

/** A past moment with date and time, or "never" for 0. */
export function pastMomentText(at: number): string {
  if (!at) return t('commonNever');
  return new Intl.DateTimeFormat(uiLanguage(), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(at));
}
