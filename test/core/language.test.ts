// SPEC 1.5: push languages are Azure Translator codes, case-insensitive, stored in Azure's spelling.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findLanguage, parseLanguage, PUSH_LANGUAGES, suggestLanguages } from '../../src/core/index.ts';
import { expectFieldError, okValue } from './fixtures.ts';

describe('PUSH_LANGUAGES', () => {
  it('holds the 135 codes of the shared Azure list', () => {
    const shared = JSON.parse(readFileSync('/work/shared/data/azure_translator_languages.json', 'utf8')) as unknown;
    expect(PUSH_LANGUAGES).toHaveLength(135);
    const codes = PUSH_LANGUAGES.map((l) => l.code);
    expect(new Set(codes).size).toBe(135);
    expect(JSON.stringify(shared)).toContain('"zh-Hans"');
    for (const code of ['en', 'zh-Hans', 'zh-Hant', 'fr-CA', 'eu', 'pt-PT']) expect(codes).toContain(code);
  });
});

describe('the short list core validates with', () => {
  it('is the shared list’s codes and English names (else run node scripts/sync-languages.mjs)', () => {
    const copy = JSON.parse(readFileSync(new URL('../../src/core/azure-languages.json', import.meta.url), 'utf8')) as { languages: { code: string; name: string }[] };
    expect(PUSH_LANGUAGES).toEqual(copy.languages.map(({ code, name }) => ({ code, name })));
  });
});

describe('parseLanguage', () => {
  it.each([
    ['en', 'en'],
    ['EN', 'en'],
    ['zh-hans', 'zh-Hans'],
    ['ZH-HANS', 'zh-Hans'],
    ['fr-ca', 'fr-CA'],
    [' eu ', 'eu'],
    ['', ''],
  ])('%j → %j (Azure spelling)', (input, code) => {
    expect(okValue(parseLanguage(input))).toBe(code);
  });

  it('an unknown code names close matches: zh-CN → zh-Hans', () => {
    const e = expectFieldError(parseLanguage('zh-CN'), 'translationLanguage', 'zh-CN', 'unknown language code');
    expect(e.allowed).toContain('did you mean "zh-Hans"');
    expect(e.allowed).toContain('"zh-Hant"');
    expect(e.allowed).toContain('135 Microsoft Translator codes');
  });

  it.each([
    ['pt-BR', 'pt'],
    ['english', 'en'],
    ['fr-FR', 'fr'],
  ])('%s suggests %s', (code, suggestion) => {
    expect(suggestLanguages(code)).toContain(suggestion);
    const e = expectFieldError(parseLanguage(code), 'translationLanguage', code, 'unknown language code');
    expect(e.allowed).toContain(`"${suggestion}"`);
  });

  it.each([
    ['zh', ['zh-Hans', 'zh-Hant']],
    ['sr', ['sr-Cyrl', 'sr-Latn']],
    ['mn', ['mn-Cyrl', 'mn-Mong']],
    ['ZH', ['zh-Hans', 'zh-Hant']],
    ['tlh', ['tlh-Latn', 'tlh-Piqd']],
    ['sr-RS', ['sr-Cyrl', 'sr-Latn']],
  ])('a bare language %s suggests its script variants first', (code, variants) => {
    expect(suggestLanguages(code).slice(0, variants.length).sort()).toEqual(variants);
    const e = expectFieldError(parseLanguage(code), 'translationLanguage', code, 'unknown language code');
    for (const v of variants) expect(e.allowed).toContain(`"${v}"`);
  });

  it('a code with nothing close still says what is allowed', () => {
    const e = expectFieldError(parseLanguage('qqqqqqqqqq'), 'translationLanguage', 'qqqqqqqqqq', 'unknown language code');
    expect(e.allowed).toContain('or "" for none');
  });

  it.each([5, null, undefined, ['en']])('refuses the non-string %j', (v) => {
    expectFieldError(parseLanguage(v, 'language'), 'language', v, 'a Microsoft Translator language code');
  });

  it('findLanguage is case-insensitive and gives names', () => {
    expect(findLanguage('ZH-hant')).toMatchObject({ code: 'zh-Hant' });
    expect(findLanguage('xx')).toBeUndefined();
  });

  it('suggestLanguages returns at most `limit` codes, all known', () => {
    const s = suggestLanguages('zz', 3);
    expect(s.length).toBeLessThanOrEqual(3);
    for (const c of s) expect(findLanguage(c)).toBeDefined();
  });
});

describe('suggestLanguages, the whole ranking', () => {
  // Pinned lists: same base first, then fewest edits, then code order; a name's start counts as
  // close for a query of three letters or more; at most five.
  it.each([
    ['zh-CN', ['zh-Hans', 'zh-Hant']],
    ['pt-br', ['pt-PT', 'pt']],
    ['fre', ['fr', 'fr-CA', 'ar', 'brx', 'de']],
    ['eng', ['en', 'bg', 'bn', 'el', 'es']],
    ['german', ['de']],
    ['ge', ['de', 'ga', 'gl', 'gu', 'he']], // two letters are a code, not the start of a name (Georgian)
    ['spanish', ['es']],
    [' DE ', ['de', 'da', 'dv', 'he', 'ne']],
    ['tlh-latn', ['tlh-Latn', 'tlh-Piqd', 'iu-Latn', 'sr-Latn']],
    ['qqqqqqqqqq', []],
  ])('%j → %j', (code, expected) => {
    expect(suggestLanguages(code)).toEqual(expected);
  });

  it('says the suggestions in order, quoted and comma-separated, or none at all', () => {
    expect(expectFieldError(parseLanguage('zh-CN'), 'translationLanguage', 'zh-CN', '').allowed).toBe(
      'unknown language code; did you mean "zh-Hans", "zh-Hant"? (one of the 135 Microsoft Translator codes, or "" for none)',
    );
    expect(expectFieldError(parseLanguage('qqqqqqqqqq'), 'translationLanguage', 'qqqqqqqqqq', '').allowed).toBe(
      'unknown language code (one of the 135 Microsoft Translator codes, or "" for none)',
    );
  });
});

