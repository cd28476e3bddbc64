// @ts-check
/**
 * Mutation testing (`npm run test:mutation`, not part of `npm test`): where a silent bug hurts
 * most — the rules, delivery, the push pipeline, the outbox and settings ops, and authorization.
 * Incremental: a re-run only tests mutants in code or tests that changed since the last run.
 * Narrow a run with `--mutate 'src/core/**'` (and IMPC_MUTATION_TESTS to pick the test files).
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  packageManager: 'npm',
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.stryker.config.ts' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  // Each mutant checked alone: grouped checks blamed an error in a test file on unrelated mutants.
  typescriptChecker: { prioritizePerformanceOverAccuracy: false },
  mutate: [
    'src/core/**/*.ts',
    '!src/core/index.ts',
    'src/server/push/worker.ts',
    'src/server/push/webpush.ts',
    'src/server/push/pipeline.ts',
    'src/background/handlers/outbox.ts',
    'src/background/handlers/settings-ops.ts',
    'src/server/routes/http.ts',
    'src/server/routes/ws-session.ts',
  ],
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // 2 shared cores: raise with --concurrency on a bigger machine.
  concurrency: 1,
  timeoutMS: 10_000,
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
