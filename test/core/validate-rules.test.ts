// SPEC 1.7, 3.2, 3.8 and 7: the 1.7 fields of the app-settings body, the check body, and their
// wire form — each error names the field, the value and what is allowed.
import { describe, expect, it } from 'vitest';
import {
  appSettingsFromWire, appSettingsToWire, applyAppSettingsPatch, checkBodySchema, checkSkipUntil, DEFAULT_APP_SETTINGS,
  parseAppSettingsBody, parseWith,
} from '../../src/core/index.ts';
import { app, HOUR, iso, expectFieldError, okValue } from './fixtures.ts';

const NOW = iso('2026-05-04T09:00:00Z');

describe('parseAppSettingsBody: the rules of 1.7', () => {
  it('reads each field; [] / false / 0 clear', () => {
    expect(okValue(parseAppSettingsBody({ quietSchedule: [{ days: ['mon', 'tue'], interval: '22:0-7:0' }, { days: ['sat'], interval: '0:0-0:0' }] }))).toEqual({
      quietSchedule: [{ days: ['mon', 'tue'], interval: { start: 1320, end: 420 } }, { days: ['sat'], interval: { start: 0, end: 0 } }],
    });
    expect(okValue(parseAppSettingsBody({ quietSchedule: [] }))).toEqual({ quietSchedule: [] });
    expect(okValue(parseAppSettingsBody({ prioritySenders: ['Bob', 'bob', 'carol.x', 'BOB'] }))).toEqual({ prioritySenders: ['bob', 'carol.x'] });
    expect(okValue(parseAppSettingsBody({ keywords: ['  Deploy ', 'deploy', 'Müller', 'DEPLOY', '紧急'] }))).toEqual({ keywords: ['Deploy', 'Müller', '紧急'] });
    expect(okValue(parseAppSettingsBody({ summary: true, keywords: [] }))).toEqual({ summary: true, keywords: [] });
    expect(okValue(parseAppSettingsBody({ windowSkipUntil: NOW + HOUR }, NOW))).toEqual({ windowSkipUntil: NOW + HOUR });
    expect(okValue(parseAppSettingsBody({ windowSkipUntil: 0 }, NOW))).toEqual({ windowSkipUntil: 0 });
    expect(okValue(parseAppSettingsBody({ windowSkipUntil: NOW - 1 }, NOW))).toEqual({ windowSkipUntil: 0 }); // past reads as 0
    expect(okValue(parseAppSettingsBody({ windowSkipUntil: NOW + 24 * HOUR }, NOW))).toEqual({ windowSkipUntil: NOW + 24 * HOUR });
    expect(okValue(parseAppSettingsBody({ type: 'AT', quietSchedule: [], summary: false }))).toEqual({ type: 'AT', quietSchedule: [], summary: false });
  });

  it.each([
    [{ quietSchedule: [{ days: ['mon'], interval: '1:0-2:0' }, { days: ['mon'], interval: '1:0-2:0' }, { days: ['thu', 'fri', 'fri'], interval: '1:0-2:0' }] },
      'quietSchedule[2].days[2]', 'fri', 'repeated; each day at most once'],
    [{ quietSchedule: [{ days: ['mon', 'fri', 'fri'], interval: '1:0-2:0' }] }, 'quietSchedule[0].days[2]', 'fri', 'repeated; each day at most once'],
    [{ quietSchedule: [{ days: ['Monday'], interval: '1:0-2:0' }] }, 'quietSchedule[0].days[0]', 'Monday', 'one of "mon", "tue", "wed", "thu", "fri", "sat", "sun"'],
    [{ quietSchedule: [{ days: [], interval: '1:0-2:0' }] }, 'quietSchedule[0].days', [], 'an array of 1–7 different days'],
    [{ quietSchedule: [{ days: 'mon', interval: '1:0-2:0' }] }, 'quietSchedule[0].days', 'mon', 'an array of 1–7 different days'],
    [{ quietSchedule: [{ days: ['mon'], interval: '' }] }, 'quietSchedule[0].interval', '', 'start = end runs 24 hours'],
    [{ quietSchedule: [{ days: ['mon'], interval: '25:0-7:0' }] }, 'quietSchedule[0].interval', '25:0-7:0', 'hours must be 0–23'],
    [{ quietSchedule: [{ days: ['mon'] }] }, 'quietSchedule[0].interval', undefined, 'start = end runs 24 hours'],
    [{ quietSchedule: [{ days: ['mon'], interval: '1:0-2:0', label: 'x' }] }, 'quietSchedule[0].label', 'x', 'unknown field; allowed fields are days, interval'],
    [{ quietSchedule: Array.from({ length: 15 }, () => ({ days: ['mon'], interval: '1:0-2:0' })) }, 'quietSchedule', undefined, 'at most 14 entries'],
    [{ quietSchedule: 'weeknights' }, 'quietSchedule', 'weeknights', 'an array of at most 14 entries'],
    [{ prioritySenders: ['bob', 'no spaces'] }, 'prioritySenders[1]', 'no spaces', '1–64 characters of a-z'],
    [{ prioritySenders: Array.from({ length: 101 }, (_, i) => `u${i}`) }, 'prioritySenders', undefined, 'at most 100 usernames'],
    [{ keywords: ['ok', '   '] }, 'keywords[1]', '   ', 'a word or phrase of 1–40 characters'],
    [{ keywords: ['x'.repeat(41)] }, 'keywords[0]', 'x'.repeat(41), 'a word or phrase of 1–40 characters'],
    [{ keywords: [7] }, 'keywords[0]', 7, 'a word or phrase of 1–40 characters'],
    [{ keywords: Array.from({ length: 21 }, (_, i) => `k${i}`) }, 'keywords', undefined, 'at most 20 keywords'],
    [{ summary: 'yes' }, 'summary', 'yes', 'true or false'],
    [{ windowSkipUntil: -1 }, 'windowSkipUntil', -1, 'at most 24 hours ahead, or 0 to clear'],
    [{ windowSkipUntil: 1.5 }, 'windowSkipUntil', 1.5, 'at most 24 hours ahead, or 0 to clear'],
  ])('refuses %j', (body, field, value, allowed) => {
    const r = parseAppSettingsBody(body, NOW);
    if (value === undefined) {
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.errors[0]!.field).toBe(field);
      expect(r.errors[0]!.allowed).toContain(allowed);
      expect(r.errors[0]!.message).toContain(field);
    } else expectFieldError(r, field, value, allowed);
  });

  it('the message reads like the SPEC example', () => {
    const entry = (days: string[]) => ({ days, interval: '1:0-2:0' });
    const r = parseAppSettingsBody({ quietSchedule: [entry(['mon']), entry(['tue']), entry(['fri', 'fri'])] });
    expect(r.ok ? '' : r.errors[0]!.message).toBe('quietSchedule[2].days[1] "fri": repeated; each day at most once');
  });

  it('windowSkipUntil more than 24 h ahead is refused, naming the latest allowed instant', () => {
    const r = parseAppSettingsBody({ windowSkipUntil: NOW + 24 * HOUR + 1 }, NOW);
    expectFieldError(r, 'windowSkipUntil', NOW + 24 * HOUR + 1, `no later than ${NOW + 24 * HOUR}`);
    expect(checkSkipUntil(NOW + HOUR, NOW)).toEqual({ ok: true, value: NOW + HOUR });
  });

  it('unknown fields list every allowed one', () => {
    expectFieldError(parseAppSettingsBody({ rules: 1 }), 'rules', 1, 'quietSchedule, windowSkipUntil, prioritySenders, keywords, summary');
  });
});

