// SPEC 1.2, 1.3 (precedence), 1.4, 1.7: every example of the push decision, as a table.
import { describe, expect, it } from 'vitest';
import { decide, type DecisionInput, eligibleDevices, effectiveRemindType, type ReasonCode } from '../../src/core/index.ts';
import { app, HOUR, input, iso, kicked, offline, online } from './fixtures.ts';

const NOW = iso('2026-05-04T09:00:00Z');
const inWindow = app({ window: { start: 8 * 60, end: 10 * 60 } }); // 09:00 UTC is inside
const duration = app({ durationUntil: NOW + HOUR });

interface Row {
  name: string;
  in: DecisionInput;
  reason: ReasonCode;
  devices?: string[];
}

const rows: Row[] = [
  // 1.7 step 1 and 2
  { name: 'the sender gets no push for their own message', in: input({ recipient: 'bob' }), reason: 'SENDER' },
  { name: 'silent message: em_ignore_notification true', in: input({ message: { ext: { em_ignore_notification: true } } }), reason: 'SILENT_MESSAGE' },
  { name: 'silent message: em_ignore_notification "YES"', in: input({ message: { ext: { em_ignore_notification: 'YES' } } }), reason: 'SILENT_MESSAGE' },
  // SPEC 1.4: the flags are read from top-level ext only; em_apns_ext carries title, content and em_at_list.
  { name: 'em_ignore_notification under em_apns_ext is not silent', in: input({ message: { ext: { em_apns_ext: { em_ignore_notification: 'YES' } } } }), reason: 'PUSH', devices: ['web'] },
  { name: 'em_ignore_notification false is not silent', in: input({ message: { ext: { em_ignore_notification: false } } }), reason: 'PUSH', devices: ['web'] },
  { name: 'silent beats force', in: input({ message: { ext: { em_ignore_notification: true, em_force_notification: true } } }), reason: 'SILENT_MESSAGE' },

  // 1.7 step 3 — presence under allOffline
  { name: 'allOffline: one device online → ONLINE', in: input({ devices: [offline(), online()] }), reason: 'ONLINE' },
  { name: 'allOffline: an unbound device online still counts as online', in: input({ devices: [offline(), online('x', false)] }), reason: 'ONLINE' },
  { name: 'allOffline: only bound device kicked → KICKED', in: input({ devices: [kicked()] }), reason: 'KICKED' },
  { name: 'allOffline: offline but unbound → NO_BINDING', in: input({ devices: [offline('web', false)] }), reason: 'NO_BINDING' },
  { name: 'allOffline: no devices at all → NO_BINDING', in: input({ devices: [] }), reason: 'NO_BINDING' },
  { name: 'allOffline: kicked + offline bound → pushes to the offline one', in: input({ devices: [kicked(), offline('web')] }), reason: 'PUSH', devices: ['web'] },
  { name: 'allOffline: every offline bound device gets it', in: input({ devices: [offline('a'), offline('b'), offline('c', false)] }), reason: 'PUSH', devices: ['a', 'b'] },

  // presence under anyOffline
  { name: 'anyOffline: offline bound device pushes although another is online', in: input({ policy: 'anyOffline', devices: [online('phone'), offline('web')] }), reason: 'PUSH', devices: ['web'] },
  { name: 'anyOffline: every bound device online → ONLINE', in: input({ policy: 'anyOffline', devices: [online('phone'), offline('web', false)] }), reason: 'ONLINE' },
  { name: 'anyOffline: only bound device kicked → KICKED', in: input({ policy: 'anyOffline', devices: [kicked('tab'), online('p', false)] }), reason: 'KICKED' },
  { name: 'anyOffline: online and kicked bound → ONLINE', in: input({ policy: 'anyOffline', devices: [kicked('tab'), online('p')] }), reason: 'ONLINE' },
  { name: 'anyOffline: nothing bound → NO_BINDING', in: input({ policy: 'anyOffline', devices: [online('p', false), offline('w', false)] }), reason: 'NO_BINDING' },
  { name: 'presence is checked before DND', in: input({ app: inWindow, devices: [online()] }), reason: 'ONLINE' },

  // 1.7 step 4 — advanced features off
  { name: 'advanced off ignores the app window', in: input({ advanced: false, app: inWindow }), reason: 'PUSH', devices: ['web'] },
  { name: 'advanced off ignores the app duration', in: input({ advanced: false, app: duration }), reason: 'PUSH', devices: ['web'] },
  { name: 'advanced off ignores remind type NONE', in: input({ advanced: false, app: app({ type: 'NONE' }) }), reason: 'PUSH', devices: ['web'] },
  { name: 'advanced off ignores conversation AT and duration', in: input({ advanced: false, conversation: { type: 'AT', durationUntil: NOW + HOUR } }), reason: 'PUSH', devices: ['web'] },
  { name: 'advanced off still respects presence', in: input({ advanced: false, devices: [online()] }), reason: 'ONLINE' },

  // 1.7 steps 5–6 — DND and its precedence over remind type
  { name: 'app window active → DND_APP_WINDOW', in: input({ app: inWindow }), reason: 'DND_APP_WINDOW' },
  { name: 'app duration active → DND_APP_DURATION', in: input({ app: duration }), reason: 'DND_APP_DURATION' },
  { name: 'app duration expired exactly now → not quiet', in: input({ app: app({ durationUntil: NOW }) }), reason: 'PUSH', devices: ['web'] },
  { name: 'app DND beats a conversation set to ALL (window)', in: input({ app: inWindow, conversation: { type: 'ALL', durationUntil: 0 } }), reason: 'DND_APP_WINDOW' },
  { name: 'app DND beats a conversation set to ALL (duration)', in: input({ app: duration, conversation: { type: 'ALL', durationUntil: 0 } }), reason: 'DND_APP_DURATION' },
  { name: 'app duration is reported before the window when both are active', in: input({ app: { ...inWindow, durationUntil: NOW + HOUR } }), reason: 'DND_APP_DURATION' },
  { name: 'conversation duration active → DND_CONVERSATION', in: input({ conversation: { durationUntil: NOW + HOUR } }), reason: 'DND_CONVERSATION' },
  { name: 'conversation duration beats its own ALL', in: input({ conversation: { type: 'ALL', durationUntil: NOW + HOUR } }), reason: 'DND_CONVERSATION' },
  { name: 'another conversation (no settings) is unaffected by a muted one', in: input({ conversation: undefined }), reason: 'PUSH', devices: ['web'] },
  { name: 'a conversation with an expired duration pushes', in: input({ conversation: { durationUntil: NOW - 1 } }), reason: 'PUSH', devices: ['web'] },
  // The exact boundary: a mute holds while durationUntil > now, so one ending exactly now is over.
  { name: 'a conversation mute ending exactly now does not hold the push', in: input({ conversation: { durationUntil: NOW } }), reason: 'PUSH', devices: ['web'] },
  { name: 'a conversation mute ending 1 ms from now still holds the push', in: input({ conversation: { durationUntil: NOW + 1 } }), reason: 'DND_CONVERSATION' },
  { name: 'an app mute ending 1 ms from now still holds the push', in: input({ app: app({ durationUntil: NOW + 1 }) }), reason: 'DND_APP_DURATION' },
  { name: 'DND beats remind type NONE (reason is the DND)', in: input({ app: { ...inWindow, type: 'NONE' } }), reason: 'DND_APP_WINDOW' },

  // 1.4 — force goes through DND only
  { name: 'forced (true) goes through the app window', in: input({ app: inWindow, message: { ext: { em_force_notification: true } } }), reason: 'PUSH', devices: ['web'] },
  { name: 'forced ("YES") goes through the app duration', in: input({ app: duration, message: { ext: { em_force_notification: 'YES' } } }), reason: 'PUSH', devices: ['web'] },
  { name: 'forced at top level goes through a conversation duration', in: input({ conversation: { durationUntil: NOW + HOUR }, message: { ext: { em_force_notification: true } } }), reason: 'PUSH', devices: ['web'] },
  { name: 'em_force_notification under em_apns_ext does not go through DND', in: input({ conversation: { durationUntil: NOW + HOUR }, message: { ext: { em_apns_ext: { em_force_notification: true } } } }), reason: 'DND_CONVERSATION' },
  { name: 'forced does not override NONE', in: input({ app: app({ type: 'NONE' }), message: { ext: { em_force_notification: true } } }), reason: 'REMIND_NONE' },
  { name: 'forced does not override AT without a mention', in: input({ app: { ...inWindow, type: 'AT' }, message: { ext: { em_force_notification: true } } }), reason: 'REMIND_AT_NOT_MENTIONED' },
  { name: 'forced and mentioned under AT pushes through DND', in: input({ app: { ...inWindow, type: 'AT' }, message: { ext: { em_force_notification: true, em_at_list: ['alice'] } } }), reason: 'PUSH', devices: ['web'] },
  { name: 'forced does not reach an online user', in: input({ devices: [online()], message: { ext: { em_force_notification: true } } }), reason: 'ONLINE' },

  // 1.2 — remind type
  { name: 'default app type ALL pushes', in: input(), reason: 'PUSH', devices: ['web'] },
  { name: 'app NONE → REMIND_NONE', in: input({ app: app({ type: 'NONE' }) }), reason: 'REMIND_NONE' },
  { name: 'app AT, not mentioned', in: input({ app: app({ type: 'AT' }) }), reason: 'REMIND_AT_NOT_MENTIONED' },
  { name: 'app AT, mentioned by name', in: input({ app: app({ type: 'AT' }), message: { ext: { em_at_list: ['carol', 'alice'] } } }), reason: 'PUSH', devices: ['web'] },
  { name: 'app AT, mentioned by name in another case', in: input({ app: app({ type: 'AT' }), message: { ext: { em_at_list: ['ALICE'] } } }), reason: 'PUSH', devices: ['web'] },
  { name: 'app AT, someone else mentioned', in: input({ app: app({ type: 'AT' }), message: { ext: { em_at_list: ['carol'] } } }), reason: 'REMIND_AT_NOT_MENTIONED' },
  { name: 'app AT, "all"', in: input({ app: app({ type: 'AT' }), message: { ext: { em_at_list: 'all' } } }), reason: 'PUSH', devices: ['web'] },
  { name: 'app AT, "ALL" (any case)', in: input({ app: app({ type: 'AT' }), message: { ext: { em_at_list: 'ALL' } } }), reason: 'PUSH', devices: ['web'] },
  { name: 'app AT, "All" (any case)', in: input({ app: app({ type: 'AT' }), message: { ext: { em_at_list: 'All' } } }), reason: 'PUSH', devices: ['web'] },
  { name: 'app AT, other string is not a mention', in: input({ app: app({ type: 'AT' }), message: { ext: { em_at_list: 'alice' } } }), reason: 'REMIND_AT_NOT_MENTIONED' },
  { name: 'app AT, em_apns_ext.em_at_list with the user', in: input({ app: app({ type: 'AT' }), message: { ext: { em_apns_ext: { em_at_list: ['alice'] } } } }), reason: 'PUSH', devices: ['web'] },
  { name: 'app AT, em_apns_ext.em_at_list "all"', in: input({ app: app({ type: 'AT' }), message: { ext: { em_apns_ext: { em_at_list: 'all' } } } }), reason: 'PUSH', devices: ['web'] },
  { name: 'app AT, ext list without user but em_apns_ext list with user', in: input({ app: app({ type: 'AT' }), message: { ext: { em_at_list: ['carol'], em_apns_ext: { em_at_list: ['alice'] } } } }), reason: 'PUSH', devices: ['web'] },
  { name: 'SPEC example: app AT, group G ALL → G pushes every message', in: input({ app: app({ type: 'AT' }), conversation: { type: 'ALL', durationUntil: 0 } }), reason: 'PUSH', devices: ['web'] },
  { name: 'SPEC example: app AT, another conversation inherits AT', in: input({ app: app({ type: 'AT' }), conversation: { durationUntil: 0 } }), reason: 'REMIND_AT_NOT_MENTIONED' },
  { name: 'conversation NONE overrides app ALL', in: input({ conversation: { type: 'NONE', durationUntil: 0 } }), reason: 'REMIND_NONE' },
  { name: 'conversation AT overrides app ALL', in: input({ conversation: { type: 'AT', durationUntil: 0 } }), reason: 'REMIND_AT_NOT_MENTIONED' },
  { name: 'conversation ALL overrides app NONE', in: input({ app: app({ type: 'NONE' }), conversation: { type: 'ALL', durationUntil: 0 } }), reason: 'PUSH', devices: ['web'] },
  { name: 'cleared conversation (type undefined) inherits app NONE', in: input({ app: app({ type: 'NONE' }), conversation: { durationUntil: 0 } }), reason: 'REMIND_NONE' },
];

