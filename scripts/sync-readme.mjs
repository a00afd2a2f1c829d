#!/usr/bin/env node
/**
 * Copies each snippet file into the README block marked `<!-- snippet: path -->`.
 * `pnpm test` (examples/snippets/readme.test.ts) fails when they differ.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const readme = join(root, 'README.md');
const text = readFileSync(readme, 'utf8').replace(
  /<!-- snippet: (\S+) -->\n```ts\n[\s\S]*?```/g,
  (_block, path) => `<!-- snippet: ${path} -->\n\`\`\`ts\n${readFileSync(join(root, path), 'utf8')}\`\`\``,
);
writeFileSync(readme, text);
