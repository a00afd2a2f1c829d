#!/usr/bin/env node
/**
 * The public API of every publishable package, one API Extractor report per entry point in
 * `exports` (`.` → `api/index.api.md`, `./driver` → `api/driver.api.md`), read from the
 * built declarations: run `pnpm build` first.
 *
 *   node scripts/api-report.mjs           write the reports (`pnpm api`)
 *   node scripts/api-report.mjs --check   fail, printing the diff, when a committed report
 *                                         differs from the built declarations (CI, through
 *                                         `pnpm check:packages`)
 *   --root DIR                            the packages under DIR/packages instead (its test)
 *
 * The reports are committed so that a change to the public surface shows up in review as a
 * change to a report, and a change nobody meant fails CI.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { CompilerState, Extractor, ExtractorConfig, ExtractorLogLevel } from '@microsoft/api-extractor';

/** This repository: its node_modules give API Extractor our TypeScript lib and @types. */
const repo = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const check = args.includes('--check');
const root = args.includes('--root') ? resolve(args[args.indexOf('--root') + 1]) : repo;
const accept = 'pnpm build && pnpm api';
const typescriptCompilerFolder = join(repo, 'node_modules', 'typescript');

/** Every publishable package and its entry points: `{ name, dir, entries: [{ report, types }] }`. */
function entryPoints() {
  return readdirSync(join(root, 'packages'))
    .map((name) => join(root, 'packages', name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
    .filter(({ manifest }) => !manifest.private)
    .map(({ dir, manifest }) => ({
      name: manifest.name,
      dir,
      entries: Object.entries(manifest.exports ?? {})
        .filter(([, target]) => typeof target === 'object' && target.types)
        .map(([subpath, target]) => ({
          report: subpath === '.' ? 'index' : subpath.replace(/^\.\//, '').replaceAll('/', '-'),
          types: join(dir, target.types),
        })),
    }));
}

/** API Extractor's configuration for one entry point, writing its report under `scratch`. */
function configure(pkg, entry, scratch) {
  const reportFolder = join(scratch, 'reports');
  mkdirSync(reportFolder, { recursive: true });
  mkdirSync(join(scratch, 'temp'), { recursive: true });
  return ExtractorConfig.prepare({
    configObject: {
      projectFolder: pkg.dir,
      mainEntryPointFilePath: entry.types,
      // The declarations as a consumer's compiler sees them. API Extractor brings its own
      // TypeScript; `typescriptCompilerFolder` below gives it our lib typings. Third-party
      // declarations (drizzle's) do not pass a full check, and `check:packages` already
      // type-checks ours, so library checking is off here.
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            lib: ['ES2023', 'DOM'],
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            skipLibCheck: true,
            types: ['node'],
            typeRoots: [join(repo, 'node_modules', '@types')],
          },
          files: [entry.types],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: entry.report,
        reportFolder,
        reportTempFolder: join(scratch, 'temp'),
        includeForgottenExports: false,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      newlineKind: 'lf',
      messages: {
        compilerMessageReporting: { default: { logLevel: 'error' } },
        extractorMessageReporting: {
          // We do not use release tags (@public, @beta): every export is public.
          default: { logLevel: 'none' },
          'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
          // A type reachable from the API but not exported by name: worth seeing in review.
          'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
          'ae-wrong-input-file-type': { logLevel: 'error' },
        },
        // Our doc comments are prose, not TSDoc: don't lint them here.
        tsdocMessageReporting: { default: { logLevel: 'none' } },
      },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: join(pkg.dir, 'package.json'),
  });
}

/** Runs API Extractor on one entry point and returns the report's text. */
function extract(config, compilerState) {
  const errors = [];
  const result = Extractor.invoke(config, {
    localBuild: true,
    compilerState,
    typescriptCompilerFolder,
    messageCallback(message) {
      if (message.logLevel === ExtractorLogLevel.Error) errors.push(message.formatMessageWithLocation(root));
      message.handled = true;
    },
  });
  if (!result.succeeded || errors.length > 0) {
    throw new Error(`API Extractor failed on ${relative(root, config.mainEntryPointFilePath)}:\n${errors.join('\n')}`);
  }
  return readFileSync(config.reportFilePath, 'utf8');
}

function main() {
  const scratch = mkdtempSync(join(tmpdir(), 'ifmatch-api-'));
  const changed = [];
  try {
    const packages = entryPoints().map((pkg) => ({
      ...pkg,
      entries: pkg.entries.map((entry) => {
        if (!existsSync(entry.types)) throw new Error(`${relative(root, entry.types)} is missing: run pnpm build`);
        return { ...entry, config: configure(pkg, entry, join(scratch, pkg.name, entry.report)) };
      }),
    }));
    const configs = packages.flatMap((pkg) => pkg.entries.map((entry) => entry.config));
    // One program for every entry point: parsing the lib and @types once, not once per entry.
    const compilerState =
      configs.length > 0
        ? CompilerState.create(configs[0], {
            typescriptCompilerFolder,
            additionalEntryPoints: configs.map((config) => config.mainEntryPointFilePath),
          })
        : undefined;
    for (const pkg of packages) {
      const folder = join(pkg.dir, 'api');
      const expected = new Set();
      for (const entry of pkg.entries) {
        const file = join(folder, `${entry.report}.api.md`);
        expected.add(file);
        const text = extract(entry.config, compilerState);
        const committed = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
        if (committed === text) continue;
        changed.push(file);
        if (check) {
          console.log(`${pkg.name}: ${relative(root, file)} ${committed === undefined ? 'is missing' : 'differs'}`);
          console.log(diff(scratch, relative(root, file), committed, text));
        } else {
          mkdirSync(folder, { recursive: true });
          writeFileSync(file, text);
          console.log(`wrote ${relative(root, file)}`);
        }
      }
      // A report for an entry point that no longer exists.
      for (const name of existsSync(folder) ? readdirSync(folder) : []) {
        const file = join(folder, name);
        if (!name.endsWith('.api.md') || expected.has(file)) continue;
        changed.push(file);
        if (check) console.log(`${pkg.name}: ${relative(root, file)} reports an entry point not in exports`);
        else {
          rmSync(file);
          console.log(`removed ${relative(root, file)}`);
        }
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  if (check && changed.length > 0) {
    console.log(
      `\nThe public API differs from the committed reports (${changed.length} file(s)).\n` +
        `If the change is intended, accept it with \`${accept}\` and commit packages/*/api/.`,
    );
    process.exit(1);
  }
  if (check) console.log('API reports match the built declarations');
  else if (changed.length === 0) console.log('API reports are up to date');
}

/** `git diff` of the committed report (`a/committed/…`) against the built one (`b/built/…`). */
function diff(scratch, path, committed, built) {
  const write = (side, text) => {
    const file = join(scratch, side, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return join(side, path);
  };
  const before = committed === undefined ? '/dev/null' : write('committed', committed);
  const after = write('built', built);
  try {
    execFileSync('git', ['diff', '--no-index', '--no-color', '--', before, after], { cwd: scratch, encoding: 'utf8' });
    return '';
  } catch (error) {
    // Exit status 1 means the files differ, and stdout holds the diff.
    if (error.status === 1 && error.stdout) return error.stdout;
    throw error;
  }
}

main();
