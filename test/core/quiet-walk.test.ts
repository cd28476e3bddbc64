// The quiet-hours walk (nextQuietChange, SPEC 1.3/1.7) over long stretches: a mute that hides the
// window's flips for two weeks, an expiry that does not flip, the last representable days, and
// which schedule entry is in force. Each case was a surviving mutant of quiet-hours.ts.
import { describe, expect, it } from 'vitest';
import { activeScheduleEntry, type AppSettings, nextQuietChange, quietStatus } from '../../src/core/index.ts';
import { app, DAY, iso } from './fixtures.ts';

/** 22:00–07:00 every night, on UTC so the instants read as the wall clock. */
const nightly = app({ window: { start: 22 * 60, end: 7 * 60 }, timeZone: 'UTC' });
/** Dates end at 8.64e15 ms; the walk stops four days before, so it never reads a date past the end. */
const LAST_INSTANT = 8.64e15 - 4 * DAY;

describe('a mute that outlasts two weeks of nightly windows', () => {
  it.each([
    ['exactly 15 days later, on the hour a walked day ends', '2026-05-19T06:00:00Z'],
    ['an hour before that', '2026-05-19T05:00:00Z'],
  ])('a conversation mute ending %s inside the window: quiet until the window ends that morning', (_when, until) => {
    // Set at 06:00 inside the window; the mute ends while the window still holds, so nothing
    // flips then — the window's 07:00 end, just past 15 days, is the change.
    const t = iso('2026-05-04T06:00:00Z');
    const st = quietStatus(nightly, { durationUntil: iso(until) }, t);
    expect(st.quiet).toBe(true);
    expect(st.quietUntil).toBe(iso('2026-05-19T07:00:00Z'));
  });

  it('an app pause ending within the hour does not cut short a 20-day conversation mute', () => {
    const t = iso('2026-05-04T12:00:00Z');
    const a = { ...nightly, durationUntil: t + 3_600_000 };
    // Noon on 24 May is outside the window, so quiet ends exactly when the mute does.
    expect(nextQuietChange(a, { durationUntil: iso('2026-05-24T12:00:00Z') }, t)).toBe(iso('2026-05-24T12:00:00Z'));
  });
});

describe('the last representable days (#12)', () => {
  it.each([
    ['at the last instant the walk reads', LAST_INSTANT],
    ['two days before the end of time', 8.64e15 - 2 * DAY],
  ])('%s: quiet in the window, with no change reported, and no throw', (_when, t) => {
    expect(quietStatus(nightly, undefined, t)).toMatchObject({ quiet: true, quietUntil: null, nextChange: null });
  });

  it('a day before the last instant the walk reads, the window still ends at 07:00', () => {
    const t = LAST_INSTANT - DAY; // a UTC midnight
    expect(quietStatus(nightly, undefined, t)).toMatchObject({ quiet: true, quietUntil: t + 7 * 3_600_000 });
  });

  it('a pause until the last instant the walk reads still ends; one past it never does', () => {
    const t = iso('2026-05-04T12:00:00Z');
    const off = app({ window: null, timeZone: 'UTC' });
    expect(quietStatus({ ...off, durationUntil: LAST_INSTANT }, undefined, t).quietUntil).toBe(LAST_INSTANT);
    expect(quietStatus({ ...off, durationUntil: LAST_INSTANT + 1 }, undefined, t).quietUntil).toBeNull();
  });
});

describe('activeScheduleEntry: which entry covers an instant, on the local clock', () => {
  const paris: AppSettings = app({
    timeZone: 'Europe/Paris', // UTC+2 in May
    window: null,
    quietSchedule: [
      { days: ['mon', 'tue', 'wed', 'thu', 'fri'], interval: { start: 9 * 60, end: 17 * 60 } },
      { days: ['fri'], interval: { start: 22 * 60, end: 7 * 60 } },
    ],
  });

  it.each([
    ['Monday 08:59 Paris', -1, '2026-05-04T06:59:00Z'],
    ['Monday 09:00 Paris', 0, '2026-05-04T07:00:00Z'],
    ['Monday 16:59 Paris', 0, '2026-05-04T14:59:00Z'],
    ['Monday 17:00 Paris', -1, '2026-05-04T15:00:00Z'],
    ['Friday 23:00 Paris', 1, '2026-05-08T21:00:00Z'],
    ['Saturday 06:59 Paris (Friday night carried over)', 1, '2026-05-09T04:59:00Z'],
    ['Saturday 07:00 Paris', -1, '2026-05-09T05:00:00Z'],
    ['Saturday 09:00 Paris (weekdays only)', -1, '2026-05-09T07:00:00Z'],
  ])('%s → entry %i', (_when, expected, at) => {
    expect(activeScheduleEntry(paris, iso(at))).toBe(expected);
  });

  it('no schedule: no entry', () => {
    expect(activeScheduleEntry(app({ timeZone: 'Europe/Paris' }), iso('2026-05-04T07:00:00Z'))).toBe(-1);
  });
});
