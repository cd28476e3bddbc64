/**
 * The tests StrykerJS runs against each mutant (`npm run test:mutation`): the unit and
 * integration files that exercise the mutated scope — not the Chromium suite, not the cluster run.
 * IMPC_MUTATION_TESTS (comma-separated globs) narrows it, e.g. to `test/core/**` for a quick core run.
 */
import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';

const RELEVANT = [
  'test/core/**/*.test.ts',
  'test/extension/background/outbox.test.ts',
  'test/extension/background/settings.test.ts',
  'test/extension/background/db.test.ts',
  'test/server/auth-matrix.test.ts',
  'test/server/auth-messages.test.ts',
  'test/server/accounts.test.ts',
  'test/server/delivery.test.ts',
  'test/server/delivery-outcomes.test.ts',
  'test/server/delivery-log.test.ts',
  'test/server/retry-rules.test.ts',
  'test/server/webpush-send.test.ts',
  'test/server/fan-out.test.ts',
  'test/server/push-hang.test.ts',
  'test/server/push-rules.test.ts',
  'test/server/messages.test.ts',
  'test/server/settings.test.ts',
  'test/server/envelope-gaps.test.ts',
  'test/server/ws-tokens.test.ts',
  'test/server/ws-life.test.ts',
  'test/server/within.test.ts',
];

export default defineConfig({
  plugins: [preact()],
  test: {
    include: process.env.IMPC_MUTATION_TESTS ? process.env.IMPC_MUTATION_TESTS.split(',') : RELEVANT,
    exclude: ['test/e2e/**', 'test/cluster/**', 'node_modules/**'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