describe('applyAppSettingsPatch', () => {
  it('replaces each given field whole, starts a duration now, leaves the rest', () => {
    const before = app({ keywords: ['a'], prioritySenders: ['bob'], window: { start: 60, end: 120 } });
    const after = applyAppSettingsPatch(before, { keywords: [], durationMs: HOUR, summary: true }, NOW);
    expect(after).toEqual({ ...before, keywords: [], durationUntil: NOW + HOUR, summary: true });
    expect(before.keywords).toEqual(['a']);
  });
});

describe('app settings on the wire with the 1.7 fields', () => {
  const s = app({
    quietSchedule: [{ days: ['fri'], interval: { start: 1320, end: 420 } }, { days: ['sat', 'sun'], interval: { start: 0, end: 0 } }],
    windowSkipUntil: NOW + HOUR, prioritySenders: ['bob'], keywords: ['Deploy', '紧急'], summary: true,
  });

  it('GET always carries them; an expired skip reads 0', () => {
    expect(appSettingsToWire(s, NOW)).toEqual({
      type: 'ALL', ignoreInterval: '', ignoreDuration: 0, timeZone: 'UTC',
      quietSchedule: [{ days: ['fri'], interval: '22:0-7:0' }, { days: ['sat', 'sun'], interval: '0:0-0:0' }],
      windowSkipUntil: NOW + HOUR, prioritySenders: ['bob'], keywords: ['Deploy', '紧急'], summary: true,
    });
    expect(appSettingsToWire(s, NOW + HOUR).windowSkipUntil).toBe(0);
  });

  it('reads back what it wrote; a reference server (no 1.7 fields) reads as the defaults', () => {
    expect(okValue(appSettingsFromWire(appSettingsToWire(s, NOW)))).toEqual(s);
    expect(okValue(appSettingsFromWire({ type: 'AT' }))).toEqual({ ...DEFAULT_APP_SETTINGS, type: 'AT' });
  });

  it('a bad 1.7 field read back is repaired to its default, the rest kept', () => {
    const r = okValue(appSettingsFromWire({ type: 'AT', quietSchedule: [{ days: ['xx'], interval: '1:0-2:0' }], keywords: 'deploy', summary: 1, windowSkipUntil: -5, prioritySenders: ['bob'] }));
    expect(r).toEqual({ ...DEFAULT_APP_SETTINGS, type: 'AT', prioritySenders: ['bob'] });
  });
});

