// SPEC 1.7: the weekly schedule (with the daily window, durations and skip-once) against a
// brute-force reference that walks minute by minute through DST changes, reading the wall clock
// from a fresh Intl.DateTimeFormat — none of core's time-zone code.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AppSettings, DAYS, type Day, type DailyWindow, decide, isQuiet, prepareMessage, quietStatus, type ScheduleEntry,
} from '../../src/core/index.ts';
import { DAY, HOUR, message, MIN, offline } from './fixtures.ts';

const RUNS = Number(process.env.FC_RUNS ?? 150);

/** [zone, an instant of an offset change]; each is checked below to really be one. */
const TRANSITIONS: ReadonlyArray<readonly [string, string]> = [
  ['Europe/Paris', '2026-03-29T01:00:00Z'], ['Europe/Paris', '2026-10-25T01:00:00Z'],
  ['America/New_York', '2026-03-08T07:00:00Z'], ['America/New_York', '2026-11-01T06:00:00Z'],
  ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'], ['Australia/Lord_Howe', '2026-10-03T15:30:00Z'], // 30-minute DST
  ['America/Santiago', '2026-04-05T03:00:00Z'], ['America/Santiago', '2026-09-06T04:00:00Z'], // at midnight
  ['Pacific/Apia', '2011-12-30T10:00:00Z'], // Thursday 29 Dec 23:59 → Saturday 31 Dec 00:00: Friday never happened
  ['Asia/Kolkata', '2026-06-15T00:00:00Z'], // no DST: a plain week
];
/** The reference looks this far either side of each change. */
const BEFORE = 3 * DAY;
const AFTER = 4 * DAY;

interface Wall { readonly weekday: number; readonly minute: number }

const WEEKDAY: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };

/** The local wall clock of every minute around a change, from Intl alone. */
function wallTable(zone: string, center: number): { start: number; walls: Wall[] } {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', weekday: 'short', hour: 'numeric', minute: 'numeric' });
  const start = center - BEFORE;
  const walls: Wall[] = [];
  for (let t = start; t <= center + AFTER; t += MIN) {
    const parts = f.formatToParts(new Date(t));
    const get = (type: string) => parts.find((p) => p.type === type)!.value;
    walls.push({ weekday: WEEKDAY[get('weekday')]!, minute: Number(get('hour')) * 60 + Number(get('minute')) });
  }
  return { start, walls };
}

const tables = new Map<string, { start: number; walls: Wall[] }>();
function tableFor(zone: string, at: string) {
  const key = `${zone} ${at}`;
  let t = tables.get(key);
  if (!t) tables.set(key, (t = wallTable(zone, Date.parse(at))));
  return t;
}

/** SPEC 1.3's window, restated. */
function refWindow(w: DailyWindow, m: number): boolean {
  if (w.start === w.end) return true;
  return w.start < w.end ? m >= w.start && m < w.end : m >= w.start || m < w.end;
}

/** SPEC 1.7's entry, restated: it belongs to the day it starts and runs into the next when end <= start. */
function refEntry(e: ScheduleEntry, wall: Wall): boolean {
  const has = (i: number) => e.days.includes(DAYS[(i + 7) % 7]!);
  const { start, end } = e.interval;
  if (start < end) return has(wall.weekday) && wall.minute >= start && wall.minute < end;
  return (has(wall.weekday) && wall.minute >= start) || (has(wall.weekday - 1) && wall.minute < end);
}

function refQuiet(app: AppSettings, t: number, wall: Wall): boolean {
  if (app.durationUntil > t) return true;
  if ((app.windowSkipUntil ?? 0) > t) return false;
  if (app.window && refWindow(app.window, wall.minute)) return true;
  return (app.quietSchedule ?? []).some((e) => refEntry(e, wall));
}

