/**
 * Wall-clock time in an IANA zone through Intl alone, so DST is whatever the platform's
 * time-zone database says — no offset tables here.
 */
import { MINUTES_PER_DAY } from './model.ts';
import { fail, ok, type Result } from './result.ts';

const MINUTE = 60_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
/** Offsets change only on whole minutes, so one entry per zone for the last minute asked is exact. */
const lastOffset = new Map<string, { minute: number; offset: number }>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const IANA_SHAPE = /^(?:UTC|GMT|[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*)$/;

/**
 * Current IANA names that ICU (Node 20, some browsers) still reports by their legacy name
 * (Asia/Kolkata → Asia/Calcutta), so Intl cannot tell us their case; plus the UTC links.
 */
const RENAMED_ZONES = [
  'Africa/Asmara', 'America/Argentina/Buenos_Aires', 'America/Argentina/Catamarca', 'America/Argentina/Cordoba',
  'America/Argentina/Jujuy', 'America/Argentina/Mendoza', 'America/Atikokan', 'America/Indiana/Indianapolis',
  'America/Kentucky/Louisville', 'America/Nuuk', 'Asia/Ho_Chi_Minh', 'Asia/Kathmandu', 'Asia/Kolkata', 'Asia/Yangon',
  'Atlantic/Faroe', 'Europe/Kyiv', 'Pacific/Chuuk', 'Pacific/Kanton', 'Pacific/Pohnpei',
  'Etc/UTC', 'Etc/GMT', 'GMT',
];

let zoneCase: Map<string, string> | undefined;

/** Lower-case name → canonical spelling, for every zone the platform lists and the renamed ones. */
function zonesByLowerCase(): Map<string, string> {
  if (!zoneCase) {
    const listed = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
    zoneCase = new Map([...listed, ...RENAMED_ZONES].map((z) => [z.toLowerCase(), z]));
  }
  return zoneCase;
}

/**
 * Validates an IANA zone name and returns it in canonical case (`ASIA/KATHMANDU` →
 * `Asia/Kathmandu`). The name itself is kept: a current name the platform would rename to a
 * legacy one (Asia/Kolkata → Asia/Calcutta) stays Asia/Kolkata.
 */
export function parseTimeZone(value: unknown, field = 'timeZone'): Result<string> {
  const allowed = 'an IANA time zone name such as "Europe/Paris", "America/New_York" or "UTC"';
  if (typeof value !== 'string' || value.length === 0 || value.length > 64 || !IANA_SHAPE.test(value))
    return fail(field, value, allowed);
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return fail(field, value, `unknown time zone; ${allowed}`);
  }
  const lower = value.toLowerCase();
  // Intl's own spelling when it is the same name, else the listed spelling, else as sent (a
  // link such as US/Eastern that neither knows the case of).
  if (resolved.toLowerCase() === lower) return ok(resolved);
  return ok(zonesByLowerCase().get(lower) ?? value);
}

/** Answers of `isTimeZone` so far: stored settings repeat a handful of zones, and each Intl check costs tens of µs. */
const knownZones = new Map<string, boolean>();

/** True when the platform knows this zone. */
export function isTimeZone(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  let known = knownZones.get(value);
  if (known === undefined) {
    known = parseTimeZone(value).ok;
    if (knownZones.size >= 1024) knownZones.clear();
    knownZones.set(value, known);
  }
  return known;
}

/** UTC offset in minutes of `timeZone` at instant `t` (east positive: Paris in winter = 60). */
export function offsetMinutes(t: number, timeZone: string): number {
  const minute = Math.floor(t / MINUTE);
  const cached = lastOffset.get(timeZone);
  if (cached && cached.minute === minute) return cached.offset;
  const offset = computeOffset(minute * MINUTE, timeZone);
  lastOffset.set(timeZone, { minute, offset });
  return offset;
}

function computeOffset(t: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(t));
  const get = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - t) / MINUTE);
}

/** Minutes since local midnight (0–1439) at instant `t` in `timeZone`. */
export function localMinuteOfDay(t: number, timeZone: string): number {
  const local = Math.floor(t / MINUTE) + offsetMinutes(t, timeZone);
  return ((local % MINUTES_PER_DAY) + MINUTES_PER_DAY) % MINUTES_PER_DAY;
}

/** Local calendar day number (days since 1970-01-01 in local time) at instant `t`. */
export function localDayNumber(t: number, timeZone: string): number {
  return Math.floor((Math.floor(t / MINUTE) + offsetMinutes(t, timeZone)) / MINUTES_PER_DAY);
}

/**
 * Every instant at which the local clock reads `minuteOfDay` on local day `day`:
 * none inside a spring-forward gap, two inside a fall-back overlap.
 */
export function instantsOfLocalTime(day: number, minuteOfDay: number, timeZone: string): number[] {
  const localMs = (day * MINUTES_PER_DAY + minuteOfDay) * MINUTE;
  const candidates = new Set<number>();
  // Any offset in force around that wall time is one of those seen half a day either side.
  for (const probe of [localMs - 14 * 60 * MINUTE, localMs, localMs + 14 * 60 * MINUTE]) {
    candidates.add(offsetMinutes(probe, timeZone));
  }
  const out: number[] = [];
  for (const offset of candidates) {
    const t = localMs - offset * MINUTE;
    if (offsetMinutes(t, timeZone) === offset) out.push(t);
  }
  return out.sort((a, b) => a - b);
}

/** Instants in (from, to] at which the zone's UTC offset changes, to the minute. */
export function offsetTransitions(from: number, to: number, timeZone: string): number[] {
  const step = 3 * 60 * MINUTE;
  const out: number[] = [];
  let prevT = from;
  let prevOffset = offsetMinutes(from, timeZone);
  for (let t = from + step; prevT < to; t += step) {
    const probe = Math.min(t, to);
    const offset = offsetMinutes(probe, timeZone);
    if (offset !== prevOffset) {
      // Binary search for the first minute carrying the new offset.
      let lo = Math.floor(prevT / MINUTE);
      let hi = Math.floor(probe / MINUTE);
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetMinutes(mid * MINUTE, timeZone) === prevOffset) lo = mid;
        else hi = mid;
      }
      if (hi * MINUTE > from) out.push(hi * MINUTE);
      prevOffset = offset;
    }
    prevT = probe;
  }
  return out;
}
