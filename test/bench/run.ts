/**
 * `npm run bench [-- filter]`: runs every test/bench/*.bench.ts in name order (or those whose
 * name contains the filter). Each file's default export is an async function that prints its own figures.
 *
 * Each file runs in a process of its own. In one shared process a benchmark inherited the heap and
 * the compiled code of those before it: B2 measured after B1 (a million decisions) took 42–54 ms
 * where it took 33–37 ms alone, and its one-query-per-member baseline 178–185 ms instead of
 * 144–156 ms (two alternated pairs, Dec 2026). A server does not run B1 before a message.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ONE = '--one';

/** In the child: runs one benchmark file; the exit status says whether it failed. */
async function runOne(file: string): Promise<number> {
  try {
    const mod = (await import(pathToFileURL(join(here, file)).href)) as { default?: unknown };
    if (typeof mod.default !== 'function') throw new Error('its default export is not a function');
    await (mod.default as () => Promise<void>)();
    return 0;
  } catch (e) {
    console.error(`${file} failed:`, e);
    return 1;
  }
}

/** In the parent: the same interpreter and loader (tsx's flags are in execArgv), this script, one file. */
function spawnOne(file: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ONE, file], { stdio: 'inherit' });
    child.on('error', (e) => {
      console.error(`${file} could not start:`, e);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      if (signal) console.error(`${file} was stopped by ${signal}`);
      resolve(code ?? 1);
    });
  });
}

const args = process.argv.slice(2).filter((a) => a !== '--');
if (args[0] === ONE) {
  // Benchmarks leave no handles open on purpose, but exit even if one did.
  process.exit(await runOne(args[1] ?? ''));
}

const filter = args[0] ?? '';
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
  if ((await spawnOne(file)) !== 0) failed++;
  console.log(`(${file}: ${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
process.exit(failed > 0 ? 1 : 0);
