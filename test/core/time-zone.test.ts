// The zone arithmetic under the quiet-hours math: names, offsets, local times, DST instants.
import { describe, expect, it } from 'vitest';
import {
  instantsOfLocalTime, isTimeZone, localDayNumber, localMinuteOfDay, offsetMinutes, offsetTransitions, parseTimeZone,
} from '../../src/core/index.ts';
import { DAY, expectFieldError, iso, okValue } from './fixtures.ts';

describe('parseTimeZone', () => {
  it.each([
    ['UTC', 'UTC'],
    ['utc', 'UTC'],
    ['Europe/Paris', 'Europe/Paris'],
    ['europe/paris', 'Europe/Paris'],
    ['AMERICA/NEW_YORK', 'America/New_York'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['Etc/GMT+5', 'Etc/GMT+5'],
    ['Pacific/Chatham', 'Pacific/Chatham'],
  ])('%s → %s', (input, canonical) => {
    expect(okValue(parseTimeZone(input))).toBe(canonical);
    expect(isTimeZone(input)).toBe(true);
  });

  it('keeps a current name that the platform would rename to a legacy one (Asia/Kolkata, Europe/Kyiv)', () => {
    expect(okValue(parseTimeZone('Europe/Kyiv'))).toBe('Europe/Kyiv');
    expect(okValue(parseTimeZone('Asia/Calcutta'))).toBe('Asia/Calcutta');
  });

  it.each([
    ['ASIA/KATHMANDU', 'Asia/Kathmandu'],
    ['asia/kolkata', 'Asia/Kolkata'],
    ['EUROPE/KYIV', 'Europe/Kyiv'],
    ['asia/ho_chi_minh', 'Asia/Ho_Chi_Minh'],
    ['america/argentina/buenos_aires', 'America/Argentina/Buenos_Aires'],
    ['AMERICA/NUUK', 'America/Nuuk'],
    ['asia/calcutta', 'Asia/Calcutta'],
    ['america/port-au-prince', 'America/Port-au-Prince'],
    ['ETC/UTC', 'Etc/UTC'],
    ['etc/gmt+5', 'Etc/GMT+5'],
  ])('stores %s in canonical IANA case: %s', (input, canonical) => {
    expect(okValue(parseTimeZone(input))).toBe(canonical);
  });

  it.each(['Mars/Olympus', 'Europe/Pariss', 'Nowhere'])('refuses the unknown zone %s', (zone) => {
    expectFieldError(parseTimeZone(zone), 'timeZone', zone, 'unknown time zone; an IANA time zone name');
    expect(isTimeZone(zone)).toBe(false);
  });

  it.each(['', '../etc/passwd', 'Europe Paris', '+01:00', 'x'.repeat(65), 5, null, undefined, {}])('refuses the malformed %j', (zone) => {
    expectFieldError(parseTimeZone(zone), 'timeZone', zone, 'an IANA time zone name such as "Europe/Paris"');
  });

  it('a name of 64 characters is looked up (and unknown); 65 is refused by its shape alone', () => {
    const at64 = `A/${'b'.repeat(62)}`;
    expect(expectFieldError(parseTimeZone(at64), 'timeZone', at64, '').allowed).toMatch(/^unknown time zone; /);
    const at65 = `${at64}c`;
    expect(expectFieldError(parseTimeZone(at65), 'timeZone', at65, '').allowed).toMatch(/^an IANA time zone name/);
  });

  it('names the field it is given', () => {
    expectFieldError(parseTimeZone('Mars/Olympus', 'options.timeZone'), 'options.timeZone', 'Mars/Olympus', 'unknown time zone');
  });
});

describe('isTimeZone', () => {
  it.each([5, null, undefined, {}, ['UTC']])('%j is not a time zone', (v) => {
    expect(isTimeZone(v)).toBe(false);
  });

  it('a known zone is, in any case; an unknown one is not', () => {
    expect([isTimeZone('Europe/Paris'), isTimeZone('europe/paris'), isTimeZone('Mars/Olympus')]).toEqual([true, true, false]);
  });
});

describe('offsets and local time', () => {
  it.each([
    ['UTC', '2026-07-01T12:00:00Z', 0],
    ['Europe/Paris', '2026-01-15T12:00:00Z', 60],
    ['Europe/Paris', '2026-07-15T12:00:00Z', 120],
    ['America/New_York', '2026-01-15T12:00:00Z', -300],
    ['America/New_York', '2026-07-15T12:00:00Z', -240],
    ['Asia/Kolkata', '2026-07-15T12:00:00Z', 330],
    ['Australia/Lord_Howe', '2026-01-15T12:00:00Z', 660], // +11:00 in its summer
    ['Australia/Lord_Howe', '2026-07-15T12:00:00Z', 630], // +10:30 in its winter: a 30-minute DST
    ['Pacific/Chatham', '2026-07-15T12:00:00Z', 765],
    ['America/Sao_Paulo', '2026-01-15T12:00:00Z', -180],
  ])('%s at %s is UTC%+d min', (zone, at, offset) => {
    expect(offsetMinutes(iso(at), zone)).toBe(offset);
  });

  it('the offset cache answers for the minute asked, not the last one', () => {
    const before = iso('2026-03-08T06:59:59Z');
    const after = iso('2026-03-08T07:00:00Z');
    expect(offsetMinutes(before, 'America/New_York')).toBe(-300);
    expect(offsetMinutes(after, 'America/New_York')).toBe(-240);
    expect(offsetMinutes(before, 'America/New_York')).toBe(-300);
  });

  it('localMinuteOfDay and localDayNumber follow the wall clock', () => {
    const t = iso('2026-07-15T23:30:00-04:00');
    expect(localMinuteOfDay(t, 'America/New_York')).toBe(23 * 60 + 30);
    expect(localMinuteOfDay(t, 'UTC')).toBe(3 * 60 + 30);
    expect(localDayNumber(t, 'America/New_York')).toBe(Date.UTC(2026, 6, 15) / DAY);
    expect(localDayNumber(t, 'UTC')).toBe(Date.UTC(2026, 6, 16) / DAY);
    expect(localMinuteOfDay(iso('2026-07-15T00:15:00+12:45'), 'Pacific/Chatham')).toBe(15);
  });
});

describe('instantsOfLocalTime', () => {
  const day = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10))) / DAY;

  it('one instant on an ordinary day', () => {
    expect(instantsOfLocalTime(day('2026-07-15'), 90, 'Europe/Paris')).toEqual([iso('2026-07-15T01:30:00+02:00')]);
  });

  it('none inside a spring-forward gap', () => {
    expect(instantsOfLocalTime(day('2026-03-08'), 2 * 60 + 30, 'America/New_York')).toEqual([]);
    expect(instantsOfLocalTime(day('2026-03-29'), 2 * 60 + 30, 'Europe/Paris')).toEqual([]);
  });

  it('two inside a fall-back overlap', () => {
    expect(instantsOfLocalTime(day('2026-11-01'), 90, 'America/New_York')).toEqual([
      iso('2026-11-01T01:30:00-04:00'),
      iso('2026-11-01T01:30:00-05:00'),
    ]);
  });
});

describe('offsetTransitions', () => {
  it('finds each 2026 transition to the minute', () => {
    const year = [iso('2026-01-01T00:00:00Z'), iso('2026-12-31T23:59:00Z')] as const;
    expect(offsetTransitions(...year, 'America/New_York')).toEqual([iso('2026-03-08T07:00:00Z'), iso('2026-11-01T06:00:00Z')]);
    expect(offsetTransitions(...year, 'Europe/Paris')).toEqual([iso('2026-03-29T01:00:00Z'), iso('2026-10-25T01:00:00Z')]);
    expect(offsetTransitions(...year, 'Asia/Shanghai')).toEqual([]);
  });

  it('is exclusive of `from` and inclusive of `to`', () => {
    const jump = iso('2026-03-08T07:00:00Z');
    expect(offsetTransitions(jump, jump + DAY, 'America/New_York')).toEqual([]);
    expect(offsetTransitions(jump - DAY, jump, 'America/New_York')).toEqual([jump]);
  });
});
