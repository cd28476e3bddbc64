// How a bad value appears in an error message (result.ts): JSON-like, at most 80 characters, and
// never an exception, whatever the input.
import { describe, expect, it } from 'vitest';
import { describeErrors, fieldError, showValue } from '../../src/core/index.ts';

const ones = (n: number) => Array.from({ length: n }, () => 1);

describe('showValue, exactly', () => {
  it.each([
    ['undefined, functions and symbols left out of objects, as JSON does', { a: undefined, b: () => 1, c: Symbol('x'), d: 1 }, '{"d":1}'],
    ['own keys only', Object.assign(Object.create({ x: 1 }), { y: 2 }), '{"y":2}'],
    ['an invalid date', new Date(NaN), 'Invalid Date'],
    ['a date', new Date(0), '"1970-01-01T00:00:00.000Z"'],
    ['a named function', function named() {}, '[function named]'],
    ['an anonymous function', (() => () => 1)(), '[function]'],
    ['a throwing getter, first', { get a() { throw new Error('no'); } }, '{…'],
    ['a throwing getter, after a key', { b: 1, get a() { throw new Error('no'); } }, '{"b":1…'],
    ['a string of exactly 80 characters as JSON', 'x'.repeat(78), `"${'x'.repeat(78)}"`],
    ['one character more is cut to 80 with "..."', 'x'.repeat(79), `"${'x'.repeat(76)}...`],
    ['an array of exactly 79 characters', ones(39), JSON.stringify(ones(39))],
    ['an array of 81 is cut', ones(40), `${JSON.stringify(ones(40)).slice(0, 77)}...`],
  ])('%s', (_what, value, shown) => {
    expect(showValue(value)).toBe(shown);
    expect(showValue(value).length).toBeLessThanOrEqual(80);
  });
});

describe('field errors', () => {
  it('a missing value says so instead of showing "undefined"', () => {
    expect(fieldError('f', undefined, 'a number')).toEqual({ field: 'f', value: undefined, allowed: 'a number', message: 'f is missing: a number' });
    expect(fieldError('f', null, 'a number').message).toBe('f null: a number');
  });

  it('several join into one line', () => {
    expect(describeErrors([fieldError('a', 1, 'x'), fieldError('b', 2, 'y')])).toBe('a 1: x; b 2: y');
  });
});
