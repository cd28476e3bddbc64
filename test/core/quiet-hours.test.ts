// SPEC 1.3: every daily-window and duration example, at the exact boundary minutes.
import { describe, expect, it } from 'vitest';
import {
  type AppSettings, isQuiet, nextQuietChange, parseInterval, quietReasons, quietStatus,
} from '../../src/core/index.ts';
import { app, DAY, HOUR, iso, MIN } from './fixtures.ts';

/** App settings with the window parsed from its wire text, as the server stores it. */
function withWindow(text: string, extra: Partial<AppSettings> = {}): AppSettings {
  const w = parseInterval(text);
  if (!w.ok) throw new Error(w.errors[0]!.message);
  return app({ window: w.value, ...extra });
}

const utc = (hhmm: string, day = '2026-05-04'): number => iso(`${day}T${hhmm}:00Z`);

describe('daily window boundaries (UTC)', () => {
  it.each([
    ['8:0-10:0', '08:00', true],
    ['8:0-10:0', '09:59', true],
    ['8:0-10:0', '10:00', false],
    ['8:0-10:0', '07:59', false],
    ['8:0-10:0', '00:00', false],
    // overnight
    ['10:0-8:0', '10:00', true],
    ['10:0-8:0', '23:59', true],
    ['10:0-8:0', '00:00', true],
    ['10:0-8:0', '07:59', true],
    ['10:0-8:0', '08:00', false],
    ['10:0-8:0', '09:59', false],
    ['22:0-7:0', '21:59', false],
    ['22:0-7:0', '22:00', true],
    ['22:0-7:0', '06:59', true],
    ['22:0-7:0', '07:00', false],
    // all day
    ['9:0-9:0', '09:00', true],
    ['9:0-9:0', '08:59', true],
    ['9:0-9:0', '00:00', true],
    ['23:59-23:59', '12:00', true],
    // off
    ['0:0-0:0', '00:00', false],
    ['0:0-0:0', '12:00', false],
    ['', '00:00', false],
    ['', '12:00', false],
    // zero-padded form is the same window
    ['08:00-10:00', '08:00', true],
    ['08:00-10:00', '10:00', false],
  ] as const)('%s at %s → quiet %s', (text, hhmm, quiet) => {
    const s = withWindow(text);
    expect(isQuiet(s, undefined, utc(hhmm))).toBe(quiet);
    // one millisecond before the minute belongs to the previous minute
    expect(quietStatus(s, undefined, utc(hhmm) + 59_999).quiet).toBe(quiet);
  });

  it('all-day window: quiet with no end, nothing ever changes', () => {
    const st = quietStatus(withWindow('9:0-9:0'), undefined, utc('12:00'));
    expect(st).toMatchObject({ quiet: true, reason: 'DND_APP_WINDOW', quietUntil: null, nextChange: null });
  });

  it('off window: not quiet, nothing ever changes', () => {
    for (const text of ['0:0-0:0', '']) {
      expect(withWindow(text).window).toBeNull();
      expect(quietStatus(withWindow(text), undefined, utc('12:00'))).toMatchObject({ quiet: false, reason: null, nextChange: null, quietUntil: null });
    }
  });

  it('8:0-10:0 ends at 10:00 and starts again at 08:00', () => {
    const s = withWindow('8:0-10:0');
    expect(quietStatus(s, undefined, utc('08:00'))).toMatchObject({ quiet: true, quietUntil: utc('10:00'), nextChange: utc('10:00') });
    expect(quietStatus(s, undefined, utc('10:00'))).toMatchObject({ quiet: false, quietUntil: null, nextChange: utc('08:00', '2026-05-05') });
    expect(nextQuietChange(s, undefined, utc('07:59'))).toBe(utc('08:00'));
  });

  it('10:0-8:0 (overnight) lasts until 08:00 the next day', () => {
    const s = withWindow('10:0-8:0');
    expect(quietStatus(s, undefined, utc('10:00')).quietUntil).toBe(utc('08:00', '2026-05-05'));
    expect(quietStatus(s, undefined, utc('03:00')).quietUntil).toBe(utc('08:00'));
    expect(quietStatus(s, undefined, utc('08:00')).nextChange).toBe(utc('10:00'));
  });
});