describe('decide() — SPEC 1.7 table', () => {
  it.each(rows)('$name', (row) => {
    const d = decide(row.in);
    expect(d.reason).toBe(row.reason);
    expect(d.push).toBe(row.reason === 'PUSH');
    expect([...d.devices]).toEqual(row.devices ?? []);
  });
});

describe('decide() helpers', () => {
  it('effectiveRemindType: own type when set, else the app’s', () => {
    expect(effectiveRemindType(app({ type: 'AT' }), undefined)).toBe('AT');
    expect(effectiveRemindType(app({ type: 'AT' }), { durationUntil: 0 })).toBe('AT');
    expect(effectiveRemindType(app({ type: 'AT' }), { type: 'NONE', durationUntil: 0 })).toBe('NONE');
  });

  it('eligibleDevices lists the resources in input order', () => {
    expect(eligibleDevices([offline('b'), offline('a')], 'anyOffline')).toEqual({ devices: ['b', 'a'] });
  });

  it('the window is evaluated in the user’s zone: 09:00 UTC is 11:00 in Paris (summer), outside 8:0-10:0', () => {
    const paris = app({ window: { start: 8 * 60, end: 10 * 60 }, timeZone: 'Europe/Paris' });
    expect(decide(input({ app: paris })).reason).toBe('PUSH');
    expect(decide(input({ app: paris, now: iso('2026-05-04T08:30:00+02:00') })).reason).toBe('DND_APP_WINDOW');
  });
});

describe('decide() results', () => {
  it('a decision that sends nothing is frozen, so sharing it between recipients is safe', () => {
    const d = decide(input({ devices: [online()] }));
    expect(Object.isFrozen(d)).toBe(true);
    expect(Object.isFrozen(d.devices)).toBe(true);
  });

  it('each PUSH decision owns its device list', () => {
    const a = decide(input());
    const b = decide(input());
    expect(a.devices).not.toBe(b.devices);
    expect(a).toEqual({ push: true, reason: 'PUSH', devices: ['web'] });
  });
});
