// #1, SPEC 7: JSON nested deeper than 64 levels is refused before anything parses or walks it,
// and the error formatter survives the worst input it may be asked to show.
import { describe, expect, it } from 'vitest';
import { fieldError, jsonDepthExceeds, MAX_JSON_DEPTH, showValue } from '../../src/core/index.ts';

const nested = (n: number, open = '[', close = ']') => open.repeat(n) + close.repeat(n);

describe('jsonDepthExceeds', () => {
  it('the top-level value is level 1: 64 levels pass, 65 do not', () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    expect(jsonDepthExceeds(nested(64))).toBe(false);
    expect(jsonDepthExceeds(nested(65))).toBe(true);
    expect(jsonDepthExceeds('{"a":'.repeat(64) + '1' + '}'.repeat(64))).toBe(false);
    expect(jsonDepthExceeds('{"a":'.repeat(65) + '1' + '}'.repeat(65))).toBe(true);
    expect(jsonDepthExceeds('[{"a":[{}]}]', 4)).toBe(false);
    expect(jsonDepthExceeds('[{"a":[{}]}]', 3)).toBe(true);
  });

  it('scalars and siblings do not add depth', () => {
    expect(jsonDepthExceeds('1', 1)).toBe(false);
    expect(jsonDepthExceeds('"x"', 0)).toBe(false);
    expect(jsonDepthExceeds('[[1],[2],[3],{"a":1}]', 2)).toBe(false);
    expect(jsonDepthExceeds(`[${'[],'.repeat(10_000)}[]]`, 2)).toBe(false);
  });

  it('brackets inside strings, and escaped quotes, do not count', () => {
    expect(jsonDepthExceeds(`["${'['.repeat(100)}"]`, 1)).toBe(false);
    expect(jsonDepthExceeds(`{"k\\"${'{'.repeat(100)}":1}`, 1)).toBe(false);
    expect(jsonDepthExceeds(`["a\\\\",${nested(2)}]`, 2)).toBe(true); // the string ends after \\
    expect(jsonDepthExceeds(`["\\u005b\\"[", []]`, 2)).toBe(false);
  });

  it('a closing bracket of either kind ends a level; one with nothing open is ignored', () => {
    expect(jsonDepthExceeds('{}{}{}', 1)).toBe(false);
    expect(jsonDepthExceeds('[][][]', 1)).toBe(false);
    expect(jsonDepthExceeds(']]]][[', 1)).toBe(true);
    expect(jsonDepthExceeds('}}}}{{', 1)).toBe(true);
  });

  // A million levels overflow any recursive walk, and a quadratic one (~10^12 steps) cannot end
  // within the test's timeout; no wall-clock bound, which a loaded machine would break.
  it('10,000 levels are found in linear time, without recursion', () => {
    expect(jsonDepthExceeds(nested(10_000))).toBe(true);
    expect(jsonDepthExceeds(nested(1_000_000, '{"a":', '}'))).toBe(true);
    expect(jsonDepthExceeds('[1,'.repeat(500_000) + '1' + ']'.repeat(500_000), 1_000_000)).toBe(false);
  }, 60_000); // instrumented for mutation testing, the 3 MB walks take tens of seconds
});

describe('showValue, the value in error messages', () => {
  it('shows plain data as JSON, unchanged', () => {
    expect(showValue('24:0-1:0')).toBe('"24:0-1:0"');
    expect(showValue({ a: 1, b: [true, null] })).toBe('{"a":1,"b":[true,null]}');
    expect(showValue(undefined)).toBe('undefined');
    expect(fieldError('ignoreInterval', '24:0-1:0', 'hours must be 0–23').message).toBe('ignoreInterval "24:0-1:0": hours must be 0–23');
  });

  it.each([[Number.NaN, 'NaN'], [Number.POSITIVE_INFINITY, 'Infinity'], [Number.NEGATIVE_INFINITY, '-Infinity'], [-0, '-0']])('shows %s as %s, not null', (v, text) => {
    expect(showValue(v)).toBe(text);
    expect(showValue({ d: v })).toBe(`{"d":${text}}`);
  });

  it('shows a deep value as a short JSON-like preview, without throwing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const text = showValue(deep);
    expect(text.startsWith('{"a":{"a":')).toBe(true);
    expect(text.endsWith('...')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(80);
    expect(text).not.toContain('[object Object]');
    expect(showValue(JSON.parse(nested(10_000)))).toMatch(/^\[\[\[+\.\.\.$/);
  });

  it('survives cycles, throwing getters, proxies, bigints and symbols', () => {
    const cyclic: Record<string, unknown> = { x: 1 };
    cyclic.self = cyclic;
    expect(showValue(cyclic)).toBe('{"x":1,"self":[Circular]}');
    const hostile = { ok: 1, get bad(): never { throw new Error('boom'); } };
    expect(() => showValue(hostile)).not.toThrow();
    expect(showValue(hostile)).toContain('{"ok":1');
    const proxy = new Proxy({}, { ownKeys() { throw new Error('no'); } });
    expect(() => showValue(proxy)).not.toThrow();
    expect(showValue(10n)).toBe('10n');
    expect(showValue(Symbol('s'))).toBe('Symbol(s)');
    expect(showValue([1, () => 1])).toBe('[1,[function]]');
  });

  it('cuts long values to 80 characters on a grapheme boundary', () => {
    const text = showValue('👨‍👩‍👧‍👦'.repeat(100));
    expect(text.length).toBeLessThanOrEqual(80);
    expect(text.endsWith('👨‍👩‍👧‍👦...')).toBe(true);
    expect(showValue('x'.repeat(10_000_000)).length).toBe(80);
    expect(showValue(Array.from({ length: 1_000_000 }, (_, i) => i))).toMatch(/^\[0,1,2,.*\.\.\.$/);
  });
});
