// The exact edges of core's request checks (validate.ts): NUL anywhere, patch shapes, query
// strings and size limits, each at the value where the answer changes.
import { describe, expect, it } from 'vitest';
import {
  applyAppSettingsPatch, checkSkipUntil, DEFAULT_APP_SETTINGS, keywordsSchema, MAX_KEYWORD_CHARS, parseAppSettingsBody,
  parseBatchQuery, parseConversationSettingsBody, parseLimit, parseSendMessageBody, parseWith,
} from '../../src/core/index.ts';
import * as s from '../../src/core/schema.ts';
import { expectFieldError, okValue } from './fixtures.ts';

const anything = s.unknown();

describe('NUL characters, refused wherever they are', () => {
  it.each([
    [{ a: [{ b: 'x\u0000' }] }, '', 'a[0].b', 'x\u0000'],
    [['ok', 'n\u0000'], '', '[1]', 'n\u0000'],
    [['ok', 'n\u0000'], 'options', 'options[1]', 'n\u0000'],
    [{ a: { 'k\u0000': 1 } }, '', 'a.k\u0000', 1],
    [{ a: 'fine', b: [1, { c: '\u0000' }] }, 'body', 'body.b[1].c', '\u0000'],
    ['\u0000', '', '(body)', '\u0000'],
  ])('%j (prefix %j) → %s', (input, prefix, field, value) => {
    expectFieldError(parseWith(anything, input, prefix), field, value, 'text without NUL characters (U+0000)');
  });

  it('stops looking past 100 levels (the 64-level JSON limit refuses such input before)', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 102; i++) deep = [deep];
    expect(parseWith(anything, deep).ok).toBe(true);
    let within: unknown = '\u0000';
    for (let i = 0; i < 101; i++) within = [within];
    expect(parseWith(anything, within).ok).toBe(false);
  });

  it('stops looking past 100 levels of objects too', () => {
    let deep: unknown = '\u0000';
    for (let i = 0; i < 102; i++) deep = { a: deep };
    expect(parseWith(anything, deep).ok).toBe(true);
    let within: unknown = '\u0000';
    for (let i = 0; i < 101; i++) within = { a: within };
    expect(parseWith(anything, within).ok).toBe(false);
  });
});

describe('patches hold exactly the fields sent', () => {
  it('no key for a field that was not sent', () => {
    expect(okValue(parseAppSettingsBody({ type: 'AT' }))).toStrictEqual({ type: 'AT' });
    expect(okValue(parseAppSettingsBody({ summary: true }))).toStrictEqual({ summary: true });
    expect(okValue(parseConversationSettingsBody({ ignoreDuration: 5 }))).toStrictEqual({ durationMs: 5 });
    expect(okValue(parseConversationSettingsBody({ type: 'NONE' }))).toStrictEqual({ type: 'NONE' });
  });

  it('applying one changes that field only; a duration starts now, 0 clears it', () => {
    const app = { ...DEFAULT_APP_SETTINGS, durationUntil: 999 };
    const now = 1_000_000;
    const cases: [Parameters<typeof applyAppSettingsPatch>[1], object][] = [
      [{ type: 'NONE' }, { type: 'NONE' }],
      [{ window: { start: 60, end: 120 } }, { window: { start: 60, end: 120 } }],
      [{ durationMs: 5_000 }, { durationUntil: now + 5_000 }],
      [{ durationMs: 0 }, { durationUntil: 0 }],
      [{ timeZone: 'Asia/Tokyo' }, { timeZone: 'Asia/Tokyo' }],
      [{ quietSchedule: [{ days: ['mon'], interval: { start: 0, end: 60 } }] }, { quietSchedule: [{ days: ['mon'], interval: { start: 0, end: 60 } }] }],
      [{ windowSkipUntil: now + 10 }, { windowSkipUntil: now + 10 }],
      [{ prioritySenders: ['bob'] }, { prioritySenders: ['bob'] }],
      [{ keywords: ['ship'] }, { keywords: ['ship'] }],
      [{ summary: false }, { summary: false }],
      [{}, {}],
    ];
    for (const [patch, changed] of cases) expect(applyAppSettingsPatch(app, patch, now)).toStrictEqual({ ...app, ...changed });
  });
});

