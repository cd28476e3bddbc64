/**
 * Builds the MV3 extension with crxjs: `vite build` → dist/ for Chrome,
 * `vite build --mode firefox` → dist-firefox/ (background scripts instead of a service worker),
 * `vite build --mode e2e` → dist/ for Chrome with the end-to-end suite's hooks in the worker.
 */
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import manifest from './manifest.json' with { type: 'json' };

/** Firefox runs the background as a module event page and wants a gecko id. */
function firefoxManifest(base: typeof manifest): ManifestV3Export {
  const { background, minimum_chrome_version: _chromeOnly, ...rest } = base;
  return {
    ...rest,
    background: { scripts: [background.service_worker], type: 'module' },
    browser_specific_settings: { gecko: { id: 'im-push-companion@example.org', strict_min_version: '121.0', data_collection_permissions: { required: ['none'] } } },
  } as unknown as ManifestV3Export;
}

/** assets/ doubles as the README's picture folder; the screenshots are not part of the extension. */
function dropScreenshots(): Plugin {
  let outDir = '';
  return {
    name: 'drop-screenshots',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    closeBundle() {
      rmSync(resolve(outDir, 'screenshots'), { recursive: true, force: true });
    },
  };
}

/**
 * B5: the popup's entry only sends its first status read and then imports the app; without
 * this the app's chunks would start loading only once the entry ran (Vite preloads a dynamic
 * import's chunks when the import starts). Each page now names them up front as modulepreload
 * links, so they load beside the entry.
 */
function preloadDynamicImports(): Plugin {
  return {
    name: 'preload-dynamic-imports',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, { bundle, chunk }) {
        if (!bundle || !chunk) return undefined;
        const seen = new Set<string>();
        const walk = (name: string, out?: string[]): void => {
          if (seen.has(name)) return;
          seen.add(name);
          out?.push(name);
          const c = bundle[name];
          if (c?.type === 'chunk') for (const i of c.imports) walk(i, out);
        };
        walk(chunk.fileName);
        const late: string[] = [];
        for (const d of chunk.dynamicImports) walk(d, late);
        return late.map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `/${f}` }, injectTo: 'head' as const }));
      },
    },
  };
}

export default defineConfig(({ mode }) => {
  const firefox = mode === 'firefox';
  const outDir = firefox ? 'dist-firefox' : 'dist';
  return {
    publicDir: 'assets',
    plugins: [
      preact(),
      crx({ manifest: firefox ? firefoxManifest(manifest) : (manifest as unknown as ManifestV3Export), browser: firefox ? 'firefox' : 'chrome' }),
      dropScreenshots(),
      preloadDynamicImports(),
    ],
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      // Every browser this builds for has modulepreload (Chrome 66, Firefox 115): no polyfill chunk.
      modulePreload: { polyfill: false },
      rolldownOptions: {
        // src/core is pure (lint keeps it so): a core module none of whose exports a page uses is
        // left out of that page's graph, instead of riding along through core/index.ts into the
        // chunk all three entries share (B6: validation and the language list were the popup's).
        treeshake: { moduleSideEffects: (id: string) => !/[\\/]src[\\/]core[\\/]/.test(id) },
        // The test build also carries B5's floor page (an empty Preact page, test/bench/pages/).
        ...(mode === 'e2e' ? { input: { 'bench-empty': resolve(import.meta.dirname, 'test/bench/pages/empty.html') } } : {}),
      },
    },
  };
});