// Boundaries weighted towards the small hours, where the changes happen.
const minuteArb = fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 240 }), fc.integer({ min: 22 * 60, max: 1439 }));
const entryArb = fc.record({
  days: fc.uniqueArray(fc.constantFrom<Day>(...DAYS), { minLength: 1, maxLength: 7 }),
  interval: fc.oneof(
    fc.record({ start: minuteArb, end: minuteArb }),
    minuteArb.map((m) => ({ start: m, end: m })), // 24 hours, 0:0-0:0 included
  ),
});
const scenarioArb = fc.record({
  place: fc.constantFrom(...TRANSITIONS),
  /** Where t sits in the table: early enough that a change within 3 days is visible to the reference. */
  offset: fc.integer({ min: 0, max: BEFORE + DAY }),
  onMinute: fc.boolean(),
  schedule: fc.array(entryArb, { minLength: 1, maxLength: 4 }),
  window: fc.option(fc.record({ start: minuteArb, end: minuteArb }), { nil: null }),
  duration: fc.option(fc.integer({ min: 1, max: 2 * DAY }), { nil: 0 }),
  skip: fc.option(fc.integer({ min: 1, max: DAY }), { nil: 0 }),
});

describe('weekly schedule against a minute-by-minute reference', () => {
  it('the listed instants are real offset changes (so the property below visits them)', () => {
    const offsetAt = (zone: string, t: number) => {
      const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
      return f.formatToParts(new Date(t)).find((p) => p.type === 'timeZoneName')!.value;
    };
    for (const [zone, at] of TRANSITIONS) {
      if (zone === 'Asia/Kolkata') continue;
      const t = Date.parse(at);
      expect(offsetAt(zone, t - MIN), `${zone} ${at}`).not.toBe(offsetAt(zone, t));
    }
  });

  it('isQuiet, nextChange and quietUntil agree with the reference in six zones', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const [zone, at] = s.place;
        const table = tableFor(zone, at);
        const t = table.start + s.offset + (s.onMinute ? 0 : 17_345);
        const app: AppSettings = {
          type: 'ALL', window: s.window, durationUntil: s.duration ? t + s.duration : 0, timeZone: zone,
          quietSchedule: s.schedule, windowSkipUntil: s.skip ? t + s.skip : 0,
        };
        const idx = (x: number) => Math.floor((x - table.start) / MIN);
        const ref = (x: number) => refQuiet(app, x, table.walls[idx(x)]!);
        const q0 = ref(t);
        expect(isQuiet(app, undefined, t)).toBe(q0);
        // The reference's next change: the first later minute (or expiry) whose status differs.
        let expected: number | null = null;
        const expiries = [app.durationUntil, app.windowSkipUntil ?? 0].filter((e) => e > t);
        const candidates = [...expiries];
        for (let i = idx(t) + 1; i < table.walls.length; i++) candidates.push(table.start + i * MIN);
        candidates.sort((a, b) => a - b);
        for (const c of candidates) {
          if (idx(c) >= table.walls.length) break;
          if (ref(c) !== q0) {
            expected = c;
            break;
          }
        }
        const st = quietStatus(app, undefined, t);
        const end = table.start + (table.walls.length - 1) * MIN;
        if (expected === null) expect(st.nextChange === null || st.nextChange > end, `no change before ${new Date(end).toISOString()}`).toBe(true);
        else expect(st.nextChange, `from ${new Date(t).toISOString()} in ${zone}`).toBe(expected);
        expect(st.quiet).toBe(q0);
        expect(st.quietUntil).toBe(q0 ? st.nextChange : null);
      }),
      { numRuns: RUNS },
    );
  });

  it('decide() holds an unforced message for DND_APP_WINDOW exactly when the wall-clock rules are in force', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const [zone, at] = s.place;
        const table = tableFor(zone, at);
        const t = table.start + s.offset;
        const app: AppSettings = { type: 'ALL', window: s.window, durationUntil: 0, timeZone: zone, quietSchedule: s.schedule, windowSkipUntil: s.skip ? t + s.skip : 0 };
        const expected = refQuiet(app, t, table.walls[Math.floor((t - table.start) / MIN)]!);
        const d = decide({ recipient: 'alice', message: prepareMessage(message()), app, devices: [offline()], policy: 'allOffline', advanced: true, now: t });
        expect(d.reason).toBe(expected ? 'DND_APP_WINDOW' : 'PUSH');
      }),
      { numRuns: RUNS },
    );
  });

  it('names the first schedule entry in force, as the reference finds it', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const [zone, at] = s.place;
        const table = tableFor(zone, at);
        const t = table.start + s.offset;
        const app: AppSettings = { type: 'ALL', window: null, durationUntil: 0, timeZone: zone, quietSchedule: s.schedule };
        const wall = table.walls[Math.floor((t - table.start) / MIN)]!;
        const index = s.schedule.findIndex((e) => refEntry(e, wall));
        const st = quietStatus(app, undefined, t);
        expect(st.rule).toEqual(index < 0 ? null : { kind: 'schedule', entryIndex: index });
        expect(st.reason).toBe(index < 0 ? null : 'DND_APP_WINDOW');
      }),
      { numRuns: RUNS },
    );
  });
});

