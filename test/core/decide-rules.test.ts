// SPEC 1.8 with the rules of 1.7: schedule and skip-once, priority senders, keywords, direct
// messages as mentions, and the via / mention each decision records.
import { describe, expect, it } from 'vitest';
import {
  type AppSettings, checkDecision, decide, type DecisionInput, type Mention, prepareRecipient, type ReasonCode, type Via,
} from '../../src/core/index.ts';
import { app, HOUR, input, iso, online } from './fixtures.ts';

const NOW = iso('2026-05-04T09:00:00Z'); // a Monday
const DM = { id: 'bob', type: 'singleChat' as const };
const monMorning = { quietSchedule: [{ days: ['mon' as const], interval: { start: 8 * 60, end: 10 * 60 } }] };
const inSchedule = app(monMorning);
const inWindow = app({ window: { start: 8 * 60, end: 10 * 60 } });
const duration = app({ durationUntil: NOW + HOUR });
const skipped = { windowSkipUntil: NOW + HOUR };
const bobFirst = { prioritySenders: ['bob'] };
const words = { keywords: ['deploy', 'Müller', '紧急'] };
const txt = (msg: string) => ({ type: 'txt' as const, body: { msg } });

interface Row {
  name: string;
  in: DecisionInput;
  reason: ReasonCode;
  via?: Via;
  mention?: Mention;
}

