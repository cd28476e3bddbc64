// @ts-check
/**
 * The delivery path alone (`npm run test:mutation:delivery`): the delivery worker, the Web Push
 * sender and its HTTP/2 sessions, and the push pipeline, against the tests that watch pushes leave
 * (outcomes, retries, the fake push service's VAPID check and decryption, fan-out, restarts), with
 * the TypeScript checker on the server program only (tsconfig.server.json).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
import base from './stryker.config.mjs';

export default {
  ...base,
  mutate: ['src/server/push/worker.ts', 'src/server/push/webpush.ts', 'src/server/push/h2-sessions.ts', 'src/server/push/pipeline.ts'],
  tsconfigFile: 'tsconfig.server.json',
  incrementalFile: 'reports/stryker-incremental-delivery.json',
  htmlReporter: { fileName: 'reports/mutation-delivery/index.html' },
  jsonReporter: { fileName: 'reports/mutation-delivery/mutation.json' },
  concurrency: 2,
};
