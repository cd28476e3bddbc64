// @ts-check
/**
 * Authorization alone (`npm run test:mutation:auth`): `routes/http.ts` and `routes/ws-session.ts`
 * against the tests that state who may do what (every route × every kind of caller, socket
 * tokens, envelopes), with the TypeScript checker on the server program only (tsconfig.server.json).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
import base from './stryker.config.mjs';

export default {
  ...base,
  mutate: ['src/server/routes/http.ts', 'src/server/routes/ws-session.ts'],
  tsconfigFile: 'tsconfig.server.json',
  incrementalFile: 'reports/stryker-incremental-auth.json',
  htmlReporter: { fileName: 'reports/mutation-auth/index.html' },
  jsonReporter: { fileName: 'reports/mutation-auth/mutation.json' },
  concurrency: 2,
};
