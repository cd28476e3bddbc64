/**
 * Keyword mentions (SPEC 1.7): a keyword matches the message text case-insensitively where no
 * letter or digit stands directly before or after it; a keyword holding a CJK character matches
 * anywhere (those scripts put no spaces between words).
 */

/** A recipient's keywords compiled once; `test` runs on each message text. */
export interface KeywordMatcher {
  /** Number of keywords; 0 never matches. */
  readonly size: number;
  test(text: string): boolean;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
/**
 * Before: no letter or digit, nor a combining mark attached to one (`e\u0301ship` is one word;
 * `❤\uFE0Fship` is not: the variation selector belongs to the emoji).
 * After: no letter, digit or combining mark (a mark right after the keyword changes its last letter).
 */
const BEFORE = '(?<![\\p{L}\\p{N}]\\p{M}*)';
const AFTER = '(?![\\p{L}\\p{N}\\p{M}])';

const NEVER: KeywordMatcher = Object.freeze({ size: 0, test: () => false });

function escape(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/** True when the keyword holds a Han, Hiragana, Katakana or Hangul character. */
export function isCjkKeyword(keyword: string): boolean {
  return CJK.test(keyword);
}

/**
 * Compiles keywords into one regular expression (case-insensitive, Unicode). Compile once per
 * recipient and reuse it for every message: see `prepareRecipient`.
 */
export function compileKeywords(keywords: readonly string[]): KeywordMatcher {
  const words = keywords.map((k) => k.trim().normalize('NFC')).filter((k) => k !== '');
  if (words.length === 0) return NEVER;
  // Longest first, so a phrase is tried before a keyword that starts it.
  const byLength = (a: string, b: string) => b.length - a.length;
  const bounded = words.filter((k) => !isCjkKeyword(k)).sort(byLength).map(escape);
  const anywhere = words.filter(isCjkKeyword).sort(byLength).map(escape);
  const parts: string[] = [];
  if (bounded.length > 0) parts.push(`${BEFORE}(?:${bounded.join('|')})${AFTER}`);
  if (anywhere.length > 0) parts.push(`(?:${anywhere.join('|')})`);
  const re = new RegExp(parts.join('|'), 'iu');
  return Object.freeze({ size: words.length, test: (text: string) => re.test(text) });
}
