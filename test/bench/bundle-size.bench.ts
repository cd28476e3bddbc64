/**
 * B6 — bundle sizes (gzip -9) of a fresh `vite build` (to a temp folder): the popup's JS (its entry
 * and every chunk it imports, import() included), the options page's, the background's, and core + client (the Web
 * SDK surface, a vite library build, minified), against the reference Web SDK for the same
 * methods: easemob-websdk 4.21.1 miniCore + the silent (push settings) plugin, gzip of the
 * published files. Targets: popup JS ≤ 25 KB gz; core + client ≥ 10× smaller than the reference.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { report } from './lib/report.ts';

export interface Options {
  quick?: boolean;
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const gz = (buf: Buffer | string) => gzipSync(buf, { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/**
 * An entry file and every chunk it imports, transitively, statically or dynamically (paths
 * relative to the build): the popup's entry loads its app with import() (B5), and that is JS the
 * popup runs on every open all the same.
 */
function closure(dir: string, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(join(dir, file), 'utf8');
    for (const m of code.matchAll(/(?:import|from)\s*["']([^"']+\.js)["']|import\(\s*[`"']([^`"']+\.js)[`"']\s*\)/g)) visit(join(dirname(file), (m[1] ?? m[2])!).replace(/^\/+/, ''));
  };
  visit(entry);
  return [...seen];
}

function pageScripts(dir: string, html: string): string[] {
  const text = readFileSync(join(dir, html), 'utf8');
  return [...text.matchAll(/<script[^>]+src="\/?([^"]+\.js)"/g)].map((m) => m[1]!);
}

export async function run(opts: Options = {}): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'impc-b6-'));
  try {
    execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
    const size = (files: string[]) => files.reduce((a, f) => a + gz(readFileSync(join(out, f))), 0);
    const page = (html: string) => {
      const files = [...new Set(pageScripts(out, html).flatMap((e) => closure(out, e)))];
      return { files, bytes: size(files) };
    };
    const popup = page('popup.html');
    const options = page('options.html');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { background: { service_worker: string } };
    const bgFiles = closure(out, manifest.background.service_worker);
    const background = { files: bgFiles, bytes: size(bgFiles) };
    // core + client: what an app embedding the SDK surface ships, bundled by the product's bundler.
    const lib = join(out, 'lib');
    const { build } = await import('vite');
    await build({ configFile: false, logLevel: 'warn', root, build: { outDir: lib, emptyOutDir: true, minify: true, lib: { entry: join(root, 'src/client/index.ts'), formats: ['es'], fileName: 'client' } } });
    const coreClient = readdirSync(lib).filter((f) => f.endsWith('.js')).reduce((a, f) => a + gz(readFileSync(join(lib, f))), 0);
    const ref = join(root, 'node_modules/easemob-websdk');
    let reference: number | undefined;
    try {
      reference = gz(readFileSync(join(ref, 'miniCore/miniCore.js'))) + gz(readFileSync(join(ref, 'silent/silent.js')));
    } catch {
      console.log('easemob-websdk 4.21.1 is not installed (dev dependency): no reference figure');
    }
    const largest = (p: { files: string[] }) => p.files.map((f) => [f, gz(readFileSync(join(out, f)))] as const).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([f, n]) => `${f.replace(/^assets\//, '')} ${kb(n)}`).join(', ');
    console.log(`popup JS ${kb(popup.bytes)} gz (${largest(popup)}); options JS ${kb(options.bytes)} gz; background ${kb(background.bytes)} gz; core + client ${kb(coreClient)} gz${reference ? `; reference miniCore + silent ${kb(reference)} gz` : ''}`);
    const popupMet = popup.bytes <= 25 * 1024;
    report({
      id: 'B6-popup', title: 'Popup JS (entry + imported chunks, gzip -9)', figure: popup.bytes / 1024, unit: 'KB gz', target: '≤ 25 KB gz', met: popupMet,
      limits: popupMet
        ? `${largest(popup)}; no validation or language list reaches the popup (src/core is side-effect free in the build, and a custom pause is checked with core's plain checkDuration); the English messages come from chrome.i18n, not the bundle (only unit tests carry the file)`
        : `${largest(popup)}: the chunk the three pages share holds the English messages src/shared/i18n.ts bundles as a fallback for unit tests (about 6 KB gz), preact and the core modules the popup uses`,
      details: { popup: popup.files, options: { kb: options.bytes / 1024, files: options.files }, background: { kb: background.bytes / 1024, files: background.files } },
    }, opts);
    if (reference !== undefined) {
      const ratio = reference / coreClient;
      report({
        id: 'B6-sdk', title: 'core + client (Web SDK surface, vite library build, gzip -9)', figure: coreClient / 1024, unit: 'KB gz', baseline: reference / 1024,
        baselineLabel: 'easemob-websdk 4.21.1 miniCore + silent', ratio, target: '≥ 10× smaller than the reference', met: ratio >= 10,
        limits: ratio >= 10
          ? 'core validates with its own schema kit (src/core/schema.ts, zod\'s rules without zod) and holds language codes and English names only'
          : 'validate.ts and wire.ts (every SDK argument check and the schemas behind it) are most of it',
      }, opts);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export default () => run();
