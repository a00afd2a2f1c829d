#!/usr/bin/env node
/**
 * The workspace's entry points, generated from each package's `exports` instead of kept by
 * hand: `@ifmatch/http/node` → `packages/http/src/node.ts`, for every export whose built file
 * is `./dist/<name>.js`. vitest.config.ts builds its aliases from this list, and this script
 * writes the same list into the `paths` of every tsconfig that maps workspace packages to their
 * sources (`--write`), or checks it is there (`--check`, run by `pnpm check:packages`): the root
 * tsconfig.json (the type-check) and each example's (which `tsx` reads, so that `pnpm start`
 * runs from source without a build: an entry point missing there, such as `@ifmatch/core/driver`
 * imported by an adapter, falls through to a `dist/` that does not exist yet). A new package or
 * entry point needs no hand edits: run `pnpm entries`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** `[specifier, absolute source file]`, most specific first (an alias prefix must not shadow a subpath). */
export function workspaceEntries() {
  const entries = [];
  for (const name of readdirSync(join(root, 'packages'))) {
    const dir = join(root, 'packages', name);
    const manifestFile = join(dir, 'package.json');
    if (!existsSync(manifestFile)) continue;
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const built = typeof target === 'string' ? target : target?.default;
      const match = typeof built === 'string' ? /^\.\/dist\/(.+)\.js$/.exec(built) : null;
      if (!match) continue;
      const source = join(dir, 'src', `${match[1]}.ts`);
      if (!existsSync(source)) throw new Error(`${manifest.name} exports ${subpath} but ${source} does not exist`);
      entries.push([subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`, source]);
    }
  }
  return entries.sort(([a], [b]) => b.length - a.length || a.localeCompare(b));
}

/** `paths` for a tsconfig in `dir`, relative to it, sorted by specifier. */
function pathsFor(entries, dir) {
  return Object.fromEntries(
    [...entries]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([specifier, file]) => {
        const path = relative(dir, file).split(sep).join('/');
        return [specifier, [path.startsWith('.') ? path : `./${path}`]];
      }),
  );
}

/** The tsconfigs whose `paths` this script keeps: the root one, and each example's. */
export function pathConfigs() {
  const examples = join(root, 'examples');
  return [
    join(root, 'tsconfig.json'),
    ...readdirSync(examples)
      .map((name) => join(examples, name, 'tsconfig.json'))
      .filter((file) => existsSync(file)),
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const entries = workspaceEntries();
  let stale = 0;
  for (const file of pathConfigs()) {
    const tsconfig = JSON.parse(readFileSync(file, 'utf8'));
    const wanted = pathsFor(entries, dirname(file));
    const name = relative(root, file);
    if (process.argv.includes('--write')) {
      tsconfig.compilerOptions.paths = wanted;
      writeFileSync(file, `${JSON.stringify(tsconfig, null, 2)}\n`);
      execFileSync(join(root, 'node_modules', '.bin', 'biome'), ['format', '--write', file], { stdio: 'ignore' });
      console.log(`${name} paths: ${Object.keys(wanted).length} entry points`);
    } else if (JSON.stringify(tsconfig.compilerOptions?.paths) !== JSON.stringify(wanted)) {
      console.error(`${name} paths differ from the packages' exports: run \`pnpm entries\` and commit`);
      stale++;
    } else {
      console.log(`ok   ${name} paths match the packages' exports (${Object.keys(wanted).length})`);
    }
  }
  if (stale > 0) process.exit(1);
}
