/**
 * `pnpm bench`: runs bench/run.ts against the packages as they are published, their built
 * `dist` (what users run), not their TypeScript sources. tsx, which runs the benchmarks,
 * compiles sources with esbuild's `keepNames`: every closure created per call is then wrapped
 * in a `__name` call that sets its name, a cost compiled packages never pay and one the
 * hand-written side of a comparison (a closure or two created once) barely pays.
 *
 * So this writes a tsconfig whose paths send each `@ifmatch/*` entry of the root tsconfig to
 * its built file, and runs the benchmarks with it (`TSX_TSCONFIG_PATH`). Arguments are
 * passed on (`pnpm bench sqlite` runs one suite).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));

const paths = {};
const missing = [];
for (const [entry, [source]] of Object.entries(compilerOptions.paths)) {
  const built = source.replace(/\/src\/(.*)\.ts$/, '/dist/$1.js');
  if (built === source) throw new Error(`tsconfig.json: ${entry} does not point into a package's src: ${source}`);
  if (!existsSync(join(root, built))) missing.push(built);
  paths[entry] = [join(root, built)];
}
if (missing.length > 0) {
  console.error(`The benchmarks run the built packages; build them first (pnpm build). Missing: ${missing.join(', ')}`);
  process.exit(1);
}

const dir = join(root, 'bench', 'results');
mkdirSync(dir, { recursive: true });
const tsconfig = join(dir, 'tsconfig.dist.json');
writeFileSync(
  tsconfig,
  `${JSON.stringify({ extends: join(root, 'tsconfig.json'), compilerOptions: { paths } }, null, 2)}\n`,
);

const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'bench', 'run.ts'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
});
process.exit(run.status ?? 1);
