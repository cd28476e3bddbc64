// #12: an expiry far in the future must neither stall nor crash the quiet-hours walk, and the
// wire parsers refuse expiries no duration could have produced.
import { describe, expect, it } from 'vitest';
import {
  appSettingsFromWire, checkBodySchema, conversationSettingsFromWire, MAX_DURATION_MS, parseWith, quietStatus,
} from '../../src/core/index.ts';
import { app, DAY, expectFieldError, iso } from './fixtures.ts';

const T = iso('2026-05-04T09:00:00Z');
const paris = app({ window: { start: 1320, end: 420 }, timeZone: 'Europe/Paris' });

describe('quietStatus with far expiries', () => {
  // A walk day by day to 9e15 (~10^11 days) cannot end within the test's timeout: that is the
  // guard, not a wall-clock bound a loaded machine would break.
  it.each([1e13, 8.64e15 - 1, 9e15])('an app duration until %d answers at once', (until) => {
    const st = quietStatus({ ...paris, durationUntil: until }, undefined, T);
    expect(st.quiet).toBe(true);
    expect(st.reason).toBe('DND_APP_DURATION');
  }, 10_000);

  it('a far conversation duration still ends when the window next lets it', () => {
    // 1e13 is 2286-11-20T17:46:40Z, 18:46 in Paris: outside 22:00–07:00, so quiet ends then.
    const st = quietStatus(paris, { durationUntil: 1e13 }, T);
    expect(st.quietUntil).toBe(1e13);
  });

  it('a duration ending inside the window keeps quiet until the window ends', () => {
    const until = iso('2026-05-06T21:00:00Z'); // 23:00 Paris
    expect(quietStatus({ ...paris, durationUntil: until }, undefined, T).quietUntil).toBe(iso('2026-05-07T05:00:00Z'));
  });

  it('an expiry beyond the last representable date never ends (null), without throwing', () => {
    expect(quietStatus({ ...paris, durationUntil: 9e15 }, undefined, T).quietUntil).toBeNull();
  });
});

describe('expiries read from the wire', () => {
  it.each([T + MAX_DURATION_MS, T + MAX_DURATION_MS + DAY / 2, 0])('accepts %d', (d) => {
    expect(appSettingsFromWire({ type: 'ALL', ignoreDuration: d }, 'UTC', T).ok).toBe(true);
    expect(conversationSettingsFromWire({ ignoreDuration: d }, T).ok).toBe(true);
  });

  it.each([T + MAX_DURATION_MS + 2 * DAY, 1e13, 9e15])('refuses %d, naming the field', (d) => {
    expectFieldError(appSettingsFromWire({ type: 'ALL', ignoreDuration: d }, 'UTC', T), 'data.ignoreDuration', d, '7 days');
    expectFieldError(conversationSettingsFromWire({ ignoreDuration: d }, T), 'data.ignoreDuration', d, '7 days');
  });

  it('without a clock, refuses expiries past the last representable date', () => {
    expectFieldError(conversationSettingsFromWire({ ignoreDuration: 9e15 }), 'data.ignoreDuration', 9e15, '');
    expect(conversationSettingsFromWire({ ignoreDuration: T }).ok).toBe(true);
  });

  it('the explain check refuses an instant past the last representable date', () => {
    expect(parseWith(checkBodySchema, { conversation: { id: 'bob', type: 'singleChat' }, at: 9e15 }).ok).toBe(false);
    expect(parseWith(checkBodySchema, { conversation: { id: 'bob', type: 'singleChat' }, at: T }).ok).toBe(true);
  });
});
