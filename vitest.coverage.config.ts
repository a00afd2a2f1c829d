import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `pnpm coverage`: the suites that need no database (about half a minute on two cores), and
// the sources they exercise. The adapters are measured by their own suites against real
// databases, and the client by the example API on SQLite: neither runs here.
const packages = ['core', 'contract', 'http', 'express', 'fastify', 'hono'];

// Spread, not mergeConfig: mergeConfig would append these suites to the base's `include`.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: [
      'packages/core/test/**/*.test.ts',
      'packages/contract/test/memory-store.test.ts',
      'packages/http/test/**/*.test.ts',
      'packages/express/test/**/*.test.ts',
      'packages/fastify/test/**/*.test.ts',
      'packages/hono/test/**/*.test.ts',
    ],
    coverage: {
      provider: 'v8',
      include: packages.map((name) => `packages/${name}/src/**/*.ts`),
      reporter: ['text-summary', 'text', 'html', 'json-summary'],
      reportsDirectory: 'coverage',
      // A floor a little under what these suites measured when it was set (statements 93.99,
      // branches 88.61, functions 93.41, lines 95.97): below it, `pnpm coverage` fails.
      // Raise it when the tests get better; lower it only on purpose.
      thresholds: { statements: 93, branches: 87.5, functions: 92.5, lines: 95 },
    },
  },
});
