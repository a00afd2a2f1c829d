import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const source = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// Tests import the packages' sources, so `pnpm test` needs no build first.
export default defineConfig({
  resolve: {
    alias: {
      '@ifmatch/core/driver': fileURLToPath(new URL('./packages/core/src/driver.ts', import.meta.url)),
      '@ifmatch/core': source('core'),
      '@ifmatch/contract': source('contract'),
      '@ifmatch/sqlite': source('sqlite'),
      '@ifmatch/postgres': source('postgres'),
      '@ifmatch/dynamodb': source('dynamodb'),
      '@ifmatch/mongodb': source('mongodb'),
      '@ifmatch/http/node': fileURLToPath(new URL('./packages/http/src/node.ts', import.meta.url)),
      '@ifmatch/http': source('http'),
      '@ifmatch/express': source('express'),
      '@ifmatch/fastify': source('fastify'),
      '@ifmatch/hono': source('hono'),
      '@ifmatch/client': source('client'),
      '@ifmatch/cli': source('cli'),
    },
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'examples/snippets/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
