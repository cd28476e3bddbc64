/**
 * Pause and mute durations offered by the UI. The range check itself is core's
 * `durationSchema` (0 … 7 days); the UI adds only "at least one minute" for a custom pause.
 */
import {
  durationSchema, fieldError, instantsOfLocalTime, localDayNumber, localMinuteOfDay, MAX_DURATION_MS, parseWith, type Result,
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
  { key: 'commonMute24h', ms: 24 * HOUR_MS },
  { key: 'commonMute7d', ms: MAX_DURATION_MS },
];

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
  let at = instantsOfLocalTime(day, MORNING_MINUTE, timeZone)[0];
  for (let m = MORNING_MINUTE + 1; at === undefined && m < MORNING_MINUTE + 180; m++) {
    at = instantsOfLocalTime(day, m, timeZone)[0];
  }
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
  return parseWith(durationSchema, ms, field);
}
