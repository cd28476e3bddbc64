import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

type Messages = Record<string, { message: string; placeholders?: Record<string, { content: string }> }>;
const ROOT = join(import.meta.dirname, '../../..');
const load = (lang: string): Messages => JSON.parse(readFileSync(join(ROOT, 'assets/_locales', lang, 'messages.json'), 'utf8')) as Messages;
const en = load('en');
const zh = load('zh_CN');
const uiKeys = Object.keys(en).filter((k) => /^(popup|options|common)[A-Z]/.test(k));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? sources(p) : /\.tsx?$/.test(f) ? [p] : [];
  });
}
const uiFiles = ['src/popup', 'src/options', 'src/ui'].flatMap((d) => sources(join(ROOT, d)));

describe('UI strings', () => {
  it('every key the pages use exists in en and zh_CN', () => {
    const used = new Set(uiFiles.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'((?:popup|options|common)[A-Z][A-Za-z0-9]*)'/g)].map((m) => m[1]!)));
    expect(used.size).toBeGreaterThan(100);
    for (const key of used) {
      expect(en[key], `en ${key}`).toBeDefined();
      expect(zh[key], `zh_CN ${key}`).toBeDefined();
    }
  });

  it('zh_CN has the same placeholders as en, each used in its text, and is really translated', () => {
    let same = 0;
    for (const key of uiKeys) {
      const a = en[key]!;
      const b = zh[key]!;
      expect(Object.keys(b.placeholders ?? {}).sort(), key).toEqual(Object.keys(a.placeholders ?? {}).sort());
      for (const [name, ph] of Object.entries(a.placeholders ?? {})) {
        expect(ph.content).toMatch(/^\$\d$/);
        expect(a.message.toLowerCase(), `${key} en uses $${name}$`).toContain(`$${name}$`);
        expect(b.message.toLowerCase(), `${key} zh uses $${name}$`).toContain(`$${name}$`);
      }
      if (a.message === b.message) same++;
    }
    // Only things like "$USER$ @ $SERVER$" or "Web Push" stay the same.
    expect(same).toBeLessThan(5);
  });

  it('no user-visible English literal sits in the TSX (text goes through t())', () => {
    for (const f of uiFiles.filter((p) => p.endsWith('.tsx'))) {
      const text = readFileSync(f, 'utf8');
      const literals = [...text.matchAll(/>\s*([A-Za-z][A-Za-z ,.'!?]{2,})\s*</g)].map((m) => m[1]);
      expect(literals, f).toEqual([]);
      const attrs = [...text.matchAll(/(?:aria-label|title|placeholder)="([^"]+)"/g)].map((m) => m[1]);
      expect(attrs, f).toEqual([]);
    }
  });
});