describe('windowSkipUntil against now', () => {
  it('0, and any instant up to now, clear it; up to 24 h ahead is kept', () => {
    const now = 5_000_000;
    expect(checkSkipUntil(0, now)).toEqual({ ok: true, value: 0 });
    expect(checkSkipUntil(now, now)).toEqual({ ok: true, value: 0 });
    expect(checkSkipUntil(now + 1, now)).toEqual({ ok: true, value: now + 1 });
    expect(checkSkipUntil(now + 86_400_000, now)).toEqual({ ok: true, value: now + 86_400_000 });
    expectFieldError(checkSkipUntil(now + 86_400_001, now), 'windowSkipUntil', now + 86_400_001, 'at most 24 hours ahead');
  });
});

describe('keywords', () => {
  it(`a keyword of exactly ${MAX_KEYWORD_CHARS} characters is kept, one more is refused`, () => {
    expect(okValue(parseWith(keywordsSchema, ['k'.repeat(MAX_KEYWORD_CHARS)]))).toEqual(['k'.repeat(MAX_KEYWORD_CHARS)]);
    expectFieldError(parseWith(keywordsSchema, ['k'.repeat(MAX_KEYWORD_CHARS + 1)]), '[0]', 'k'.repeat(MAX_KEYWORD_CHARS + 1), 'a word or phrase');
  });

  it('duplicates are found by lower case, so "straße" and "strasse" are two keywords', () => {
    expect(okValue(parseWith(keywordsSchema, ['Straße', 'strasse', 'STRASSE']))).toEqual(['Straße', 'strasse']);
  });
});

describe('query strings', () => {
  it.each([['1', 1], ['100', 100], ['', 10], [undefined, 10]])('limit %j → %j', (v, n) => {
    expect(okValue(parseLimit(v, 10, 100))).toBe(n);
  });

  it.each([['0'], ['101'], [' 5'], ['5x'], ['-1'], ['1.5'], [5]])('limit %j is refused', (v) => {
    expectFieldError(parseLimit(v, 10, 100), 'limit', v, 'an integer from 1 to 100');
  });

  it('batch ids: empty items dropped, 128 characters kept, 129 refused, the field named', () => {
    expect(okValue(parseBatchQuery({ user: 'a,,b, c ', group: '' }))).toEqual({ user: ['a', 'b', 'c'], group: [] });
    expect(okValue(parseBatchQuery({ group: 'g'.repeat(128) }))).toEqual({ user: [], group: ['g'.repeat(128)] });
    expectFieldError(parseBatchQuery({ user: `a,${'u'.repeat(129)}` }), 'user', 'u'.repeat(129), 'ids of 1–128 characters');
    expectFieldError(parseBatchQuery({ group: ['x'] }), 'group', ['x'], 'a comma-separated list of ids');
  });
});

describe('message size', () => {
  const sized = (bytes: number) => {
    // body {"msg":"…"} plus ext {} (2 bytes): pad the text to reach exactly `bytes`.
    const overhead = JSON.stringify({ msg: '' }).length + 2;
    return { from: 'alice', to: ['bob'], type: 'txt', body: { msg: 'x'.repeat(bytes - overhead) } };
  };

  it('exactly 5 KB of body and ext is accepted; one byte more is refused with the size', () => {
    expect(parseSendMessageBody('users', sized(5 * 1024)).ok).toBe(true);
    const over = sized(5 * 1024 + 1);
    expectFieldError(parseSendMessageBody('users', over), 'body', over.body, 'this message has 5121');
  });
});
