/** One time format for the badge, popup and options: Intl in the UI language. */
import { describe, expect, it } from 'vitest';
import { formatClock, formatClockRange, formatMoment } from '../../../src/shared/time-format.ts';

const T = Date.UTC(2026, 10, 28, 21, 0); // Saturday 22:00 in Paris

describe('time format', () => {
  it('writes clock times the way the locale does', () => {
    expect(formatClock(22 * 60, 'en-US')).toBe('10:00 PM');
    expect(formatClock(22 * 60, 'en-GB')).toBe('22:00');
    expect(formatClock(7 * 60 + 5, 'de')).toBe('07:05');
    expect(formatClockRange(22 * 60, 7 * 60, 'en-GB')).toBe('22:00–07:00');
  });

  it('says today, tomorrow, or the date (never a bare weekday)', () => {
    expect(formatMoment(T + 60 * 60_000, T, 'Europe/Paris', 'en-GB')).toBe('23:00');
    expect(formatMoment(T + 10 * 3_600_000, T, 'Europe/Paris', 'en-GB')).toBe('tomorrow 08:00');
    expect(formatMoment(T + 3 * 86_400_000, T, 'Europe/Paris', 'en-US')).toBe('Tue, Dec 1, 10:00 PM');
  });

  it('survives an unknown zone', () => {
    expect(formatMoment(T, T, 'Not/AZone', 'en-GB')).toMatch(/^\d{2}:\d{2}$/);
  });
});
