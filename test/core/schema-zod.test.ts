/**
 * Core's schema kit against zod 4 itself, on generated input (B6 replaced zod in core; the kit
 * keeps zod's parse rules, which core's messages were written against). For each shape core uses,
 * the same schema is built both ways and must give the same value, or the same issues: code,
 * path and message, in order. zod stays a server dependency, so the reference is at hand.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as s from '../../src/core/schema.ts';

type Outcome = { ok: true; value: unknown } | { ok: false; issues: { code: string; path: PropertyKey[]; message: string; keys?: readonly string[] }[] };

const ours = (schema: s.Schema<unknown>, input: unknown): Outcome => {
  const r = s.parse(schema, input);
  return r.ok ? { ok: true, value: r.value } : { ok: false, issues: r.issues.map((i) => ({ code: i.code, path: [...i.path], message: i.message, ...(i.keys ? { keys: i.keys } : {}) })) };
};

const zods = (schema: z.ZodType, input: unknown): Outcome => {
  const r = schema.safeParse(input);
  return r.success
    ? { ok: true, value: r.data }
    : { ok: false, issues: r.error.issues.map((i) => ({ code: i.code, path: [...i.path], message: i.message, ...('keys' in i ? { keys: i.keys as string[] } : {}) })) };
};

const tagged = (t: string, extra: s.Schema<unknown>) => s.object({ t: s.literal(t), x: extra }, undefined, true);

/** [name, ours, zod's]: every builder and check of the kit, with custom messages and with zod's defaults. */
const PAIRS: ReadonlyArray<readonly [string, s.Schema<unknown>, z.ZodType]> = [
  ['string, checks with messages', s.string('a string', s.minLength(2, 'min 2'), s.maxLength(4, 'max 4'), s.regex(/^[a-z]+$/, 'lower case')),
    z.string('a string').min(2, 'min 2').max(4, 'max 4').regex(/^[a-z]+$/, 'lower case')],
  ['string, default message', s.string(), z.string()],
  ['number, checks with messages', s.number('a number', s.int('an integer'), s.min(0, 'not negative'), s.max(10, 'at most 10')),
    z.number('a number').int('an integer').min(0, 'not negative').max(10, 'at most 10')],
  ['number, default messages', s.number(undefined, s.int(), s.min(-5), s.max(10)), z.number().int().min(-5).max(10)],
  ['number, exclusive minimum', s.number(undefined, s.min(0, undefined, true)), z.number().gt(0)],
  ['number, schema message for its checks', s.number('0 to 9', s.int(), s.min(0), s.max(9)), z.number({ error: '0 to 9' }).int({ error: '0 to 9' }).min(0, { error: '0 to 9' }).max(9, { error: '0 to 9' })],
  ['boolean', s.boolean('true or false'), z.boolean('true or false')],
  ['boolean, default message', s.boolean(), z.boolean()],
  ['enum', s.enumOf(['a', 'b'], 'a or b'), z.enum(['a', 'b'], 'a or b')],
  ['literal', s.literal('x'), z.literal('x')],
  ['optional', s.optional(s.string('text')), z.string('text').optional()],
  ['array with length checks', s.array(s.string('text'), 'a list', s.minLength(1, 'one or more'), s.maxLength(3, 'three at most')),
    z.array(z.string('text'), 'a list').min(1, 'one or more').max(3, 'three at most')],
  ['array of numbers', s.array(s.number('n', s.int('whole')), 'numbers'), z.array(z.number('n').int('whole'), 'numbers')],
  ['record', s.record('an object'), z.record(z.string(), z.unknown(), 'an object')],
  ['object', s.object({ a: s.string('a text'), b: s.optional(s.number('b number')) }, 'an object'),
    z.object({ a: z.string('a text'), b: z.number('b number').optional() }, 'an object')],
  ['object with a key that takes anything', s.object({ a: s.unknown() }), z.object({ a: z.unknown() })],
  ['strict object, default messages', s.object({ a: s.string() }, undefined, true), z.strictObject({ a: z.string() })],
  ['strict object, message', s.object({ a: s.optional(s.string()) }, 'only a', true), z.strictObject({ a: z.string().optional() }, 'only a')],
  ['discriminated union', s.discriminatedUnion('t', [tagged('a', s.number()), tagged('b', s.string())], 'tagged a or b'),
    z.discriminatedUnion('t', [z.strictObject({ t: z.literal('a'), x: z.number() }), z.strictObject({ t: z.literal('b'), x: z.string() })], 'tagged a or b')],
  ['transform that may refuse', s.transform(s.string('text'), (v, fail) => (v.length > 3 ? (fail('long'), v) : v.toUpperCase())),
    z.string('text').transform((v, ctx) => {
      if (v.length <= 3) return v.toUpperCase();
      ctx.addIssue({ code: 'custom', message: 'long' });
      return v;
    })],
  ['transform of a strict object', s.transform(s.object({ a: s.number() }, 'obj', true), (v) => v.a),
    z.strictObject({ a: z.number() }, 'obj').transform((v) => v.a)],
  ['transform, then a check on its result', s.transform(s.string('t', s.minLength(3, 'min 3')), (v) => v.length, s.refine((n: number) => n < 5, 'under 5')),
    z.string('t').min(3, 'min 3').transform((v) => v.length).refine((n) => n < 5, 'under 5')],
  ['refine', s.number('n', s.refine((v: number) => v % 2 === 0, 'even')), z.number('n').refine((v) => v % 2 === 0, 'even')],
  ['superRefine', s.array(s.number(), 'list', s.superRefine((v: number[], add) => v.forEach((x, i) => x < 0 && add('negative', [i])))),
    z.array(z.number(), 'list').superRefine((v, ctx) => v.forEach((x, i) => x < 0 && ctx.addIssue({ code: 'custom', message: 'negative', path: [i] })))],
  // Checks after a failed one: each check's issue lets the later checks run (zod's `continue`).
  ['number, every check runs after a failed one', s.number('n', s.min(0, '≥ 0'), s.max(10, '≤ 10'), s.refine((v: number) => v % 2 === 0, 'even'), s.refine((v: number) => v % 3 === 0, 'three')),
    z.number('n').min(0, '≥ 0').max(10, '≤ 10').refine((v) => v % 2 === 0, 'even').refine((v) => v % 3 === 0, 'three')],
  ['string, a check after a failed pattern', s.string('t', s.regex(/^[a-z]*$/, 'lower case'), s.refine((v: string) => v.length % 2 === 0, 'even length')),
    z.string('t').regex(/^[a-z]*$/, 'lower case').refine((v) => v.length % 2 === 0, 'even length')],
  ['array, a length check after a failed superRefine; an issue without a path', s.array(s.number(), 'list', s.superRefine((v: number[], add) => {
    if (v.some((x) => x < 0)) add('negative');
  }), s.maxLength(2, 'two at most')),
    z.array(z.number(), 'list').superRefine((v, ctx) => {
      if (v.some((x) => x < 0)) ctx.addIssue({ code: 'custom', message: 'negative' });
    }).max(2, 'two at most')],
  // A message per issue code.
  ['strict object, a message per issue code', s.object({ a: s.string() }, (code) => `object ${code}`, true),
    z.strictObject({ a: z.string() }, { error: (iss) => (iss.code === 'invalid_type' && iss.path?.length ? undefined : `object ${iss.code}`) })],
  // A transform runs past an unknown key, so its own refusal is reported too.
  ['transform of a strict object that refuses', s.transform(s.object({ a: s.number() }, 'obj', true), (v, fail) => (v.a < 0 && fail('negative'), v.a)),
    z.strictObject({ a: z.number() }, 'obj').transform((v, ctx) => {
      if (v.a < 0) ctx.addIssue({ code: 'custom', message: 'negative' });
      return v.a;
    })],
  ['discriminated union tagged by a transform', s.discriminatedUnion('t', [s.object({ t: s.transform(s.literal('a'), (v) => v), x: s.number() }, undefined, true)], 'tag a'),
    z.discriminatedUnion('t', [z.strictObject({ t: z.literal('a').transform((v) => v), x: z.number() })], 'tag a')],
];