describe('checkBodySchema (POST notification/check)', () => {
  it('accepts conversation, from, text, mentioned, at', () => {
    expect(okValue(parseWith(checkBodySchema, { conversation: { id: 'g1', type: 'groupChat' }, from: 'Bob', text: 'deploy', mentioned: true, at: NOW }))).toEqual({
      conversation: { id: 'g1', type: 'groupChat' }, from: 'bob', text: 'deploy', mentioned: true, at: NOW,
    });
  });

  it.each([
    [{ conversation: { id: 'g1', type: 'group' } }, 'conversation.type', 'group', 'one of "singleChat", "groupChat", "chatRoom"'],
    [{ conversation: { id: 'g1', type: 'groupChat' }, from: 'b o b' }, 'from', 'b o b', '1–64 characters of a-z'],
    [{ conversation: { id: 'g1', type: 'groupChat' }, text: 5 }, 'text', 5, 'the message text'],
    [{ conversation: { id: 'g1', type: 'groupChat' }, at: -1 }, 'at', -1, 'an instant in ms since epoch'],
    [{ conversation: { id: 'g1', type: 'groupChat' }, at: 9e15 }, 'at', 9e15, 'before the year 275000'],
    [{ conversation: { id: 'g1', type: 'groupChat' }, sender: 'bob' }, 'sender', 'bob', 'allowed fields are conversation, from, text, mentioned, at'],
  ])('refuses %j', (body, field, value, allowed) => {
    expectFieldError(parseWith(checkBodySchema, body), field, value, allowed);
  });
});
