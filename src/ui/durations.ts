/**
 * Pause and mute durations offered by the UI. The range check itself is core's
 * `checkDuration` (0 … 7 days); the UI adds only "at least one minute" for a custom pause.
 */
import {
  checkDuration, fieldError, instantsOfLocalTime, localDayNumber, localMinuteOfDay, MAX_DURATION_MS, type Result,
} from '../core/index.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;

/** Pause presets of the popup: message key and length. */
export const PAUSE_PRESETS: readonly { readonly key: string; readonly ms: number }[] = [
  { key: 'popupPause30m', ms: 30 * MINUTE_MS },
  { key: 'popupPause1h', ms: HOUR_MS },
  { key: 'popupPause2h', ms: 2 * HOUR_MS },
  { key: 'popupPause4h', ms: 4 * HOUR_MS },
  { key: 'popupPause8h', ms: 8 * HOUR_MS },
];

/** Conversation mute choices (popup and options). */
export const MUTE_CHOICES: readonly { readonly key: string; readonly ms: number }[] = [
  { key: 'commonMute1h', ms: HOUR_MS },
  { key: 'commonMute8h', ms: 8 * HOUR_MS },
  { key: 'commonMute2d', ms: 48 * HOUR_MS },
  { key: 'commonMute7d', ms: MAX_DURATION_MS },
];

/** Monday of a local day number (day 0, 1970-01-01, was a Thursday). */
const isMonday = (day: number): boolean => (((day + 3) % 7) + 7) % 7 === 0;

/** The first instant at or after local minute `minute` of `day` (skips a DST gap). */
function localInstant(day: number, minute: number, timeZone: string): number | undefined {
  for (let m = minute; m < minute + 180; m++) {
    const at = instantsOfLocalTime(day, m, timeZone)[0];
    if (at !== undefined) return at;
  }
  return undefined;
}

/** Milliseconds from `now` until the coming Monday 08:00 local ("until next week"), at most 7 days. */
export function untilNextWeek(now: number, timeZone: string): number {
  let day = localDayNumber(now, timeZone) + 1;
  while (!isMonday(day)) day++;
  const at = localInstant(day, MORNING_MINUTE, timeZone) ?? now + MAX_DURATION_MS;
  return Math.min(Math.max(at - now, MINUTE_MS), MAX_DURATION_MS);
}

/**
 * A moment picked in a datetime-local input ("2026-12-01T08:00", the browser's clock), as a
 * pause length from `now`: from one minute to seven days ahead.
 */
export function parsePickedMoment(value: string, now: number, field = 'durationMs'): Result<number> {
  const at = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? new Date(value).getTime() : NaN;
  if (!Number.isFinite(at)) return { ok: false, errors: [fieldError(field, value, 'a date and time')] };
  const ms = at - now;
  if (ms < MINUTE_MS) return { ok: false, errors: [fieldError(field, value, 'a moment in the future')] };
  if (ms > MAX_DURATION_MS) return { ok: false, errors: [fieldError(field, value, 'at most 7 days ahead')] };
  return { ok: true, value: ms };
}

/** "YYYY-MM-DDTHH:MM" on the browser's clock, for datetime-local min/max. */
export function localInputValue(at: number): string {
  const d = new Date(at);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Local minute of day that "tomorrow morning" means. */
export const MORNING_MINUTE = 8 * 60;

/** Before this local minute (04:00) the night is still "tonight": its morning is today's. */
export const NIGHT_END_MINUTE = 4 * 60;

/**
 * Milliseconds from `now` until 08:00 on the next local day in `timeZone`, at most 7 days.
 * Between midnight and 04:00 the user has not slept yet, so "tomorrow morning" is the coming
 * 08:00 (same date), not one a day later. On a day whose 08:00 does not exist (a DST gap) the
 * first instant after the gap is used.
 */
export function untilTomorrowMorning(now: number, timeZone: string): number {
  const today = localDayNumber(now, timeZone);
  const day = localMinuteOfDay(now, timeZone) < NIGHT_END_MINUTE ? today : today + 1;
  const at = localInstant(day, MORNING_MINUTE, timeZone);
  const ms = (at ?? now + 24 * HOUR_MS) - now;
  return Math.min(Math.max(ms, MINUTE_MS), MAX_DURATION_MS);
}

export type DurationUnit = 'minutes' | 'hours';

/**
 * A custom pause typed by the user: a positive number of minutes or hours, from one minute to
 * seven days. Errors name `field` and carry core's wording for the range.
 */
export function parseCustomDuration(amount: string, unitName: DurationUnit, field = 'durationMs'): Result<number> {
  const text = amount.trim();
  const n = text === '' ? NaN : Number(text);
  if (!Number.isFinite(n)) return { ok: false, errors: [fieldError(field, amount, 'a number')] };
  const ms = Math.round(n * (unitName === 'hours' ? HOUR_MS : MINUTE_MS));
  if (ms < MINUTE_MS) return { ok: false, errors: [fieldError(field, ms, 'at least 1 minute')] };
  return checkDuration(ms, field);
}
