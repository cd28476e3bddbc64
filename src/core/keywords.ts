/**
 * Keyword mentions (SPEC 1.7): a keyword matches the message text case-insensitively where no
 * letter or digit stands directly before or after it; a keyword holding a CJK character matches
 * anywhere (those scripts put no spaces between words).
 *
 * Matching is `indexOf` on lower-cased text (the message is lower-cased once, not once per
 * recipient), with the boundary checked only around a hit: far cheaper than a Unicode regular
 * expression with look-behind tried at every position.
 */

/** A recipient's keywords compiled once; reuse it for every message. */
export interface KeywordMatcher {
  /** Number of keywords; 0 never matches. */
  readonly size: number;
  /** Does any keyword match `text` (any case)? */
  test(text: string): boolean;
  /** The same, for text already passed through `keywordText` (PreparedMessage.textLower). */
  testLower(lowerText: string): boolean;
}

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const MARK = /^\p{M}$/u;
const LETTER_DIGIT_OR_MARK = /^[\p{L}\p{N}\p{M}]$/u;

/** A digit or a lower-case letter: the text is lower-cased first (`keywordText`), so A–Z never occur. */
function asciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122);
}

/**
 * Is there a word character right before index `i`: a letter or digit, possibly followed by
 * combining marks (`e\u0301ship` is one word; `❤\uFE0Fship` is not, the variation selector
 * belongs to the emoji)? ASCII is answered without a regular expression.
 */
function wordBefore(text: string, i: number): boolean {
  let j = i;
  while (j > 0) {
    const c = text.charCodeAt(j - 1);
    if (c < 128) return asciiAlnum(c);
    const start = c >= 0xdc00 && c <= 0xdfff && j >= 2 ? j - 2 : j - 1;
    const ch = text.slice(start, j);
    if (!MARK.test(ch)) return LETTER_OR_DIGIT.test(ch);
    j = start;
  }
  return false;
}

/** Is there a letter, digit or combining mark at index `j` (a mark changes the keyword's last letter)? */
function wordAfter(text: string, j: number): boolean {
  if (j >= text.length) return false;
  const c = text.charCodeAt(j);
  if (c < 128) return asciiAlnum(c);
  const end = c >= 0xd800 && c <= 0xdbff ? j + 2 : j + 1;
  return LETTER_DIGIT_OR_MARK.test(text.slice(j, end));
}

/** True when the keyword holds a Han, Hiragana, Katakana or Hangul character. */
export function isCjkKeyword(keyword: string): boolean {
  return CJK.test(keyword);
}

/** The form both keywords and message text are compared in: NFC, lower case. */
export function keywordText(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

interface Compiled {
  readonly word: string;
  readonly anywhere: boolean;
}

function matchesLower(words: readonly Compiled[], text: string): boolean {
  for (let k = 0; k < words.length; k++) {
    const { word, anywhere } = words[k]!;
    let from = 0;
    for (;;) {
      const i = text.indexOf(word, from);
      if (i < 0) break;
      if (anywhere) return true;
      const j = i + word.length;
      if (!wordBefore(text, i) && !wordAfter(text, j)) return true;
      from = i + 1;
    }
  }
  return false;
}

const NEVER: KeywordMatcher = Object.freeze({ size: 0, test: () => false, testLower: () => false });

/** Compiles keywords once per recipient: see `prepareRecipient`, which caches it with the settings. */
export function compileKeywords(keywords: readonly string[]): KeywordMatcher {
  const words: Compiled[] = [];
  const seen = new Set<string>();
  for (const k of keywords) {
    const word = keywordText(k.trim());
    if (word === '' || seen.has(word)) continue;
    seen.add(word);
    words.push({ word, anywhere: isCjkKeyword(word) });
  }
  if (words.length === 0) return NEVER;
  return Object.freeze({
    size: words.length,
    test: (text: string) => matchesLower(words, keywordText(text)),
    testLower: (lowerText: string) => matchesLower(words, lowerText),
  });
}
