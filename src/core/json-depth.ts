/**
 * How deep a JSON text nests, read off the raw text without parsing it (SPEC 7: deeper than
 * 64 levels is refused). One pass, no recursion, so `[` × 10,000 costs what its length costs
 * and cannot exhaust a stack the way a recursive parser or validator would (#1).
 */

/** Deepest nesting SPEC 7 allows; the top-level value is level 1. */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \
const OPEN_ARRAY = 0x5b; // [
const OPEN_OBJECT = 0x7b; // {
const CLOSE_ARRAY = 0x5d; // ]
const CLOSE_OBJECT = 0x7d; // }

/**
 * True when `text` opens more than `max` arrays or objects inside one another, counting only
 * brackets outside strings (escaped quotes do not end a string). The top-level array or object
 * is level 1. Says nothing about whether the text is valid JSON.
 */
export function jsonDepthExceeds(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++; // skip the escaped character, whatever it is
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (++depth > max) return true;
    } else if ((c === CLOSE_ARRAY || c === CLOSE_OBJECT) && depth > 0) {
      depth--;
    }
  }
  return false;
}
