/** The extension's own UI strings, so tests find buttons by what the user reads without copying texts. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './server.ts';

type Catalog = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;
const catalogs = new Map<string, Catalog>();

function catalog(locale: string): Catalog {
  let c = catalogs.get(locale);
  if (!c) {
    c = JSON.parse(readFileSync(join(ROOT, 'assets/_locales', locale, 'messages.json'), 'utf8')) as Catalog;
    catalogs.set(locale, c);
  }
  return c;
}

/** A message as chrome.i18n would render it (named placeholders and $1… substituted). */
export function msg(key: string, subs: readonly string[] = [], locale = 'en'): string {
  const entry = catalog(locale)[key];
  if (!entry) throw new Error(`no message "${key}" in assets/_locales/${locale}/messages.json`);
  let text = entry.message;
  for (const [name, ph] of Object.entries(entry.placeholders ?? {})) {
    const content = ph.content.replace(/\$(\d)/g, (_, n: string) => subs[Number(n) - 1] ?? '');
    text = text.replace(new RegExp(`\\$${name}\\$`, 'gi'), content);
  }
  return text.replace(/\$(\d)/g, (_, n: string) => subs[Number(n) - 1] ?? '').replace(/\$\$/g, '$');
}

/** The fixed part of a message before its first placeholder (for partial text matches). */
export function msgPrefix(key: string, locale = 'en'): string {
  return catalog(locale)[key]!.message.split('$')[0]!.trim();
}
