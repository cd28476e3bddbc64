/**
 * Cutting text for people: on grapheme boundaries (a family emoji, a flag or an accented letter
 * is one character to a reader), within a count of characters and a budget of UTF-8 bytes.
 * Intl.Segmenter is in Node 20 and every browser the extension supports.
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const encoder = new TextEncoder();
const ELLIPSIS = '…';
const ELLIPSIS_BYTES = 3;

/** UTF-8 bytes of `text` inside a JSON string (escapes included, quotes not). */
export function jsonBytes(text: string): number {
  return encoder.encode(JSON.stringify(text)).length - 2;
}

/**
 * `text` itself when it has at most `maxChars` graphemes and `maxBytes` JSON bytes; otherwise
 * its longest grapheme-aligned prefix that fits with a trailing "…" (counted in both limits).
 */
export function cutText(text: string, maxChars: number, maxBytes = Number.POSITIVE_INFINITY): string {
  if (text.length <= maxChars && (maxBytes === Number.POSITIVE_INFINITY || jsonBytes(text) <= maxBytes)) return text;
  let chars = 0;
  let bytes = 0;
  /** End (in UTF-16 units) of the longest prefix that leaves room for the ellipsis. */
  let cutAt = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    chars += 1;
    bytes += jsonBytes(segment);
    if (chars > maxChars || bytes > maxBytes) {
      return maxChars < 1 || maxBytes < ELLIPSIS_BYTES ? '' : text.slice(0, cutAt) + ELLIPSIS;
    }
    if (chars <= maxChars - 1 && bytes <= maxBytes - ELLIPSIS_BYTES) cutAt = index + segment.length;
  }
  return text;
}

/** The longest grapheme-aligned prefix of `text` with at most `maxUnits` UTF-16 code units. */
export function prefixWithin(text: string, maxUnits: number): string {
  if (text.length <= maxUnits) return text;
  let end = 0;
  for (const { segment, index } of graphemes.segment(text)) {
    if (index + segment.length > maxUnits) break;
    end = index + segment.length;
  }
  return text.slice(0, end);
}
