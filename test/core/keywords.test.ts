// SPEC 1.7 keywords: any case, whole words in the Unicode sense, CJK anywhere.
import { describe, expect, it } from 'vitest';
import { compileKeywords, isCjkKeyword, keywordText, prepareMessage } from '../../src/core/index.ts';
import { message } from './fixtures.ts';

const cases: ReadonlyArray<readonly [string[], string, boolean]> = [
  // English, any case, punctuation and emoji around the word
  [['ship'], 'ship', true],
  [['ship'], 'Time to SHIP it', true],
  [['ship'], 'ship!', true],
  [['ship'], '(ship)', true],
  [['ship'], '"ship",', true],
  [['ship'], '🚀ship🎉', true],
  [['ship'], '❤️ship', true], // the variation selector belongs to the heart, not to a letter
  [['ship'], 'ship_it', true], // "_" is neither a letter nor a digit
  [['ship'], 'shipping', false],
  [['ship'], 'relationship', false],
  [['ship'], 'ñship', false],
  [['ship'], 'shipñ', false],
  [['ship'], 'ship2', false],
  [['ship'], '2ship', false],
  [['ship'], 'e\u0301ship', false], // é written with a combining accent is a letter before
  [['ship'], 'ship\u0301', false], // an accent on the p makes another word
  [['ship'], 'shipping ship', true], // a later hit counts
  [['ship'], 'sh ip', false],
  // the ASCII neighbours of digits and letters are not word characters; the digits and letters at
  // each end of their ranges are
  [['ship'], '/ship:', true],
  [['ship'], '@ship[', true],
  [['ship'], '`ship{', true],
  [['ship'], '0ship', false],
  [['ship'], 'ship9', false],
  [['ship'], 'aship', false],
  [['ship'], 'shipz', false],
  // letters outside the Basic Multilingual Plane (a surrogate pair) are letters too
  [['ship'], '\u{1D400}ship', false], // MATHEMATICAL BOLD CAPITAL A
  [['ship'], 'ship\u{1D400}', false],
  [['ship'], '\u{1D400}\u0301ship', false], // with a combining accent after it
  [['ship'], '\u{1F680}\u0301ship', true], // an accent on an emoji does not make it a letter
  [['ship'], '\u{1D7CE} ship', true], // MATHEMATICAL BOLD DIGIT ZERO, then a space
  [['ship'], '\u{20BFF}ship', false], // a Han letter whose low surrogate is the last one, 0xDFFF
  [['ship'], 'ship\u{10000}x', false], // LINEAR B SYLLABLE B008 A: its high surrogate is the first, 0xD800
  // letters past the surrogates (fullwidth), and a letter after the keyword with more text behind it
  [['ship'], '\uFF42\uFF42ship', false],
  [['ship'], 'ship\uFF42\uFF42', false],
  [['ship'], 'shipñx', false],
  // phrases
  [['ship it'], 'ok, SHIP IT now', true],
  [['ship it'], 'ship items', false],
  // German umlauts and ß
  [['Müller'], 'Frag Herrn MÜLLER.', true],
  [['müller'], 'Müllers Hund', false],
  [['über'], 'Das ist Über-cool', true],
  [['straße'], 'Die Straße ist zu', true],
  [['straße'], 'Hauptstraße', false],
  [['Müller'], 'Mu\u0308ller kommt', true], // decomposed ü in the text (NFD) is the same word
  // Chinese: anywhere
  [['紧急'], '这是紧急情况', true],
  [['紧急'], '紧急!', true],
  [['紧急'], '紧张', false],
  [['会议'], 'Meeting 会议室 at 3', true],
  // Japanese and Korean
  [['カタカナ'], 'これはカタカナです', true],
  [['회의'], '오늘회의있어요', true],
  // symbols inside the keyword
  [['c++'], 'I love C++.', true],
  [['c++'], 'abc++', false],
  // several keywords, one matches
  [['deploy', 'outage', '紧急'], 'big OUTAGE in eu-west', true],
  [['deploy', 'outage'], 'redeploy the outages', false],
  // digits
  [['42'], 'answer: 42.', true],
  [['42'], 'answer: 420', false],
];

describe('compileKeywords', () => {
  it.each(cases)('%j in %j → %s', (keywords, text, expected) => {
    const m = compileKeywords(keywords);
    expect(m.test(text)).toBe(expected);
    expect(m.testLower(keywordText(text))).toBe(expected);
  });

  it('no keywords never match', () => {
    const m = compileKeywords([]);
    expect(m.size).toBe(0);
    expect(m.test('anything')).toBe(false);
    expect(m.testLower('anything')).toBe(false);
  });

  it('trims and drops duplicates ignoring case', () => {
    expect(compileKeywords([' Deploy ', 'deploy', 'DEPLOY', '']).size).toBe(1);
  });

  it('keywords read body.msg of a txt message only, once per message (NFC, lower case)', () => {
    expect(prepareMessage(message({ type: 'txt', body: { msg: 'Mu\u0308LLER' } })).textLower).toBe('müller');
    expect(prepareMessage(message({ type: 'img', body: { msg: 'x' } })).textLower).toBeUndefined();
    expect(prepareMessage(message({ type: 'txt', body: { msg: 'hi' }, translations: [{ language: 'en', text: 'deploy' }] })).textLower).toBe('hi');
  });

  it('isCjkKeyword: Han, Hiragana, Katakana and Hangul', () => {
    for (const k of ['紧急', 'ひらがな', 'カタ', '회의', 'ok 会']) expect(isCjkKeyword(k), k).toBe(true);
    for (const k of ['ship', 'Müller', 'Привет', 'שלום']) expect(isCjkKeyword(k), k).toBe(false);
  });
});
