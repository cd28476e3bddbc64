// SPEC 1.3: a pause or a conversation mute holds while `durationUntil > now`; one ending exactly
// now is over — in every reader of the rule, not only decide() (each `>=` survived mutation).
import { describe, expect, it } from 'vitest';
import { isQuiet, quietReasons, quietRules } from '../../src/core/index.ts';
import { app, iso } from './fixtures.ts';

const T = iso('2026-05-04T09:00:00Z');

describe('a mute ending exactly now is over', () => {
  it.each([
    ['the app pause', app({ durationUntil: T }), undefined],
    ['a conversation mute', app(), { durationUntil: T }],
  ] as const)('%s ending at now: not quiet, no reason, no rule', (_what, a, conversation) => {
    expect(isQuiet(a, conversation, T)).toBe(false);
    expect(quietReasons(a, conversation, T)).toEqual([]);
    expect(quietRules(a, conversation, T)).toEqual([]);
  });

  it.each([
    ['the app pause', app({ durationUntil: T + 1 }), undefined, 'DND_APP_DURATION'],
    ['a conversation mute', app(), { durationUntil: T + 1 }, 'DND_CONVERSATION'],
  ] as const)('%s ending 1 ms after now still holds', (_what, a, conversation, reason) => {
    expect(isQuiet(a, conversation, T)).toBe(true);
    expect(quietReasons(a, conversation, T)).toEqual([reason]);
    expect(quietRules(a, conversation, T)).toHaveLength(1);
  });
});