const scalar = fc.oneof(
  fc.string({ maxLength: 6 }), fc.constantFrom('a', 'b', 'x', 'ab', 'abcd', 'abcde', 'AB', '', '😀😀'),
  fc.integer({ min: -12, max: 12 }), fc.double(), fc.constantFrom(0.5, -0.5, 2 ** 53, -(2 ** 53), 1e300, -1e300, NaN, Infinity),
  fc.boolean(), fc.constant(null), fc.constant(undefined),
);
const input = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 5 }),
  fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 5 }),
  fc.record({ a: scalar, b: scalar, t: fc.constantFrom('a', 'b', 'c'), x: scalar, extra: scalar, other: scalar }, { requiredKeys: [] }),
  fc.anything({ maxDepth: 2, withNullPrototype: true, withDate: true, withMap: true, withSet: true, withBoxedValues: true, withTypedArray: true }),
  // An own "__proto__" key, as JSON.parse makes it: never copied, never an unknown key.
  fc.constantFrom(JSON.parse('{"__proto__": {"a": 1}, "b": 2}'), JSON.parse('{"a": "ab", "__proto__": 1}'), Object.create({ a: 'inherited' })),
  // Symbol keys: a record refuses them by name.
  fc.constantFrom({ [Symbol('s')]: 1, a: 'x' }, { [Symbol.iterator]: 2 }),
);

describe('schema kit ≡ zod 4', () => {
  it.each(PAIRS)('%s', (_name, kit, reference) => {
    fc.assert(fc.property(input, (v) => {
      expect(ours(kit, v)).toStrictEqual(zods(reference, v));
    }), { numRuns: 400 });
  });
});

describe('schema kit, beyond what zod is compared on', () => {
  it('a record copies an own "__proto__" key into neither the keys nor the prototype of its value', () => {
    const r = s.parse(s.record('an object'), JSON.parse('{"__proto__": {"polluted": 1}, "b": 2}'));
    expect(r.ok && Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect(r.ok && (r.value as { polluted?: number }).polluted).toBeUndefined();
  });
});
