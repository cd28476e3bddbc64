// Core's schema kit keeps zod 4's parse rules, which core's messages were written against (B6, #12):
// these pin the rules that decide which errors a caller sees.
import { describe, expect, it } from 'vitest';
import * as s from '../../src/core/schema.ts';
import { checkDuration, dayListSchema, durationSchema, parseAppSettingsBody, parseWith } from '../../src/core/index.ts';

const messages = <T>(schema: s.Schema<T>, input: unknown): string[] => {
  const r = s.parse(schema, input);
  return r.ok ? [] : r.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('schema kit', () => {
  it('an unknown key does not stop the object’s own check', () => {
    const r = parseAppSettingsBody({ foo: 1 });
    expect(r.ok ? [] : r.errors.map((e) => e.field)).toEqual(['foo', '(body)']);
  });

  it('names every unknown key, each with its value', () => {
    const obj = s.object({ a: s.optional(s.string()) }, (code) => (code === 'unrecognized_keys' ? 'unknown' : 'an object'), true);
    const r = parseWith(obj, { b: 1, c: 2 });
    expect(r.ok ? [] : r.errors.map((e) => [e.field, e.value, e.allowed])).toEqual([['b', 1, 'unknown'], ['c', 2, 'unknown']]);
  });

  it('length checks still run after a wrong type; other checks do not', () => {
    expect(messages(s.string('a string', s.minLength(1, 'not empty')), [])).toEqual([': a string', ': not empty']);
    expect(messages(s.string('a string', s.regex(/x/, 'an x'), s.minLength(1, 'not empty')), 5)).toEqual([': a string']);
  });

  it('an array past its maximum is refused on length alone, its items unread', () => {
    expect(messages(dayListSchema, ['mon', 'bad', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'])).toEqual([
      ': an array of 1–7 different days, each "mon", "tue", "wed", "thu", "fri", "sat" or "sun"',
    ]);
    expect(messages(dayListSchema, ['mon', 'bad', 'mon'])).toEqual([`1: one of "mon", "tue", "wed", "thu", "fri", "sat", "sun"`]);
    expect(messages(dayListSchema, ['mon', 'tue', 'mon'])).toEqual(['2: repeated; each day at most once']);
  });

  it('a fraction stops a number’s later checks; an integer past 2^53 does not', () => {
    const n = s.number('a number', s.int('an integer'), s.min(0, 'not negative'));
    expect(messages(n, -1.5)).toEqual([': an integer']);
    expect(messages(n, -1e300)).toEqual([': an integer', ': not negative']);
    expect(messages(n, Number.NaN)).toEqual([': a number']);
  });

  it('a transform runs only on a value without issues', () => {
    let ran = 0;
    const t = s.transform(s.string('a string'), (v) => (ran++, v.length));
    expect(s.parse(t, 'abc')).toEqual({ ok: true, value: 3 });
    expect(messages(t, 3)).toEqual([': a string']);
    expect(ran).toBe(1);
  });

  it('speaks zod’s default wording where core gives none', () => {
    const wire = s.object({ a: s.optional(s.string()), n: s.optional(s.number(undefined, s.int(), s.min(0))) });
    expect(messages(wire, { a: null, n: 1.5 })).toEqual(['a: Invalid input: expected string, received null', 'n: Invalid input: expected int, received number']);
    expect(messages(wire, { n: -1 })).toEqual(['n: Too small: expected number to be >=0']);
    expect(messages(wire, [])).toEqual([': Invalid input: expected object, received array']);
  });

  it('picks a union option by its tag, and names the tag when none fits', () => {
    const u = s.discriminatedUnion('op', [s.object({ op: s.literal('a'), x: s.number('x') }, 'obj', true)], 'op must be "a"');
    expect(s.parse(u, { op: 'a', x: 1 })).toEqual({ ok: true, value: { op: 'a', x: 1 } });
    expect(messages(u, { op: 'b' })).toEqual(['op: op must be "a"']);
    expect(messages(u, 'a')).toEqual([': op must be "a"']);
  });

  it('copies a record without a __proto__ key', () => {
    const r = s.parse(s.record('an object'), JSON.parse('{"a":1,"__proto__":{"x":1}}'));
    expect(r.ok && Object.keys(r.value)).toEqual(['a']);
  });
});

describe('checkDuration', () => {
  // The rule as a number schema spelled it before it became plain code for the popup.
  const TYPE = 'an integer number of milliseconds from 0 to 604800000 (7 days)';
  const RANGE = 'must be from 0 to 604800000 ms (7 days); 0 clears it';
  const asSchema = s.number(TYPE, s.int(TYPE), s.min(0, RANGE), s.max(604_800_000, RANGE));

  it.each([0, 1, 604_800_000, -1, 604_800_001, 1.5, -1.5, 1e300, -1e300, Number.NaN, Number.POSITIVE_INFINITY, '5', null, undefined])(
    'reports %j as the number schema did, and durationSchema is the same check',
    (v) => {
      expect(checkDuration(v, 'd')).toEqual(parseWith(asSchema, v, 'd'));
      expect(parseWith(durationSchema, v, 'd')).toEqual(checkDuration(v, 'd'));
    },
  );

  it('names the field durationMs unless told another', () => {
    const r = checkDuration(-1);
    expect(r.ok ? [] : r.errors.map((e) => e.field)).toEqual(['durationMs']);
  });

  it('says what is allowed', () => {
    const r = checkDuration(-1, 'durationMs');
    expect(r.ok ? '' : r.errors[0]?.allowed).toBe('must be from 0 to 604800000 ms (7 days); 0 clears it');
  });
});
