/** Cutting text on grapheme boundaries: the edges where a limit is met exactly (mutation survivors of text.ts). */
import { describe, expect, it } from 'vitest';
import { cutText, jsonBytes, prefixWithin } from '../../src/core/text.ts';

const THUMB = '👍'; // one grapheme, two UTF-16 units, 4 UTF-8 bytes
const FAMILY = '👨‍👩‍👧'; // one grapheme, eight UTF-16 units

describe('cutText', () => {
  it('keeps a text of exactly maxChars graphemes even when it is longer in UTF-16 units', () => {
    expect(cutText(THUMB + THUMB, 2)).toBe(THUMB + THUMB);
    expect(cutText(THUMB + THUMB + THUMB, 2)).toBe(`${THUMB}…`);
  });

  it('keeps a text of exactly maxBytes bytes, and cuts one byte over', () => {
    expect(jsonBytes(THUMB + THUMB)).toBe(8);
    expect(cutText(THUMB + THUMB, 10, 8)).toBe(THUMB + THUMB);
    // Past the fast path (4 UTF-16 units > 3) with 2 graphemes and exactly 8 bytes.
    expect(cutText(THUMB + THUMB, 3, 8)).toBe(THUMB + THUMB);
    expect(cutText(THUMB + THUMB, 10, 7)).toBe(`${THUMB}…`);
  });

  it('leaves only the ellipsis when a limit has room for it alone, and nothing below that', () => {
    expect(cutText('hello', 1)).toBe('…');
    expect(cutText('hello', 0)).toBe('');
    expect(cutText('hello', 10, 3)).toBe('…');
    expect(cutText('hello', 10, 2)).toBe('');
  });

  it('never splits a grapheme', () => {
    expect(cutText(`ab${FAMILY}cd`, 3)).toBe('ab…');
    expect(cutText(`ab${FAMILY}cd`, 4)).toBe(`ab${FAMILY}…`);
  });
});

describe('prefixWithin', () => {
  it('is the longest grapheme-aligned prefix within the UTF-16 budget', () => {
    expect(prefixWithin(`a${THUMB}b`, 4)).toBe(`a${THUMB}b`);
    expect(prefixWithin(`a${THUMB}b`, 3)).toBe(`a${THUMB}`);
    expect(prefixWithin(`a${THUMB}b`, 2)).toBe('a');
    expect(prefixWithin(`a${THUMB}b`, 1)).toBe('a');
    expect(prefixWithin(`a${THUMB}b`, 0)).toBe('');
  });

  it('drops a grapheme that would not fit whole, even a long one', () => {
    expect(prefixWithin(`x${FAMILY}y`, 8)).toBe('x');
    expect(prefixWithin(`x${FAMILY}y`, 9)).toBe(`x${FAMILY}`);
  });
});
