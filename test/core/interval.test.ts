// SPEC 1.3 daily window text `H:M-H:M` and the SDK's {hours, minutes} form.
import { describe, expect, it } from 'vitest';
import {
  checkClockTime, parseEntryInterval, clockText, formatInterval, inWindow, parseInterval, windowFromClock, windowToClock,
} from '../../src/core/index.ts';
import { expectFieldError, okValue } from './fixtures.ts';

describe('parseInterval', () => {
  it.each([
    ['8:0-10:0', { start: 480, end: 600 }],
    ['08:30-10:00', { start: 510, end: 600 }],
    ['22:0-7:0', { start: 1320, end: 420 }],
    ['23:59-0:0', { start: 1439, end: 0 }],
    ['9:0-9:0', { start: 540, end: 540 }],
    [' 8:0 - 10:0 ', { start: 480, end: 600 }],
    ['0:0-0:0', null],
    ['00:00-00:00', null],
    ['', null],
    ['   ', null],
  ])('%j → %j', (text, window) => {
    expect(okValue(parseInterval(text))).toEqual(window);
  });

  it.each([
    ['24:0-1:0', 'hours must be 0–23'],
    ['8:0-24:0', 'hours must be 0–23'],
    ['8:60-9:0', 'minutes must be 0–59'],
    ['8:0-9:99', 'minutes must be 0–59'],
    ['8-9', 'must look like "H:M-H:M"'],
    ['8:0', 'must look like "H:M-H:M"'],
    ['8:0-9:0-10:0', 'must look like "H:M-H:M"'],
    ['-1:0-9:0', 'must look like "H:M-H:M"'],
    ['8:000-9:0', 'must look like "H:M-H:M"'],
    ['a:b-c:d', 'must look like "H:M-H:M"'],
    ['8.5:0-9:0', 'must look like "H:M-H:M"'],
  ])('refuses %j: %s', (text, allowed) => {
    expectFieldError(parseInterval(text), 'ignoreInterval', text, allowed);
  });

  it('the SPEC example message, word for word', () => {
    const r = parseInterval('24:0-1:0');
    expect(r.ok ? '' : r.errors[0]!.message).toBe('ignoreInterval "24:0-1:0": hours must be 0–23');
  });

  it.each([5, null, undefined, {}, ['8:0-9:0']])('refuses a non-string %j', (v) => {
    expectFieldError(parseInterval(v), 'ignoreInterval', v, 'a string "H:M-H:M"');
  });

  it('uses the field name it is given', () => {
    expectFieldError(parseInterval('x', 'data.ignoreInterval'), 'data.ignoreInterval', 'x', 'H:M-H:M');
  });
});

describe('formatInterval', () => {
  it('prints the normalised wire form, and "" for off', () => {
    expect(formatInterval({ start: 510, end: 600 })).toBe('8:30-10:0');
    expect(formatInterval({ start: 1320, end: 420 })).toBe('22:0-7:0');
    expect(formatInterval(null)).toBe('');
  });

  it('round-trips every window through parse', () => {
    for (const start of [0, 1, 59, 60, 719, 1439]) {
      for (const end of [0, 1, 480, 1439]) {
        const w = { start, end };
        const back = okValue(parseInterval(formatInterval(w)));
        expect(back).toEqual(start === 0 && end === 0 ? null : w);
      }
    }
  });
});

describe('checkClockTime', () => {
  it.each([
    [{ hours: 0, minutes: 0 }],
    [{ hours: 8, minutes: 0 }],
    [{ hours: 23, minutes: 59 }],
  ])('accepts %j (the reference’s own examples)', (t) => {
    expect(okValue(checkClockTime('options.startTime', t))).toEqual(t);
  });

  it.each([
    [{ hours: 25, minutes: 0 }, 'options.startTime.hours', 25, 'from 0 to 23'],
    [{ hours: 24, minutes: 0 }, 'options.startTime.hours', 24, 'from 0 to 23'],
    [{ hours: -1, minutes: 0 }, 'options.startTime.hours', -1, 'from 0 to 23'],
    [{ hours: 8.5, minutes: 0 }, 'options.startTime.hours', 8.5, 'an integer'],
    [{ hours: '8', minutes: 0 }, 'options.startTime.hours', '8', 'an integer'],
    [{ hours: 8, minutes: 60 }, 'options.startTime.minutes', 60, 'from 0 to 59'],
    [{ hours: 8, minutes: -1 }, 'options.startTime.minutes', -1, 'from 0 to 59'],
    [{ hours: 8 }, 'options.startTime.minutes', undefined, 'from 0 to 59'],
    [null, 'options.startTime', null, 'an object {hours, minutes}'],
    ['8:0', 'options.startTime', '8:0', 'an object {hours, minutes}'],
  ])('refuses %j', (t, field, value, allowed) => {
    expectFieldError(checkClockTime('options.startTime', t), field, value, allowed);
  });
});

describe('window helpers', () => {
  it('windowFromClock: 0:0-0:0 is off, anything else a window', () => {
    expect(windowFromClock({ hours: 0, minutes: 0 }, { hours: 0, minutes: 0 })).toBeNull();
    expect(windowFromClock({ hours: 8, minutes: 0 }, { hours: 12, minutes: 0 })).toEqual({ start: 480, end: 720 });
    expect(windowFromClock({ hours: 0, minutes: 0 }, { hours: 0, minutes: 1 })).toEqual({ start: 0, end: 1 });
    expect(windowFromClock({ hours: 8, minutes: 0 }, { hours: 0, minutes: 0 })).toEqual({ start: 480, end: 0 });
  });

  it('windowToClock is its inverse', () => {
    expect(windowToClock({ start: 1320, end: 425 })).toEqual({ startTime: { hours: 22, minutes: 0 }, endTime: { hours: 7, minutes: 5 } });
  });

  it('inWindow: start inclusive, end exclusive, overnight, all day', () => {
    expect([479, 480, 599, 600].map((m) => inWindow({ start: 480, end: 600 }, m))).toEqual([false, true, true, false]);
    expect([599, 600, 1439, 0, 479, 480].map((m) => inWindow({ start: 600, end: 480 }, m))).toEqual([false, true, true, true, true, false]);
    expect([0, 540, 1439].every((m) => inWindow({ start: 540, end: 540 }, m))).toBe(true);
  });

  it('clockText pads and wraps', () => {
    expect(clockText(0)).toBe('00:00');
    expect(clockText(7 * 60 + 5)).toBe('07:05');
    expect(clockText(1440 + 61)).toBe('01:01');
    expect(clockText(-1)).toBe('23:59');
  });
});

describe('parseEntryInterval (a weekly schedule entry)', () => {
  it('has no "off": blank text is refused, 0:0-0:0 is all day', () => {
    expectFieldError(parseEntryInterval('   '), 'interval', '   ', 'start = end runs 24 hours');
    expectFieldError(parseEntryInterval(''), 'interval', '', 'start = end runs 24 hours');
    expect(okValue(parseEntryInterval('0:0-0:0'))).toEqual({ start: 0, end: 0 });
  });
});
