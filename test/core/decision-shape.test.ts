// SPEC 1.8: what a decision carries. `via` and `mention` are present only when they apply (no key
// set to undefined), and a decision that sends nothing is the shared frozen answer when nothing
// else is to be said. Found by mutation testing: the table compares with toEqual, blind to keys.
import { describe, expect, it } from 'vitest';
import { decide, mentionOf, prepareMessage, prepareRecipient, settingsOutcome } from '../../src/core/index.ts';
import { app, HOUR, input, iso, message } from './fixtures.ts';

const NOW = iso('2026-05-04T09:00:00Z');
const paused = app({ durationUntil: NOW + HOUR });
const DM = { id: 'bob', type: 'singleChat' } as const;

describe('decision shape', () => {
  it('a push held by DND without a mention is the shared frozen answer, with no mention key', () => {
    const d = decide(input({ app: paused }));
    expect(d).toStrictEqual({ push: false, reason: 'DND_APP_DURATION', devices: [] });
    expect(Object.isFrozen(d)).toBe(true);
  });

  it('a push held by DND that mentions the recipient says so, and nothing else', () => {
    expect(decide(input({ app: paused, message: { ext: { em_at_list: ['alice'] } } }))).toStrictEqual({ push: false, reason: 'DND_APP_DURATION', devices: [], mention: 'AT' });
  });

  it('a mentioned push outside DND has a mention and no via key', () => {
    expect(decide(input({ message: { ext: { em_at_list: ['alice'] } } }))).toStrictEqual({ push: true, reason: 'PUSH', devices: ['web'], mention: 'AT' });
  });

  it('a forced push through DND has via and no mention key when it mentions no one', () => {
    expect(decide(input({ app: paused, message: { ext: { em_force_notification: true } } }))).toStrictEqual({ push: true, reason: 'PUSH', devices: ['web'], via: 'FORCED' });
  });

  it('settingsOutcome has only the keys that apply', () => {
    expect(settingsOutcome(input())).toStrictEqual({ reason: 'PUSH' });
    expect(settingsOutcome(input({ app: paused, message: { ext: { em_force_notification: true } } }))).toStrictEqual({ reason: 'PUSH', via: 'FORCED' });
    expect(settingsOutcome(input({ message: { ext: { em_at_list: ['alice'] } } }))).toStrictEqual({ reason: 'PUSH', mention: 'AT' });
  });
});

describe('mentionOf', () => {
  it('applies the 1.7 rules unless told not to: a direct message is DIRECT by default, nothing with em_at_list only', () => {
    const dm = prepareMessage(message({ conversation: DM }));
    expect(mentionOf(dm, 'alice', app(), undefined)).toBe('DIRECT');
    expect(mentionOf(dm, 'alice', app(), undefined, false)).toBeUndefined();
  });
});

// Settings stored before SPEC 1.7 have neither field (model.ts: absent means none).
describe('prepareRecipient', () => {
  it('with priority senders and no keywords field, compiles no keyword', () => {
    const rules = prepareRecipient({ ...app({ prioritySenders: ['Bob'] }), keywords: undefined });
    expect([...rules.prioritySenders]).toEqual(['bob']);
    expect(rules.keywords.size).toBe(0);
  });

  it('with keywords and no priority senders field, has no priority sender', () => {
    const rules = prepareRecipient({ ...app({ keywords: ['deploy'] }), prioritySenders: undefined });
    expect(rules.prioritySenders.size).toBe(0);
    expect(rules.keywords.size).toBe(1);
    expect(rules.keywords.test('Deploy now')).toBe(true);
  });
});
