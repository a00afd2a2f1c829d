/**
 * `pnpm mutation`: Stryker mutates core's header parsing and §13.2.2 decision table and runs
 * core's tests against each mutant; a mutant that no test notices ("survived") is a change in
 * behaviour the tests would let through. The HTML report is reports/mutation/index.html.
 *
 * Build what a test checks inside the test, not at the top of a file or a `describe`: the
 * vitest runner counts a test file that fails to load as no failure, so a mutant that makes
 * it throw there survives.
 */
export default {
  mutate: ['packages/core/src/preconditions/*.ts', 'packages/core/src/entity-tag.ts', 'packages/core/src/http-date.ts'],
  testRunner: 'vitest',
  // Named: under pnpm, Stryker's own search of node_modules/@stryker-mutator/* finds nothing.
  plugins: ['@stryker-mutator/vitest-runner'],
  vitest: { configFile: 'vitest.mutation.config.ts' },
  coverageAnalysis: 'perTest',
  // The sandbox needs core, the configs and the root node_modules (linked, not copied).
  ignorePatterns: ['/examples', '/bench', '/packages/*', '!/packages/core', '/coverage', '/reports', '**/dist'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  concurrency: 2,
  thresholds: { high: 90, low: 80, break: null },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