const rows: Row[] = [
  // step 5: the weekly schedule is DND_APP_WINDOW; skip-once suspends window and schedule only
  { name: 'a schedule entry in force → DND_APP_WINDOW', in: input({ app: inSchedule }), reason: 'DND_APP_WINDOW' },
  { name: 'a schedule entry of another day → PUSH', in: input({ app: app({ quietSchedule: [{ days: ['tue'], interval: { start: 8 * 60, end: 10 * 60 } }] }) }), reason: 'PUSH' },
  { name: 'skip-once suspends the schedule', in: input({ app: app({ ...monMorning, ...skipped }) }), reason: 'PUSH' },
  { name: 'skip-once suspends the daily window', in: input({ app: { ...inWindow, ...skipped } }), reason: 'PUSH' },
  { name: 'skip-once leaves the app duration', in: input({ app: { ...duration, ...skipped } }), reason: 'DND_APP_DURATION' },
  { name: 'skip-once leaves a conversation duration', in: input({ app: app({ ...monMorning, ...skipped }), conversation: { durationUntil: NOW + HOUR } }), reason: 'DND_CONVERSATION' },
  { name: 'a skip that ended (== now) no longer applies', in: input({ app: app({ ...monMorning, windowSkipUntil: NOW }) }), reason: 'DND_APP_WINDOW' },
  { name: 'app duration is reported before the schedule', in: input({ app: { ...inSchedule, durationUntil: NOW + HOUR } }), reason: 'DND_APP_DURATION' },
  { name: 'the schedule is reported before a conversation duration', in: input({ app: inSchedule, conversation: { durationUntil: NOW + HOUR } }), reason: 'DND_APP_WINDOW' },

  // step 5: through DND — forced, or a priority sender
  { name: 'forced goes through the schedule, via FORCED', in: input({ app: inSchedule, message: { ext: { em_force_notification: true } } }), reason: 'PUSH', via: 'FORCED' },
  { name: 'a priority sender goes through the window', in: input({ app: { ...inWindow, ...bobFirst } }), reason: 'PUSH', via: 'PRIORITY_SENDER' },
  { name: 'a priority sender goes through the schedule', in: input({ app: app({ ...monMorning, ...bobFirst }) }), reason: 'PUSH', via: 'PRIORITY_SENDER' },
  { name: 'a priority sender goes through the app duration', in: input({ app: { ...duration, ...bobFirst } }), reason: 'PUSH', via: 'PRIORITY_SENDER' },
  { name: 'a priority sender goes through a conversation duration', in: input({ app: app(bobFirst), conversation: { durationUntil: NOW + HOUR } }), reason: 'PUSH', via: 'PRIORITY_SENDER' },
  { name: 'forced and priority: FORCED comes first', in: input({ app: { ...inWindow, ...bobFirst }, message: { ext: { em_force_notification: 'YES' } } }), reason: 'PUSH', via: 'FORCED' },
  { name: 'someone else is held', in: input({ app: { ...inWindow, prioritySenders: ['carol'] } }), reason: 'DND_APP_WINDOW' },
  { name: 'no DND in force: a priority sender has no via', in: input({ app: app(bobFirst) }), reason: 'PUSH' },
  { name: 'a priority sender does not override NONE', in: input({ app: { ...inWindow, ...bobFirst, type: 'NONE' } }), reason: 'REMIND_NONE' },
  { name: 'a priority sender under AT still needs a mention', in: input({ app: { ...inWindow, ...bobFirst, type: 'AT' } }), reason: 'REMIND_AT_NOT_MENTIONED' },
  { name: 'a priority sender under AT, mentioned', in: input({ app: { ...inWindow, ...bobFirst, type: 'AT' }, message: { ext: { em_at_list: ['alice'] } } }), reason: 'PUSH', via: 'PRIORITY_SENDER', mention: 'AT' },

  // step 6: mentions, first of AT, ALL, DIRECT, KEYWORD; recorded in any mode
  { name: 'em_at_list with the user → mention AT (mode ALL)', in: input({ message: { ext: { em_at_list: ['alice'] } } }), reason: 'PUSH', mention: 'AT' },
  { name: 'em_at_list "all" → mention ALL', in: input({ message: { ext: { em_at_list: 'all' } } }), reason: 'PUSH', mention: 'ALL' },
  { name: 'named and "all": AT comes first', in: input({ message: { ext: { em_at_list: 'all', em_apns_ext: { em_at_list: ['alice'] } } } }), reason: 'PUSH', mention: 'AT' },
  { name: 'a single chat is a DIRECT mention', in: input({ message: { conversation: DM } }), reason: 'PUSH', mention: 'DIRECT' },
  { name: 'AT lets a direct message through', in: input({ app: app({ type: 'AT' }), message: { conversation: DM } }), reason: 'PUSH', mention: 'DIRECT' },
  { name: 'a direct message that also names the user → AT', in: input({ message: { conversation: DM, ext: { em_at_list: ['alice'] } } }), reason: 'PUSH', mention: 'AT' },
  { name: 'a keyword → mention KEYWORD (mode ALL)', in: input({ app: app(words), message: txt('the deploy is done') }), reason: 'PUSH', mention: 'KEYWORD' },
  { name: 'AT lets a keyword through', in: input({ app: app({ ...words, type: 'AT' }), message: txt('Frag Herrn MÜLLER.') }), reason: 'PUSH', mention: 'KEYWORD' },
  { name: 'a CJK keyword matches inside a sentence', in: input({ app: app({ ...words, type: 'AT' }), message: txt('这是紧急情况') }), reason: 'PUSH', mention: 'KEYWORD' },
  { name: 'a keyword inside a longer word is no mention', in: input({ app: app({ ...words, type: 'AT' }), message: txt('redeployment done') }), reason: 'REMIND_AT_NOT_MENTIONED' },
  { name: 'keywords read body.msg of a txt message only, not translations', in: input({ app: app({ ...words, type: 'AT' }), message: { ...txt('hallo'), translations: [{ language: 'en', text: 'deploy' }] } }), reason: 'REMIND_AT_NOT_MENTIONED' },
  { name: 'keywords do not read other message types', in: input({ app: app({ ...words, type: 'AT' }), message: { type: 'custom', body: { msg: 'deploy' } } }), reason: 'REMIND_AT_NOT_MENTIONED' },
  { name: 'a held message records its mention (for the summary)', in: input({ app: inWindow, message: { ext: { em_at_list: ['alice'] } } }), reason: 'DND_APP_WINDOW', mention: 'AT' },
  { name: 'a held keyword message records KEYWORD', in: input({ app: { ...inSchedule, ...words }, message: txt('deploy now') }), reason: 'DND_APP_WINDOW', mention: 'KEYWORD' },
  { name: 'REMIND_NONE records the mention but no via', in: input({ app: { ...inWindow, type: 'NONE' }, message: { conversation: DM, ext: { em_force_notification: true } } }), reason: 'REMIND_NONE', mention: 'DIRECT' },

  // step 4: advanced off — ALL, no DND, none of 1.7
  { name: 'advanced off ignores the schedule', in: input({ advanced: false, app: inSchedule }), reason: 'PUSH' },
  { name: 'advanced off: no via for a forced message in a window', in: input({ advanced: false, app: inWindow, message: { ext: { em_force_notification: true } } }), reason: 'PUSH' },
  { name: 'advanced off: keywords and DIRECT are not mentions', in: input({ advanced: false, app: app(words), message: { ...txt('deploy'), conversation: DM } }), reason: 'PUSH' },
  { name: 'advanced off: em_at_list still says "mentions you"', in: input({ advanced: false, message: { ext: { em_at_list: ['alice'] } } }), reason: 'PUSH', mention: 'AT' },

  // steps 1–3 come first and record nothing more
  { name: 'a priority sender cannot reach an online user', in: input({ app: app(bobFirst), devices: [online()] }), reason: 'ONLINE' },
  { name: 'presence decisions carry no mention', in: input({ devices: [online()], message: { ext: { em_at_list: ['alice'] } } }), reason: 'ONLINE' },
  { name: 'silent beats a priority sender', in: input({ app: { ...inWindow, ...bobFirst }, message: { ext: { em_ignore_notification: true } } }), reason: 'SILENT_MESSAGE' },
];

