// @ts-check
/**
 * The background's outbox and settings ops alone (`npm run test:mutation:background`): the
 * background's unit tests (fake browser, fake IndexedDB, the real server over HTTP), and the
 * TypeScript checker on the extension's worker program only (tsconfig.background.json).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
import base from './stryker.config.mjs';

export default {
  ...base,
  mutate: ['src/background/handlers/outbox.ts', 'src/background/handlers/settings-ops.ts'],
  tsconfigFile: 'tsconfig.background.json',
  incrementalFile: 'reports/stryker-incremental-background.json',
  htmlReporter: { fileName: 'reports/mutation-background/index.html' },
  jsonReporter: { fileName: 'reports/mutation-background/mutation.json' },
  concurrency: 2,
};
