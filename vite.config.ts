/**
 * Builds the MV3 extension with crxjs: `vite build` → dist/ for Chrome,
 * `vite build --mode firefox` → dist-firefox/ (background scripts instead of a service worker).
 */
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
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

export default defineConfig(({ mode }) => {
  const firefox = mode === 'firefox';
  return {
    publicDir: 'assets',
    plugins: [
      preact(),
      crx({ manifest: firefox ? firefoxManifest(manifest) : (manifest as unknown as ManifestV3Export), browser: firefox ? 'firefox' : 'chrome' }),
    ],
    build: {
      outDir: firefox ? 'dist-firefox' : 'dist',
      emptyOutDir: true,
      target: 'es2022',
    },
  };
});
