import { defineConfig } from 'vitest/config';
import preact from '@preact/preset-vite';
import { clusterServicesUp } from './test/support/services.ts';

// Server tests that look inside the embedded engine (SQLite files, its caches, a child process on
// --data): they have no cluster form. The store contract and router suites run both engines themselves.
const EMBEDDED_ONLY = [
  'test/server/settings-cache.test.ts', 'test/server/bindings-cache.test.ts', 'test/server/trace-store.test.ts',
  'test/server/startup.test.ts', 'test/server/crash.test.ts', 'test/server/store-contract.test.ts',
  'test/server/redis-router.test.ts', 'test/server/migrate.test.ts', 'test/cluster/**',
  // Seeded or restarted through the SQLite file (the rules they test live above the store and
  // run on both engines; a cluster version of the seeding is future work).
  'test/server/per-user-bounds.test.ts', 'test/server/stored-data.test.ts', 'test/server/ssrf-send.test.ts',
  // REST limits are kept per node (in memory): a client spread over two nodes gets twice the
  // budget, so these per-process counts do not hold there (README: limits in a cluster).
  'test/server/limits.test.ts',
];

// Under CI=true an unreachable PostgreSQL or Redis throws here: a failure, not a silent skip.
const cluster = await clusterServicesUp();

// Unit and integration tests run in parallel; the cluster run of the server suite and the
// Chromium suite run their files one at a time (2 cores; each file starts real servers).
export default defineConfig({
  plugins: [preact()],
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: ['test/e2e/**', 'test/cluster/**', 'test/support/**', 'node_modules/**'],
          testTimeout: 20_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'cluster',
          // Services down outside CI: one file that says so and counts its tests as skipped.
          include: cluster ? ['test/server/**/*.test.ts', 'test/cluster/**/*.test.ts'] : ['test/support/cluster-skipped.test.ts'],
          exclude: cluster ? EMBEDDED_ONLY.filter((f) => !f.startsWith('test/cluster')) : [],
          env: { IMPC_TEST_ENGINE: 'cluster' },
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        extends: true,
        test: {
          // The Chromium suite again with the extension on node A and bob sending through node B.
          name: 'e2e-cluster',
          include: cluster ? ['test/e2e/**/*.test.ts'] : ['test/support/cluster-skipped.test.ts'],
          env: { IMPC_TEST_ENGINE: 'cluster' },
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
