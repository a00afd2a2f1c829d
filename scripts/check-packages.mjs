#!/usr/bin/env node
/**
 * Packaging checks for every publishable package, after `pnpm build`:
 * - every file named in `exports` exists (what users import is what we built);
 * - publint on the packed tarball;
 * - @arethetypeswrong/cli on the same tarball (ESM-only profile: we ship no CommonJS);
 * - the emitted declarations type-check on their own (skipLibCheck off);
 * - the public API of each entry point matches its committed report in `packages/<name>/api/`
 *   (scripts/api-report.mjs; `pnpm api` accepts a change).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const packages = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .filter((dir) => !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private);

const failures = [];
const run = (label, command, args, options = {}) => {
  try {
    execFileSync(command, args, { stdio: 'pipe', encoding: 'utf8', ...options });
    console.log(`ok   ${label}`);
  } catch (error) {
    failures.push(label);
    console.log(`FAIL ${label}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
};

function exportTargets(exports) {
  if (typeof exports === 'string') return [exports];
  return Object.values(exports ?? {}).flatMap(exportTargets);
}

const packDir = mkdtempSync(join(tmpdir(), 'ifmatch-pack-'));
const declarations = [];
try {
  for (const dir of packages) {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const missing = exportTargets(manifest.exports).filter((target) => !existsSync(join(dir, target)));
    if (missing.length > 0) {
      failures.push(`${manifest.name} exports`);
      console.log(`FAIL ${manifest.name}: exports name missing files: ${missing.join(', ')} (run pnpm build)`);
      continue;
    }
    console.log(`ok   ${manifest.name} exports`);
    // pnpm pack rewrites workspace: ranges to real versions, as publishing does.
    const tarball = execFileSync('pnpm', ['pack', '--pack-destination', packDir], { cwd: dir, encoding: 'utf8' })
      .trim()
      .split('\n')
      .pop();
    run(`${manifest.name} publint`, bin('publint'), ['run', tarball, '--strict']);
    run(`${manifest.name} attw`, bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'ascii']);
    declarations.push(join(dir, 'dist', 'index.d.ts'));
  }

  // The declarations alone, as a consumer's compiler sees them.
  const tsconfig = join(packDir, 'tsconfig.json');
  writeFileSync(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [join(root, 'node_modules', '@types')],
      },
      files: declarations,
    }),
  );
  // Third-party declarations (drizzle's own, say) may not pass a strict check: only errors
  // in our emitted files count.
  let output = '';
  try {
    execFileSync(bin('tsc'), ['-p', tsconfig], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    output = `${error.stdout ?? ''}${error.stderr ?? ''}`;
  }
  const ours = output
    .split('\n')
    .filter((line) => /(^|\/)packages\/[^/]+\/dist\//.test(line) && !line.includes('node_modules'));
  if (ours.length > 0) {
    failures.push('declarations type-check');
    console.log(`FAIL declarations type-check\n${ours.join('\n')}`);
  } else {
    console.log('ok   declarations type-check');
  }
} finally {
  rmSync(packDir, { recursive: true, force: true });
}

// The surface changes only on purpose: a failure prints the diff and how to accept it.
run('API reports', process.execPath, [join(root, 'scripts', 'api-report.mjs'), '--check']);

if (failures.length > 0) {
  console.log(`\npackaging checks failed: ${failures.join(', ')}`);
  process.exit(1);
}
console.log('\npackaging checks passed');
