/**
 * `npm run bench [-- filter]`: runs every test/bench/*.bench.ts in name order (or those whose
 * name contains the filter). Each file's default export is an async function that prints its own figures.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv.slice(2).find((a) => a !== '--') ?? '';
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();

if (files.length === 0) {
  console.error(`no benchmark in test/bench matches "${filter}"; have: ${readdirSync(here).filter((f) => f.endsWith('.bench.ts')).join(', ') || 'none'}`);
  process.exit(1);
}

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const started = performance.now();
  try {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as { default?: unknown };
    if (typeof mod.default !== 'function') throw new Error('its default export is not a function');
    await (mod.default as () => Promise<void>)();
  } catch (e) {
    failed++;
    console.error(`${file} failed:`, e);
  }
  console.log(`(${file}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
process.exit(failed > 0 ? 1 : 0);