describe('set in the middle of a window', () => {
  it('8:0-12:0 set at 11:00 is quiet at once, until 12:00, then 08:00–12:00 daily', () => {
    const s = withWindow('8:0-12:0');
    const setAt = utc('11:00');
    expect(quietStatus(s, undefined, setAt)).toMatchObject({ quiet: true, reason: 'DND_APP_WINDOW', quietUntil: utc('12:00') });
    expect(isQuiet(s, undefined, utc('12:00'))).toBe(false);
    expect(isQuiet(s, undefined, utc('07:59', '2026-05-05'))).toBe(false);
    expect(isQuiet(s, undefined, utc('08:00', '2026-05-05'))).toBe(true);
    expect(quietStatus(s, undefined, utc('08:00', '2026-05-05')).quietUntil).toBe(utc('12:00', '2026-05-05'));
  });
});

describe('window and duration add up', () => {
  // At 08:00 set 8:0-10:0 and 240 minutes.
  const setAt = utc('08:00');
  const s = withWindow('8:0-10:0', { durationUntil: setAt + 240 * MIN });

  it('quiet 08:00–12:00 today', () => {
    expect(quietStatus(s, undefined, setAt)).toMatchObject({
      quiet: true, reason: 'DND_APP_DURATION', reasons: ['DND_APP_DURATION', 'DND_APP_WINDOW'], quietUntil: utc('12:00'),
    });
    expect(quietStatus(s, undefined, utc('10:00'))).toMatchObject({ quiet: true, reasons: ['DND_APP_DURATION'], quietUntil: utc('12:00') });
    expect(isQuiet(s, undefined, utc('11:59'))).toBe(true);
    expect(isQuiet(s, undefined, utc('12:00'))).toBe(false);
    expect(quietStatus(s, undefined, utc('12:00')).nextChange).toBe(utc('08:00', '2026-05-05'));
  });

  it('08:00–10:00 on the following days', () => {
    for (const day of ['2026-05-05', '2026-05-06']) {
      expect(isQuiet(s, undefined, utc('07:59', day))).toBe(false);
      expect(quietStatus(s, undefined, utc('08:00', day))).toMatchObject({ quiet: true, reasons: ['DND_APP_WINDOW'], quietUntil: utc('10:00', day) });
      expect(isQuiet(s, undefined, utc('10:00', day))).toBe(false);
      expect(isQuiet(s, undefined, utc('11:00', day))).toBe(false);
    }
  });

  it('a duration that ends inside the window: quiet until the window ends', () => {
    const t = utc('07:00');
    const st = quietStatus(withWindow('8:0-10:0', { durationUntil: t + 90 * MIN }), undefined, t);
    expect(st.quietUntil).toBe(utc('10:00'));
  });

  it('a duration ending exactly when the window starts joins up without a gap', () => {
    const t = utc('06:00');
    const st = quietStatus(withWindow('8:0-10:0', { durationUntil: utc('08:00') }), undefined, t);
    expect(st.quietUntil).toBe(utc('10:00'));
  });
});

describe('conversation duration', () => {
  const now = utc('09:00');
  it('quiet only for that conversation, until setAt + duration', () => {
    const conv = { durationUntil: now + 2 * HOUR };
    expect(quietStatus(app(), conv, now)).toMatchObject({ quiet: true, reason: 'DND_CONVERSATION', quietUntil: now + 2 * HOUR });
    expect(isQuiet(app(), undefined, now)).toBe(false);
    expect(isQuiet(app(), { durationUntil: 0 }, now)).toBe(false);
  });

  it('reasons are listed app duration, app window, conversation', () => {
    const s = withWindow('8:0-10:0', { durationUntil: now + HOUR });
    expect(quietReasons(s, { durationUntil: now + DAY }, now)).toEqual(['DND_APP_DURATION', 'DND_APP_WINDOW', 'DND_CONVERSATION']);
  });

  it('a conversation duration longer than the app’s carries quietUntil past it', () => {
    const s = app({ durationUntil: now + HOUR });
    expect(quietStatus(s, { durationUntil: now + 3 * HOUR }, now).quietUntil).toBe(now + 3 * HOUR);
  });

  it('an expired duration is not quiet, and a 7-day duration ends exactly 7 days later', () => {
    expect(isQuiet(app({ durationUntil: now }), undefined, now)).toBe(false);
    const seven = now + 7 * DAY;
    expect(quietStatus(app({ durationUntil: seven }), undefined, now).quietUntil).toBe(seven);
  });
});
