import { defineConfig } from 'vitest/config';
import { workspaceEntries } from './scripts/workspace-entries.mjs';

// Tests import the packages' sources, so `pnpm test` needs no build first. The aliases come
// from the packages' own `exports` (scripts/workspace-entries.mjs), most specific first.
export default defineConfig({
  resolve: {
    alias: workspaceEntries().map(([find, replacement]) => ({ find, replacement })),
  },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'examples/snippets/*.test.ts',
      'scripts/test/*.test.ts',
    ],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
