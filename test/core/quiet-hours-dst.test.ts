// SPEC 1.3 Decision (time zone): windows are wall-clock, so DST days shorten, lengthen, skip or
// repeat them. Every expected instant is written with its UTC offset, independent of the code.
import { describe, expect, it } from 'vitest';
import { app, iso } from './fixtures.ts';
import { type AppSettings, parseInterval, quietStatus } from '../../src/core/index.ts';

function settings(window: string, timeZone: string): AppSettings {
  const w = parseInterval(window);
  if (!w.ok) throw new Error(w.errors[0]!.message);
  return app({ window: w.value, timeZone });
}

/** [at, quiet, nextChange] — nextChange is also quietUntil when quiet. */
type Row = readonly [string, boolean, string];

function check(zone: string, window: string, rows: readonly Row[]): void {
  const s = settings(window, zone);
  it.each(rows)(`${zone} ${window} at %s → quiet %s, next change %s`, (at, quiet, next) => {
    const st = quietStatus(s, undefined, iso(at));
    expect(st.quiet).toBe(quiet);
    expect(new Date(st.nextChange!).toISOString()).toBe(new Date(iso(next)).toISOString());
    expect(st.quietUntil).toBe(quiet ? iso(next) : null);
  });
}

describe('America/New_York, spring forward 2026-03-08 (02:00 EST → 03:00 EDT)', () => {
  check('America/New_York', '22:0-7:0', [
    ['2026-03-07T21:59:00-05:00', false, '2026-03-07T22:00:00-05:00'],
    ['2026-03-07T22:00:00-05:00', true, '2026-03-08T07:00:00-04:00'], // 8 hours this night
    ['2026-03-08T01:59:00-05:00', true, '2026-03-08T07:00:00-04:00'],
    ['2026-03-08T03:00:00-04:00', true, '2026-03-08T07:00:00-04:00'],
    ['2026-03-08T06:59:00-04:00', true, '2026-03-08T07:00:00-04:00'],
    ['2026-03-08T07:00:00-04:00', false, '2026-03-08T22:00:00-04:00'],
  ]);
  check('America/New_York', '1:30-2:30', [
    ['2026-03-08T00:00:00-05:00', false, '2026-03-08T01:30:00-05:00'],
    ['2026-03-08T01:29:00-05:00', false, '2026-03-08T01:30:00-05:00'],
    ['2026-03-08T01:30:00-05:00', true, '2026-03-08T03:00:00-04:00'], // ends at the jump
    ['2026-03-08T01:59:59-05:00', true, '2026-03-08T03:00:00-04:00'],
    ['2026-03-08T03:00:00-04:00', false, '2026-03-09T01:30:00-04:00'],
    ['2026-03-07T02:29:00-05:00', true, '2026-03-07T02:30:00-05:00'], // the day before: a normal hour
  ]);
});

describe('America/New_York, fall back 2026-11-01 (02:00 EDT → 01:00 EST)', () => {
  check('America/New_York', '22:0-7:0', [
    ['2026-10-31T22:00:00-04:00', true, '2026-11-01T07:00:00-05:00'], // 10 hours this night
    ['2026-11-01T01:30:00-04:00', true, '2026-11-01T07:00:00-05:00'],
    ['2026-11-01T01:30:00-05:00', true, '2026-11-01T07:00:00-05:00'],
    ['2026-11-01T06:59:00-05:00', true, '2026-11-01T07:00:00-05:00'],
    ['2026-11-01T07:00:00-05:00', false, '2026-11-01T22:00:00-05:00'],
  ]);
  check('America/New_York', '1:30-2:30', [
    ['2026-11-01T01:00:00-04:00', false, '2026-11-01T01:30:00-04:00'],
    ['2026-11-01T01:30:00-04:00', true, '2026-11-01T01:00:00-05:00'], // quiet 1:30–2:00 EDT
    ['2026-11-01T01:59:00-04:00', true, '2026-11-01T01:00:00-05:00'],
    ['2026-11-01T01:00:00-05:00', false, '2026-11-01T01:30:00-05:00'], // not quiet 1:00–1:30 EST
    ['2026-11-01T01:29:00-05:00', false, '2026-11-01T01:30:00-05:00'],
    ['2026-11-01T01:30:00-05:00', true, '2026-11-01T02:30:00-05:00'], // quiet 1:30–2:30 EST
    ['2026-11-01T02:29:00-05:00', true, '2026-11-01T02:30:00-05:00'],
    ['2026-11-01T02:30:00-05:00', false, '2026-11-02T01:30:00-05:00'],
  ]);
});

describe('Europe/Paris, spring forward 2026-03-29 (02:00 CET → 03:00 CEST)', () => {
  check('Europe/Paris', '22:0-7:0', [
    ['2026-03-28T22:00:00+01:00', true, '2026-03-29T07:00:00+02:00'],
    ['2026-03-29T03:00:00+02:00', true, '2026-03-29T07:00:00+02:00'],
    ['2026-03-29T07:00:00+02:00', false, '2026-03-29T22:00:00+02:00'],
  ]);
  check('Europe/Paris', '1:30-2:30', [
    ['2026-03-29T01:29:00+01:00', false, '2026-03-29T01:30:00+01:00'],
    ['2026-03-29T01:30:00+01:00', true, '2026-03-29T03:00:00+02:00'],
    ['2026-03-29T03:00:00+02:00', false, '2026-03-30T01:30:00+02:00'],
  ]);
});

describe('Europe/Paris, fall back 2026-10-25 (03:00 CEST → 02:00 CET)', () => {
  check('Europe/Paris', '22:0-7:0', [
    ['2026-10-24T22:00:00+02:00', true, '2026-10-25T07:00:00+01:00'],
    ['2026-10-25T02:30:00+02:00', true, '2026-10-25T07:00:00+01:00'],
    ['2026-10-25T02:30:00+01:00', true, '2026-10-25T07:00:00+01:00'],
    ['2026-10-25T07:00:00+01:00', false, '2026-10-25T22:00:00+01:00'],
  ]);
  check('Europe/Paris', '1:30-2:30', [
    ['2026-10-25T01:30:00+02:00', true, '2026-10-25T02:30:00+02:00'],
    ['2026-10-25T02:30:00+02:00', false, '2026-10-25T02:00:00+01:00'], // 02:30–03:00 CEST, then the clock goes back
    ['2026-10-25T02:00:00+01:00', true, '2026-10-25T02:30:00+01:00'], // 02:00–02:30 again, in CET
    ['2026-10-25T02:30:00+01:00', false, '2026-10-26T01:30:00+01:00'],
  ]);
});

describe('Asia/Shanghai has no DST: same dates, same hours', () => {
  for (const day of ['2026-03-08', '2026-03-29', '2026-10-25', '2026-11-01']) {
    const prev = new Date(iso(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const next = new Date(iso(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    check('Asia/Shanghai', '22:0-7:0', [
      [`${prev}T22:00:00+08:00`, true, `${day}T07:00:00+08:00`],
      [`${day}T06:59:00+08:00`, true, `${day}T07:00:00+08:00`],
      [`${day}T07:00:00+08:00`, false, `${day}T22:00:00+08:00`],
    ]);
    check('Asia/Shanghai', '1:30-2:30', [
      [`${day}T01:29:00+08:00`, false, `${day}T01:30:00+08:00`],
      [`${day}T01:30:00+08:00`, true, `${day}T02:30:00+08:00`],
      [`${day}T02:30:00+08:00`, false, `${next}T01:30:00+08:00`],
    ]);
  }
});
