import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

// `pnpm mutation` (stryker.config.mjs): core's own tests, the only ones the mutants face.
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['packages/core/test/**/*.test.ts'] },
});
