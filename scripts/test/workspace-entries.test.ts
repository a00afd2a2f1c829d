import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pathConfigs, workspaceEntries } from '../workspace-entries.mjs';

// `pnpm entries` keeps every tsconfig that maps the workspace to its sources complete: the
// root one (type-check) and each example's (`tsx` reads it for `pnpm start`, where a missing
// entry point falls through to a dist/ a fresh checkout does not have).
const root = resolve(import.meta.dirname, '..', '..');

describe('workspace entry points', () => {
  it.each(pathConfigs().map((file) => [relative(root, file), file]))(
    '%s maps every entry point of every package to its source',
    (_name, file) => {
      const paths = JSON.parse(readFileSync(file, 'utf8')).compilerOptions.paths as Record<string, string[]>;
      for (const [specifier, source] of workspaceEntries()) {
        const mapped = paths[specifier]?.[0];
        expect(mapped, `${specifier} in ${file}: run pnpm entries`).toBeDefined();
        expect(resolve(dirname(file), mapped ?? ''), specifier).toBe(source);
      }
    },
  );

  it('includes the subpath entries adapters import (@ifmatch/core/driver)', () => {
    expect(workspaceEntries().map(([specifier]) => specifier)).toContain('@ifmatch/core/driver');
    expect(pathConfigs().some((file) => file.endsWith('examples/api/tsconfig.json'))).toBe(true);
  });
});
