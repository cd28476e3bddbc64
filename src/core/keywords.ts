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
/**
 * Before a hit: a letter or digit, possibly followed by combining marks (`e\u0301ship` is one
 * word; `❤\uFE0Fship` is not, the variation selector belongs to the emoji).
 */
const WORD_BEFORE = /[\p{L}\p{N}]\p{M}*$/u;
/** After a hit: a letter, digit or combining mark (a mark changes the keyword's last letter). */
const WORD_AFTER = /^[\p{L}\p{N}\p{M}]/u;
/** Enough code units before a hit to see a letter and the marks on it. */
const LOOK_BACK = 12;

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
      if ((i === 0 || !WORD_BEFORE.test(text.slice(Math.max(0, i - LOOK_BACK), i))) && (j === text.length || !WORD_AFTER.test(text.slice(j, j + 2))))
        return true;
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
