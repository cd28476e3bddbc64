/**
 * Push languages: Microsoft Azure Translator codes (SPEC 1.5). Core holds each code and its
 * English name (for suggestions); native names are the options page's, read from the shared
 * list itself (azure-languages.json), so they stay out of the SDK and the popup (B6).
 */
import { LANGUAGE_LIST } from './language-list.ts';
import { fail, ok, type Result } from './result.ts';

export interface PushLanguage {
  readonly code: string;
  /** English name. */
  readonly name: string;
}

/** All 135 Azure Translator languages, in Azure's spelling. */
export const PUSH_LANGUAGES: readonly PushLanguage[] = /* @__PURE__ */ LANGUAGE_LIST.map(([code, name]) => ({ code, name }));

let byLower: Map<string, PushLanguage> | undefined;

/** Looks a code up case-insensitively. */
export function findLanguage(code: string): PushLanguage | undefined {
  byLower ??= new Map(PUSH_LANGUAGES.map((l) => [l.code.toLowerCase(), l]));
  return byLower.get(code.toLowerCase());
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}

/**
 * Up to five known codes close to `code`: every variant of the same base language first
 * (`zh` → `zh-Hans`, `zh-Hant`; `sr-RS` → `sr-Cyrl`, `sr-Latn`), then by spelling, then by name.
 */
export function suggestLanguages(code: string, limit = 5): string[] {
  const q = code.toLowerCase().trim();
  const base = q.split(/[-_]/)[0] ?? q;
  const scored = PUSH_LANGUAGES.map((l) => {
    const c = l.code.toLowerCase();
    // A script or region variant is a long way from a bare code by spelling (zh → zh-hans is
    // 5 edits) yet the likeliest meaning, so it ranks ahead of short look-alikes (#12).
    const sameBase = c.split('-')[0] === base;
    let score = editDistance(q, c);
    if (base.length > 2 && l.name.toLowerCase().startsWith(base)) score -= 4;
    return { code: l.code, sameBase, score };
  });
  return scored
    .filter((s) => s.sameBase || s.score <= Math.max(2, Math.floor(q.length / 2)))
    .sort((a, b) => Number(b.sameBase) - Number(a.sameBase) || a.score - b.score || a.code.localeCompare(b.code))
    .slice(0, limit)
    .map((s) => s.code);
}

/** Validates a push language: "" (no preference) or a known code, returned in Azure's spelling. */
export function parseLanguage(value: unknown, field = 'translationLanguage'): Result<string> {
  if (typeof value !== 'string') return fail(field, value, 'a Microsoft Translator language code such as "en" or "zh-Hans", or "" for none');
  const trimmed = value.trim();
  if (trimmed === '') return ok('');
  const found = findLanguage(trimmed);
  if (found) return ok(found.code);
  const close = suggestLanguages(trimmed);
  const hint = close.length > 0 ? `; did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : '';
  return fail(field, value, `unknown language code${hint} (one of the ${PUSH_LANGUAGES.length} Microsoft Translator codes, or "" for none)`);
}
