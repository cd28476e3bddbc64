// Lint guards the architecture: core stays pure, UI never reaches into the background.
import tseslint from 'typescript-eslint';

const platformModules = [
  'webextension-polyfill', 'idb', 'preact', 'preact/*', 'fastify', '@fastify/*', 'better-sqlite3',
  'ws', 'web-push', 'node:*', 'fs', 'path', 'crypto', 'http', 'https', 'net', 'os', 'url',
];

export default tseslint.config(
  { ignores: ['dist/**', 'dist-firefox/**', 'node_modules/**', 'data/**', 'coverage/**', '.stryker-tmp/**', 'reports/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/core/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: platformModules, message: 'src/core is pure: no browser, Node or I/O imports.' },
          { group: ['**/server/**', '**/background/**', '**/client/**', '**/popup/**', '**/options/**', '**/shared/**'], message: 'src/core imports nothing outside core.' },
        ],
      }],
      'no-restricted-globals': ['error', 'fetch', 'window', 'document', 'chrome', 'browser', 'process', 'localStorage', 'indexedDB'],
    },
  },
  {
    files: ['src/client/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: platformModules, message: 'src/client runs anywhere: fetch is injected.' },
          { group: ['**/server/**', '**/background/**', '**/popup/**', '**/options/**'], message: 'src/client depends only on core.' }],
      }],
    },
  },
  {
    files: ['src/popup/**', 'src/options/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/background/**', 'idb', 'webextension-polyfill', '**/server/**'], message: 'UI talks to the background only through src/shared/protocol.' }],
      }],
    },
  },
  {
    files: ['src/server/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/background/**', '**/popup/**', '**/options/**', '**/shared/**', 'webextension-polyfill', 'idb', 'preact'], message: 'The server does not import extension code.' }],
      }],
    },
  },
);