describe('decide() — SPEC 1.8 with the rules of 1.7', () => {
  it.each(rows)('$name', (row) => {
    const d = decide({ ...row.in, now: NOW });
    expect(d.reason).toBe(row.reason);
    expect(d.push).toBe(row.reason === 'PUSH');
    expect(d.via).toBe(row.via);
    expect(d.mention).toBe(row.mention);
    // the same with the recipient's rules compiled by the caller
    const pre = decide({ ...row.in, now: NOW, rules: prepareRecipient(row.in.app) });
    expect(pre).toEqual(d);
  });
});

describe('prepareRecipient', () => {
  it('compiles once per settings object and again for a new one', () => {
    const a: AppSettings = app({ ...words, prioritySenders: ['bob'] });
    const r = prepareRecipient(a);
    expect(prepareRecipient(a)).toBe(r);
    expect(r.prioritySenders.has('bob')).toBe(true);
    expect(r.keywords.test('DEPLOY!')).toBe(true);
    const b = { ...a, keywords: ['other'] };
    expect(prepareRecipient(b)).not.toBe(r);
    expect(prepareRecipient(b).keywords.test('deploy')).toBe(false);
  });

  it('settings without 1.7 rules share one empty set of rules', () => {
    expect(prepareRecipient(app())).toBe(prepareRecipient(app({ type: 'AT' })));
  });
});

describe('checkDecision (SPEC 3.8: steps 4–6 for a hypothetical message)', () => {
  const group = { id: 'g1', type: 'groupChat' as const };
  const base = { recipient: 'Alice', conversation: group, at: NOW, advanced: true };

  it('a quiet schedule holds it, and says until when', () => {
    expect(checkDecision({ ...base, app: inSchedule })).toStrictEqual({ push: false, reason: 'DND_APP_WINDOW', quietUntil: iso('2026-05-04T10:00:00Z') });
  });

  it('a priority sender goes through, with quietUntil', () => {
    expect(checkDecision({ ...base, app: app({ ...monMorning, prioritySenders: ['bob'] }), from: 'BOB' })).toStrictEqual({
      push: true, reason: 'PUSH', via: 'PRIORITY_SENDER', quietUntil: iso('2026-05-04T10:00:00Z'),
    });
  });

  it('text, mentioned and a single chat give the mention', () => {
    expect(checkDecision({ ...base, app: app({ ...words, type: 'AT' }), text: 'deploy?' })).toStrictEqual({ push: true, reason: 'PUSH', mention: 'KEYWORD' });
    expect(checkDecision({ ...base, app: app({ type: 'AT' }), mentioned: true })).toStrictEqual({ push: true, reason: 'PUSH', mention: 'AT' });
    expect(checkDecision({ ...base, app: app({ type: 'AT' }), conversation: DM })).toStrictEqual({ push: true, reason: 'PUSH', mention: 'DIRECT' });
    expect(checkDecision({ ...base, app: app({ type: 'AT' }) })).toStrictEqual({ push: false, reason: 'REMIND_AT_NOT_MENTIONED' });
  });

  it('a conversation duration and its settings', () => {
    const r = checkDecision({ ...base, app: app(), conversationSettings: { type: 'NONE', durationUntil: NOW + HOUR } });
    expect(r).toStrictEqual({ push: false, reason: 'DND_CONVERSATION', quietUntil: NOW + HOUR });
    expect(checkDecision({ ...base, app: app(), conversationSettings: { type: 'NONE', durationUntil: 0 } })).toStrictEqual({ push: false, reason: 'REMIND_NONE' });
  });

  it('advanced off: PUSH whatever the settings', () => {
    expect(checkDecision({ ...base, advanced: false, app: { ...inSchedule, type: 'NONE' } })).toStrictEqual({ push: true, reason: 'PUSH' });
  });
});
