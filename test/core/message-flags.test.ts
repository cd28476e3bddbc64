// SPEC 1.2 and 1.4: what a message's ext says — silent, forced, mentions.
import { describe, expect, it } from 'vitest';
import { extField, isFlagOn, mentions, prepareMessage } from '../../src/core/index.ts';
import { message } from './fixtures.ts';

describe('message flags', () => {
  it.each([
    [true, true], ['YES', true], ['yes', true], ['Yes', true],
    [false, false], ['NO', false], ['true', false], [1, false], [undefined, false], [null, false],
  ])('isFlagOn(%j) = %s', (v, on) => {
    expect(isFlagOn(v)).toBe(on);
  });

  it('extField reads ext first, then em_apns_ext', () => {
    expect(extField({ a: 1, em_apns_ext: { a: 2, b: 3 } }, 'a')).toBe(1);
    expect(extField({ em_apns_ext: { b: 3 } }, 'b')).toBe(3);
    expect(extField({ em_apns_ext: 'x' }, 'b')).toBeUndefined();
    expect(extField(undefined, 'b')).toBeUndefined();
  });

  it('prepareMessage reads silent, forced and mentions once', () => {
    const p = prepareMessage(message({ ext: { em_ignore_notification: 'YES', em_force_notification: true, em_at_list: ['Alice', 7], em_apns_ext: { em_at_list: ['CAROL'] } } }));
    expect(p).toMatchObject({ id: 'm1', from: 'bob', silent: true, forced: true, mentionAll: false });
    expect([...p.mentioned].sort()).toEqual(['alice', 'carol']);
    expect(mentions(p, 'ALICE')).toBe(true);
    expect(mentions(p, 'dave')).toBe(false);
  });

  it('silent and forced are read from top-level ext only, never from em_apns_ext (SPEC 1.4)', () => {
    const nested = prepareMessage(message({ ext: { em_apns_ext: { em_ignore_notification: true, em_force_notification: 'YES' } } }));
    expect(nested).toMatchObject({ silent: false, forced: false });
    const top = prepareMessage(message({ ext: { em_ignore_notification: 'yes', em_apns_ext: { em_ignore_notification: false } } }));
    expect(top.silent).toBe(true);
  });

  it('"all" mentions everybody, in any case, at either level', () => {
    for (const ext of [{ em_at_list: 'all' }, { em_at_list: 'ALL' }, { em_apns_ext: { em_at_list: 'aLL' } }, { em_at_list: ['x'], em_apns_ext: { em_at_list: 'all' } }]) {
      expect(mentions(prepareMessage(message({ ext })), 'anyone')).toBe(true);
    }
    expect(mentions(prepareMessage(message({ ext: { em_at_list: 'everyone' } })), 'anyone')).toBe(false);
    expect(mentions(prepareMessage(message()), 'anyone')).toBe(false);
  });
});
