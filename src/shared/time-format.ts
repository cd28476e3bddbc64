/**
 * The one way the extension writes clock times and moments (badge tooltip, popup, options):
 * `Intl` in the browser's UI language, so "22:00" or "10:00 PM" is the same everywhere (the
 * options page once said "10:00 PM" while the popup said "22:00").
 */
import { t, uiLanguage } from './i18n.ts';

const DAY_MS = 86_400_000;

function fmt(locale: string | undefined, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat(locale ?? uiLanguage(), opts);
  } catch {
    // An unknown zone or locale: the browser's own defaults still give a readable time.
    const { timeZone: _zone, ...rest } = opts;
    try {
      return new Intl.DateTimeFormat(locale ?? uiLanguage(), rest);
    } catch {
      return new Intl.DateTimeFormat(undefined, rest);
    }
  }
}

/** A minute of the day (0–1439) as the locale writes a clock time: "22:00", "10:00 PM". */
export function formatClock(minuteOfDay: number, locale?: string): string {
  const m = ((Math.floor(minuteOfDay) % 1440) + 1440) % 1440;
  return fmt(locale, { timeStyle: 'short', timeZone: 'UTC' }).format(Date.UTC(2000, 0, 1, Math.floor(m / 60), m % 60));
}

/** "22:00–07:00" in the locale's clock. */
export function formatClockRange(start: number, end: number, locale?: string): string {
  return `${formatClock(start, locale)}–${formatClock(end, locale)}`;
}

/** Calendar day number of `at` in `zone` (days since 1970-01-01 on that wall clock). */
function dayNumber(at: number, zone: string | undefined): number {
  const parts = fmt('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', ...(zone ? { timeZone: zone } : {}) }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return Math.round(Date.UTC(get('year'), get('month') - 1, get('day')) / DAY_MS);
}

/**
 * A future moment for people: "14:30" today, "tomorrow 08:00", and with its date on any other
 * day ("Mon, Dec 7, 08:00"): a weekday alone is ambiguous a week out. `zone` defaults to the
 * browser's.
 */
export function formatMoment(at: number, now: number, zone?: string, locale?: string): string {
  const z = zone ? { timeZone: zone } : {};
  // timeStyle "short" is the locale's own clock: "22:00" in en-GB, de, zh; "10:00 PM" in en-US.
  const time = fmt(locale, { timeStyle: 'short', ...z }).format(at);
  const days = dayNumber(at, zone) - dayNumber(now, zone);
  if (days === 0) return time;
  if (days === 1) return t('commonTomorrowAt', time);
  return t('commonDateAt', [fmt(locale, { weekday: 'short', month: 'short', day: 'numeric', ...z }).format(at), time]);
}

/** A past moment with date and time. */
export function formatPast(at: number, locale?: string): string {
  return fmt(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(at);
}