describe('weekly schedule examples', () => {
  const at = (s: string) => Date.parse(s);
  const base: AppSettings = { type: 'ALL', window: null, durationUntil: 0, timeZone: 'UTC' };

  it('fri 22:0-7:0 is quiet from Friday 22:00 to Saturday 07:00 (Paris)', () => {
    const app = { ...base, timeZone: 'Europe/Paris', quietSchedule: [{ days: ['fri'] as Day[], interval: { start: 22 * 60, end: 7 * 60 } }] };
    expect(isQuiet(app, undefined, at('2026-06-05T21:59:00+02:00'))).toBe(false); // a Friday
    expect(quietStatus(app, undefined, at('2026-06-05T22:00:00+02:00')).quietUntil).toBe(at('2026-06-06T07:00:00+02:00'));
    expect(isQuiet(app, undefined, at('2026-06-04T23:00:00+02:00'))).toBe(false); // Thursday night is not Friday's
  });

  it('0:0-0:0 runs 24 hours; the SPEC example is quiet on weeknights and all weekend', () => {
    const app = {
      ...base,
      quietSchedule: [
        { days: ['mon', 'tue', 'wed', 'thu'] as Day[], interval: { start: 22 * 60, end: 7 * 60 } },
        { days: ['sat', 'sun'] as Day[], interval: { start: 0, end: 0 } },
      ],
    };
    expect(isQuiet(app, undefined, at('2026-06-05T23:00:00Z'))).toBe(false); // Friday night
    const sat = quietStatus(app, undefined, at('2026-06-06T00:00:00Z'));
    expect(sat.rule).toEqual({ kind: 'schedule', entryIndex: 1 });
    expect(sat.quietUntil).toBe(at('2026-06-08T00:00:00Z')); // Sunday's 24 hours end Monday 00:00
    // Sunday night into Monday: the weekend ends at 00:00 and Monday's entry starts at 22:00.
    expect(isQuiet(app, undefined, at('2026-06-08T06:00:00Z'))).toBe(false);
    expect(quietStatus(app, undefined, at('2026-06-08T22:00:00Z')).quietUntil).toBe(at('2026-06-09T07:00:00Z'));
  });

  it('touching and overlapping rules merge: window, schedule and duration', () => {
    const t = at('2026-06-08T20:00:00Z'); // Monday
    const app = {
      ...base,
      durationUntil: t + 2 * HOUR, // until 22:00, where the schedule takes over
      quietSchedule: [{ days: ['mon'] as Day[], interval: { start: 22 * 60, end: 7 * 60 } }],
      window: { start: 6 * 60, end: 9 * 60 }, // overlaps the end: quiet until 09:00
    };
    const st = quietStatus(app, undefined, t);
    expect(st.rule).toEqual({ kind: 'duration' });
    expect(st.quietUntil).toBe(at('2026-06-09T09:00:00Z'));
  });

  it('a start in a DST gap begins when the clock jumps past it (New York, 8 March 2026)', () => {
    const app = { ...base, timeZone: 'America/New_York', quietSchedule: [{ days: ['sun'] as Day[], interval: { start: 150, end: 240 } }] };
    const from = at('2026-03-08T01:00:00-05:00');
    expect(quietStatus(app, undefined, from).nextChange).toBe(at('2026-03-08T03:00:00-04:00'));
    expect(quietStatus(app, undefined, at('2026-03-08T03:00:00-04:00')).quietUntil).toBe(at('2026-03-08T04:00:00-04:00'));
  });

  it('Apia skipped Friday 30 December 2011: a Friday-night entry starts at Saturday 00:00', () => {
    const app = { ...base, timeZone: 'Pacific/Apia', quietSchedule: [{ days: ['fri'] as Day[], interval: { start: 22 * 60, end: 7 * 60 } }] };
    const thu = at('2011-12-29T20:00:00-10:00');
    expect(quietStatus(app, undefined, thu).nextChange).toBe(at('2011-12-31T00:00:00+14:00'));
    expect(quietStatus(app, undefined, at('2011-12-31T00:00:00+14:00')).quietUntil).toBe(at('2011-12-31T07:00:00+14:00'));
  });

  it('skip-once suspends the window and the schedule, not durations', () => {
    const t = at('2026-06-08T23:00:00Z'); // Monday, in the schedule and the window
    const app = { ...base, window: { start: 22 * 60, end: 23 * 60 + 30 }, quietSchedule: [{ days: ['mon'] as Day[], interval: { start: 22 * 60, end: 7 * 60 } }], windowSkipUntil: t + HOUR };
    expect(isQuiet(app, undefined, t)).toBe(false);
    expect(quietStatus(app, undefined, t).nextChange).toBe(t + HOUR); // the schedule resumes at midnight
    expect(quietStatus(app, undefined, t + HOUR).quietUntil).toBe(at('2026-06-09T07:00:00Z'));
    expect(isQuiet({ ...app, durationUntil: t + 10 * MIN }, undefined, t)).toBe(true);
    expect(isQuiet({ ...app, windowSkipUntil: t }, undefined, t)).toBe(true); // an expired skip reads as none
  });

  // The bound is the test's timeout (an unbounded walk to 1e20 cannot end within it), not a
  // wall-clock limit a loaded machine would break.
  it('an absurd expiry does not block: the walk is bounded; past the last date it never ends (#12)', () => {
    const t = at('2026-06-08T12:00:00Z');
    const app = { ...base, window: { start: 22 * 60, end: 7 * 60 }, quietSchedule: [{ days: ['sat'] as Day[], interval: { start: 0, end: 0 } }] };
    for (const far of [t + 400 * DAY, 1e15, 8.64e15, 1e20, Number.MAX_SAFE_INTEGER]) {
      const st = quietStatus({ ...app, durationUntil: far }, undefined, t);
      expect(st.quiet).toBe(true);
      if (far < 8e15) {
        // Still a date: quiet ends at the expiry, or where the window or schedule then ends.
        expect(st.quietUntil).toBeGreaterThanOrEqual(far);
        expect(st.quietUntil! - far).toBeLessThanOrEqual(DAY);
        expect(isQuiet({ ...app, durationUntil: far }, undefined, st.quietUntil!)).toBe(false);
        expect(isQuiet({ ...app, durationUntil: far }, undefined, st.quietUntil! - 1)).toBe(true);
      } else expect(st.quietUntil).toBeNull(); // past the last date a zone can show: never ends
    }
  }, 10_000);

  it('a schedule covering the whole week never ends', () => {
    const app = { ...base, quietSchedule: [{ days: [...DAYS], interval: { start: 0, end: 0 } }] };
    const st = quietStatus(app, undefined, at('2026-06-08T12:00:00Z'));
    expect(st.quiet).toBe(true);
    expect(st.quietUntil).toBeNull();
  });
});
