/** The daily window's text form `H:M-H:M` (SPEC 1.3), parsed and printed. */
import { type DailyWindow, MINUTES_PER_DAY } from './model.ts';
import { fail, ok, type Result } from './result.ts';

const PART = /^(\d{1,2}):(\d{1,2})$/;

export interface ClockTime {
  readonly hours: number;
  readonly minutes: number;
}

/** Checks an hours/minutes pair; `field` names it in the error. */
export function checkClockTime(field: string, t: unknown): Result<ClockTime> {
  if (typeof t !== 'object' || t === null) return fail(field, t, 'an object {hours, minutes}');
  const { hours, minutes } = t as Record<string, unknown>;
  if (typeof hours !== 'number' || !Number.isInteger(hours) || hours < 0 || hours > 23)
    return fail(`${field}.hours`, hours, 'hours must be an integer from 0 to 23');
  if (typeof minutes !== 'number' || !Number.isInteger(minutes) || minutes < 0 || minutes > 59)
    return fail(`${field}.minutes`, minutes, 'minutes must be an integer from 0 to 59');
  return ok({ hours, minutes });
}

/**
 * Parses `H:M-H:M` (also zero-padded `08:30-10:00`). `""` and `0:0-0:0` mean off (null).
 */
export function parseInterval(text: unknown, field = 'ignoreInterval'): Result<DailyWindow | null> {
  if (typeof text !== 'string') return fail(field, text, 'a string "H:M-H:M" (24-hour clock), or "" for off');
  const trimmed = text.trim();
  if (trimmed === '') return ok(null);
  const halves = trimmed.split('-');
  if (halves.length !== 2) return fail(field, text, 'must look like "H:M-H:M", e.g. "22:0-7:0"');
  const minutes: number[] = [];
  for (const half of halves) {
    const m = PART.exec(half.trim());
    if (!m) return fail(field, text, 'must look like "H:M-H:M", e.g. "22:0-7:0"');
    const h = Number(m[1]);
    const min = Number(m[2]);
    if (h > 23) return fail(field, text, 'hours must be 0–23');
    if (min > 59) return fail(field, text, 'minutes must be 0–59');
    minutes.push(h * 60 + min);
  }
  const [start, end] = minutes as [number, number];
  if (start === 0 && end === 0) return ok(null);
  return ok({ start, end });
}

/**
 * Parses a weekly schedule entry's `H:M-H:M` (SPEC 1.7): unlike the daily window there is no
 * "off" value, so `0:0-0:0` is 24 hours from midnight and `""` is refused.
 */
export function parseEntryInterval(text: unknown, field = 'interval'): Result<DailyWindow> {
  const allowedText = 'a string "H:M-H:M" (24-hour clock), e.g. "22:0-7:0"; start = end runs 24 hours';
  if (typeof text !== 'string' || text.trim() === '') return fail(field, text, allowedText);
  const r = parseInterval(text, field);
  if (!r.ok) return r;
  return ok(r.value ?? { start: 0, end: 0 });
}

/** Prints a window as the normalised wire form `H:M-H:M`; null prints as "". */
export function formatInterval(window: DailyWindow | null): string {
  if (!window) return '';
  return formatEntryInterval(window);
}

/** Prints a schedule entry's interval `H:M-H:M` (`0:0-0:0` included). */
export function formatEntryInterval(window: DailyWindow): string {
  return `${minuteText(window.start)}-${minuteText(window.end)}`;
}

function minuteText(m: number): string {
  return `${Math.floor(m / 60)}:${m % 60}`;
}

/** Builds a window from SDK `startTime`/`endTime`; 0:0-0:0 is off (null). */
export function windowFromClock(start: ClockTime, end: ClockTime): DailyWindow | null {
  const s = start.hours * 60 + start.minutes;
  const e = end.hours * 60 + end.minutes;
  return s === 0 && e === 0 ? null : { start: s, end: e };
}

/** The SDK's `{startTime, endTime}` view of a window. */
export function windowToClock(window: DailyWindow): { startTime: ClockTime; endTime: ClockTime } {
  return {
    startTime: { hours: Math.floor(window.start / 60), minutes: window.start % 60 },
    endTime: { hours: Math.floor(window.end / 60), minutes: window.end % 60 },
  };
}

/** Is local minute-of-day `m` inside the window? start === end is all day. */
export function inWindow(window: DailyWindow, m: number): boolean {
  const { start, end } = window;
  if (start === end) return true;
  if (start < end) return m >= start && m < end;
  return m >= start || m < end;
}

/** `HH:MM` for display (24-hour, zero-padded). */
export function clockText(minuteOfDay: number): string {
  const m = ((minuteOfDay % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
