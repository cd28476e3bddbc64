/**
 * The extension builds: Chrome (MV3 service worker) and Firefox (background scripts), the latter
 * passing `web-ext lint` with no errors. Builds go to temp folders so a build in a test never
 * clobbers the dist/ another suite is loading.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../../..');
const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);
const temp: string[] = [];
/** Every built script's text, to look for what must not ship. */
const scripts = (out: string) =>
  (readdirSync(out, { recursive: true }) as string[]).filter((f) => f.endsWith('.js')).map((f) => readFileSync(join(out, f), 'utf8'));
afterAll(() => {
  for (const d of temp) rmSync(d, { recursive: true, force: true });
});

async function build(mode: 'production' | 'firefox'): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), `impc-build-${mode}-`));
  temp.push(out);
  await run(bin('vite'), ['build', '--mode', mode, '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT });
  return out;
}

interface Manifest {
  manifest_version: number;
  name: string;
  default_locale: string;
  minimum_chrome_version?: string;
  background: { service_worker?: string; scripts?: string[]; type?: string };
  action: { default_popup: string };
  options_ui: { page: string };
  permissions: string[];
  host_permissions: string[];
  optional_host_permissions: string[];
  commands: Record<string, { suggested_key?: { default: string } }>;
  icons: Record<string, string>;
  browser_specific_settings?: { gecko: { id: string; strict_min_version: string } };
}

describe('extension build', () => {
  it('builds the Chrome extension with worker, pages, locales and icons', async () => {
    const out = await build('production');
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(m).toMatchObject({ manifest_version: 3, name: '__MSG_appName__', default_locale: 'en', minimum_chrome_version: '116' });
    expect(m.background.type).toBe('module');
    expect(existsSync(join(out, m.background.service_worker!))).toBe(true);
    expect(m.action.default_popup).toBe('popup.html');
    expect(m.options_ui.page).toBe('options.html');
    for (const f of ['popup.html', 'options.html', '_locales/en/messages.json', '_locales/zh_CN/messages.json', ...Object.values(m.icons)])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect([...m.permissions].sort()).toEqual(['activeTab', 'alarms', 'contextMenus', 'notifications', 'storage']);
    expect(m.host_permissions).toEqual(['http://127.0.0.1/*', 'http://localhost/*']);
    expect(m.optional_host_permissions.length).toBeGreaterThan(0);
    expect(m.commands['pause-1h']?.suggested_key?.default).toBeTruthy();
    // The README's screenshots live in assets/ too, but are no part of the extension.
    expect(existsSync(join(out, 'screenshots'))).toBe(false);
    // The end-to-end hooks are built only in the test build (`npm run build:test`), never shipped.
    expect(scripts(out).length).toBeGreaterThan(0);
    expect(scripts(out).filter((js) => js.includes('__impcTest'))).toEqual([]);
    // Every __MSG_ key the manifest uses exists in both locales.
    const keys = [...JSON.stringify(m).matchAll(/__MSG_(\w+)__/g)].map((x) => x[1]!);
    for (const locale of ['en', 'zh_CN']) {
      const messages = JSON.parse(readFileSync(join(out, `_locales/${locale}/messages.json`), 'utf8')) as Record<string, unknown>;
      for (const k of keys) expect(messages[k], `${locale} ${k}`).toBeDefined();
    }
  }, 120_000);

  it('builds for Firefox and web-ext lint finds no errors', async () => {
    const out = await build('firefox');
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(m.background.scripts?.length).toBe(1);
    expect(m.background.type).toBe('module');
    expect(m.background.service_worker).toBeUndefined();
    expect(scripts(out).filter((js) => js.includes('__impcTest'))).toEqual([]);
    expect(m.browser_specific_settings?.gecko).toMatchObject({ id: expect.stringContaining('@'), strict_min_version: expect.any(String) });
    let stdout: string;
    try {
      stdout = (await run(bin('web-ext'), ['lint', '--source-dir', out, '--output', 'json', '--no-input'], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 })).stdout;
    } catch (e) {
      // web-ext exits non-zero when it finds errors; the JSON report is still on stdout.
      stdout = (e as { stdout: string }).stdout;
    }
    const report = JSON.parse(stdout) as { summary: { errors: number }; errors: Array<{ code: string; message: string }> };
    expect(report.errors).toEqual([]);
    expect(report.summary.errors).toBe(0);
  }, 120_000);
});
