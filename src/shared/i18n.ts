/**
 * Localised strings from `_locales/<lang>/messages.json`. Inside the extension `chrome.i18n`
 * answers (in pages and in the service worker alike); in unit tests (no extension) the English
 * file is read directly so text stays real.
 */
import enFile from '../../assets/_locales/en/messages.json' with { type: 'json' };

export type Messages = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;

// Only unit tests carry the English file: built pages have chrome.i18n, and the file was the
// largest part of each page's bundle (~6 KB gzip; B6, #12). A built page without it shows keys.
const en: Messages = import.meta.env.MODE === 'test' ? (enFile as Messages) : {};

interface I18nApi {
  getMessage(key: string, substitutions?: string | string[]): string;
  getUILanguage(): string;
}

function api(): I18nApi | undefined {
  const c = (globalThis as { chrome?: { i18n?: I18nApi } }).chrome;
  return c?.i18n && typeof c.i18n.getMessage === 'function' ? c.i18n : undefined;
}

/** Applies `$1`… and named placeholders the way chrome.i18n does, for the fallback path. */
function substitute(entry: Messages[string], subs: string[]): string {
  let text = entry.message;
  for (const [name, ph] of Object.entries(entry.placeholders ?? {})) {
    const value = ph.content.replace(/\$(\d)/g, (_, d: string) => subs[Number(d) - 1] ?? '');
    text = text.replace(new RegExp(`\\$${name}\\$`, 'gi'), value);
  }
  return text.replace(/\$(\d)/g, (_, d: string) => subs[Number(d) - 1] ?? '');
}

/** The message for `key`; the key itself if it is missing (visible in review, never a blank). */
export function t(key: string, substitutions?: string | string[]): string {
  const subs = substitutions === undefined ? [] : Array.isArray(substitutions) ? substitutions : [substitutions];
  const i18n = api();
  if (i18n) {
    try {
      const text = i18n.getMessage(key, subs);
      if (text) return text;
    } catch {
      // Test fakes of chrome.i18n throw "not implemented": use the bundled English below.
    }
  }
  const entry = en[key];
  return entry ? substitute(entry, subs) : key;
}

/** A lookup over one catalogue, like `t` (tests word things in zh_CN with it). */
export type Translate = (key: string, substitutions?: string | string[]) => string;

/** `t` over the given messages.json contents instead of the browser's. */
export function catalogue(messages: Messages): Translate {
  return (key, substitutions) => {
    const subs = substitutions === undefined ? [] : Array.isArray(substitutions) ? substitutions : [substitutions];
    const entry = messages[key];
    return entry ? substitute(entry, subs) : key;
  };
}

/**
 * The message `key` in the plural form for `n` ("bgSummaryMessages_one" / "_other"), chosen by
 * Intl.PluralRules in `locale`; `_other` when the language has no key for its category.
 */
export function plural(key: string, n: number, locale: string = uiLanguage(), tr: Translate = t): string {
  let category = 'other';
  try {
    category = new Intl.PluralRules(locale).select(n);
  } catch {
    // An unknown locale: "other" is every language's fallback form.
  }
  const text = tr(`${key}_${category}`, String(n));
  return text === `${key}_${category}` ? tr(`${key}_other`, String(n)) : text;
}

/** The UI language ("en", "zh-CN", ...), for number and date formatting. */
export function uiLanguage(): string {
  try {
    return api()?.getUILanguage() ?? 'en';
  } catch {
    return 'en';
  }
}
