// The wire codec's edges (wire.ts): setPushRules bodies, expiries read back at their bounds, and
// the envelopes' optional parts.
import { describe, expect, it } from 'vitest';
import {
  type AppSettings, appSettingsFromWire, appSettingsToWire, conversationSettingsToWire, DEFAULT_APP_SETTINGS, describeFieldErrors, fieldError,
  isErrorEnvelope, MAX_DURATION_MS, pushRulesToBody, sdkRequests, successEnvelope,
} from '../../src/core/index.ts';
import { expectFieldError, okValue } from './fixtures.ts';

const DAY = 86_400_000;

describe('pushRulesToBody (setPushRules)', () => {
  it('takes each rule alone, normalised, and only the rules given', () => {
    expect(okValue(pushRulesToBody({ quietSchedule: [{ days: ['mon'], interval: '22:00-07:00' }] }))).toStrictEqual({
      quietSchedule: [{ days: ['mon'], interval: '22:0-7:0' }],
    });
    expect(okValue(pushRulesToBody({ prioritySenders: ['Bob'] }))).toStrictEqual({ prioritySenders: ['bob'] });
    expect(okValue(pushRulesToBody({ keywords: [' ship ', 'SHIP'] }))).toStrictEqual({ keywords: ['ship'] });
    expect(okValue(pushRulesToBody({ summary: true }))).toStrictEqual({ summary: true });
    expect(okValue(pushRulesToBody({ summary: false, keywords: [] }))).toStrictEqual({ keywords: [], summary: false });
  });

  it('refuses each bad rule under its own name', () => {
    expectFieldError(pushRulesToBody({ quietSchedule: 'weekdays' }), 'quietSchedule', 'weekdays', '');
    expectFieldError(pushRulesToBody({ prioritySenders: 'bob' }), 'prioritySenders', 'bob', '');
    expectFieldError(pushRulesToBody({ keywords: [1] }), 'keywords[0]', 1, 'a word or phrase');
    expectFieldError(pushRulesToBody({ summary: 'yes' }), 'summary', 'yes', 'true or false');
  });

  it('names an unknown field and the allowed ones, with a pointer for windowSkipUntil', () => {
    expect(expectFieldError(pushRulesToBody({ colour: 'red' }), 'colour', 'red', '').allowed).toBe(
      'unknown field; allowed fields are quietSchedule, prioritySenders, keywords, summary',
    );
    expect(expectFieldError(pushRulesToBody({ windowSkipUntil: 5 }), 'windowSkipUntil', 5, '').allowed).toBe(
      'unknown field; allowed fields are quietSchedule, prioritySenders, keywords, summary (skip the quiet hours once with skipQuietHoursOnce({until}))',
    );
  });

  it('needs an object with at least one rule', () => {
    expect(expectFieldError(pushRulesToBody({}), 'params', {}, '').allowed).toBe('at least one of quietSchedule, prioritySenders, keywords, summary');
    expectFieldError(pushRulesToBody(null), 'params', null, 'an object');
    expectFieldError(pushRulesToBody([]), 'params', [], 'an object');
  });
});

describe('expiries read back', () => {
  const now = 1_700_000_000_000;
  const base = { type: 'ALL' };

  it(`a duration may end up to 7 days plus a day of clock slack after now; one ms more is refused`, () => {
    const max = now + MAX_DURATION_MS + DAY;
    expect(okValue(appSettingsFromWire({ ...base, ignoreDuration: max }, 'UTC', now)).durationUntil).toBe(max);
    expectFieldError(appSettingsFromWire({ ...base, ignoreDuration: max + 1 }, 'UTC', now), 'data.ignoreDuration', max + 1, 'at most 7 days');
  });

  it('a skip-once instant up to a day plus slack ahead is kept; later reads as 0', () => {
    const max = now + DAY + DAY;
    expect(okValue(appSettingsFromWire({ ...base, windowSkipUntil: max }, 'UTC', now)).windowSkipUntil).toBe(max);
    expect(okValue(appSettingsFromWire({ ...base, windowSkipUntil: max + 1 }, 'UTC', now)).windowSkipUntil).toBe(0);
    expect(okValue(appSettingsFromWire({ ...base, windowSkipUntil: now - 5 }, 'UTC', now)).windowSkipUntil).toBe(now - 5);
  });

  it('an unknown zone reads as the fallback zone', () => {
    expect(okValue(appSettingsFromWire({ ...base, timeZone: 'Mars/Olympus' }, 'Asia/Tokyo')).timeZone).toBe('Asia/Tokyo');
  });

  it('a duration ending exactly now is over: sent as 0', () => {
    expect(appSettingsToWire({ ...DEFAULT_APP_SETTINGS, durationUntil: now }, now).ignoreDuration).toBe(0);
    expect(appSettingsToWire({ ...DEFAULT_APP_SETTINGS, durationUntil: now + 1 }, now).ignoreDuration).toBe(now + 1);
  });
});

describe('envelopes', () => {
  const key = { org: 'demo', app: 'im' };

  it('a cursor only when given, entities or data', () => {
    const plain = successEnvelope({ key, action: 'get', data: { a: 1 }, now: 5, duration: 0 } as Parameters<typeof successEnvelope>[0]);
    expect('cursor' in plain).toBe(false);
    expect(successEnvelope({ key, action: 'get', data: [], now: 5, duration: 0, cursor: '' } as Parameters<typeof successEnvelope>[0]).cursor).toBe('');
  });

  it('isErrorEnvelope wants both error and error_description as strings', () => {
    expect(isErrorEnvelope({ error: 'x', error_description: 'y' })).toBe(true);
    expect(isErrorEnvelope({ error: 1, error_description: 'y' })).toBe(false);
    expect(isErrorEnvelope({ error: 'x' })).toBe(false);
    expect(isErrorEnvelope('error')).toBe(false);
    expect(isErrorEnvelope(null)).toBe(false);
  });

  it('field errors join into one description', () => {
    expect(describeFieldErrors([fieldError('a', 1, 'x'), fieldError('b', 2, 'y')])).toBe('a 1: x; b 2: y');
  });
});

describe('settings read back, at their edges', () => {
  it('a conversation mute ending exactly now reads as 0; one ending a millisecond later reads as itself', () => {
    const now = 1_700_000_000_000;
    expect(conversationSettingsToWire({ type: 'NONE', durationUntil: now }, now)).toStrictEqual({ ignoreDuration: 0, type: 'NONE' });
    expect(conversationSettingsToWire({ durationUntil: now + 1 }, now)).toStrictEqual({ ignoreDuration: now + 1 });
  });

  it('settings stored before SPEC 1.7 (no schedule, senders, keywords or summary) read as empty rules', () => {
    const { quietSchedule: _q, prioritySenders: _p, keywords: _k, summary: _s, ...before17 } = DEFAULT_APP_SETTINGS as AppSettings;
    const wire = appSettingsToWire(before17 as AppSettings, 0);
    expect([wire.quietSchedule, wire.prioritySenders, wire.keywords, wire.summary]).toStrictEqual([[], [], [], false]);
  });
});

describe('SDK arguments', () => {
  it.each([null, 'bob', 7, ['bob']])('conversation arguments that are not an object (%j) are refused as "params"', (params) => {
    expectFieldError(sdkRequests.setSilentModeForConversation('alice', params), 'params', params, 'an object');
    expectFieldError(sdkRequests.getSilentModeForConversation('alice', params), 'params', params, 'an object');
  });
});
