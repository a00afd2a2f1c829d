import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// scripts/api-report.mjs on a one-package fixture: what `pnpm api` writes, and what CI
// (`pnpm check:packages`) says when an export changes.
const script = fileURLToPath(new URL('../api-report.mjs', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'ifmatch-api-test-'));
const committed = join(scratch, 'committed');
let root: string;

const declare = (root: string, file: string, text: string) => {
  mkdirSync(join(root, 'packages', 'demo', 'dist'), { recursive: true });
  writeFileSync(join(root, 'packages', 'demo', 'dist', file), text);
};

function manifest(root: string, exports: Record<string, string>) {
  const entries = Object.entries(exports).map(([subpath, file]) => [
    subpath,
    { types: `./dist/${file}.d.ts`, default: `./dist/${file}.js` },
  ]);
  writeFileSync(
    join(root, 'packages', 'demo', 'package.json'),
    JSON.stringify({ name: '@fixture/demo', version: '1.0.0', type: 'module', exports: Object.fromEntries(entries) }),
  );
}

function api(root: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [script, '--root', root, ...args], { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const report = (root: string, name: string) =>
  readFileSync(join(root, 'packages', 'demo', 'api', `${name}.api.md`), 'utf8');

// One `pnpm api` run, copied into each test: API Extractor takes a second or two per run.
beforeAll(() => {
  declare(committed, 'index.d.ts', '/** Twice `n`. */\nexport declare function double(n: number): number;\n');
  declare(committed, 'extra.d.ts', '/** One. */\nexport declare const one: 1;\n');
  manifest(committed, { '.': 'index', './extra': 'extra' });
  expect(api(committed)).toMatchObject({ status: 0 });
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

beforeEach((context) => {
  root = join(scratch, context.task.id);
  cpSync(committed, root, { recursive: true });
});

describe('pnpm api', () => {
  it('writes one report per entry point, named after its subpath', () => {
    expect(report(root, 'index')).toContain('export function double(n: number): number;');
    expect(report(root, 'extra')).toContain('export const one: 1;');
  });
});

describe('the check', () => {
  it('passes when the declarations match the reports', () => {
    expect(api(root, '--check')).toMatchObject({ status: 0 });
  });

  it('fails on a changed export, printing the diff and how to accept it', () => {
    declare(root, 'index.d.ts', '/** Twice `n`. */\nexport declare function double(n: bigint): bigint;\n');

    const { status, output } = api(root, '--check');

    expect(status).toBe(1);
    expect(output).toContain('packages/demo/api/index.api.md differs');
    expect(output).toContain('-export function double(n: number): number;');
    expect(output).toContain('+export function double(n: bigint): bigint;');
    expect(output).toContain('pnpm build && pnpm api');
    expect(report(root, 'index')).toBe(report(committed, 'index'));
  });

  it('fails on a new entry point without a report, and on a report for a removed one', () => {
    manifest(root, { '.': 'index', './more': 'extra' });

    const { status, output } = api(root, '--check');

    expect(status).toBe(1);
    expect(output).toContain('packages/demo/api/more.api.md is missing');
    expect(output).toContain('packages/demo/api/extra.api.md reports an entry point not in exports');
  });
});
