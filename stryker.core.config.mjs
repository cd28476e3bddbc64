// @ts-check
/**
 * The `src/core` part of mutation testing, quicker (`npm run test:mutation:core`): core's tests
 * only, and the TypeScript checker on a program of core alone (tsconfig.core.json: core imports
 * nothing else, and compiles without DOM or Node types), so each mutant's check is small.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
import base from './stryker.config.mjs';

export default {
  ...base,
  mutate: ['src/core/**/*.ts', '!src/core/index.ts'],
  tsconfigFile: 'tsconfig.core.json',
  incrementalFile: 'reports/stryker-incremental-core.json',
  htmlReporter: { fileName: 'reports/mutation-core/index.html' },
  jsonReporter: { fileName: 'reports/mutation-core/mutation.json' },
  concurrency: 2,
};
