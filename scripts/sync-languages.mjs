/**
 * `node scripts/sync-languages.mjs`: writes src/core/language-list.ts (code and English name of
 * each language) from src/core/azure-languages.json, the copy of the shared Azure list. Core
 * validates with the short list; only the options page, which shows native names, loads the JSON
 * (B6, #12). test/core/language.test.ts fails when the two differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const core = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'core');
const { languages } = JSON.parse(readFileSync(join(core, 'azure-languages.json'), 'utf8'));
const rows = languages.map((l) => `  [${JSON.stringify(l.code)}, ${JSON.stringify(l.name)}],`).join('\n');
writeFileSync(join(core, 'language-list.ts'), `// Written by scripts/sync-languages.mjs from azure-languages.json: do not edit.
/** Code and English name of each Azure Translator language, in the shared list's order. */
export const LANGUAGE_LIST: readonly (readonly [code: string, name: string])[] = [
${rows}
];
`);
