import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatEntityTag } from '@ifmatch/core';
import { createSqliteStore } from '@ifmatch/sqlite';
import type Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContractTable, openDatabase, tempDir } from './helpers.js';

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url));
// tsx resolves @ifmatch/* to the sources through the root tsconfig's paths: no build needed.
const TSCONFIG = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));
const files = tempDir();
const file = join(files.dir, 'shared.db');
let db: Database.Database;

beforeAll(() => {
  db = openDatabase(file);
  createContractTable(db, 'counters');
});
afterAll(() => {
  db.close();
  files.cleanup();
});

/** Starts `count` writer processes, waits until all are ready, then lets them go at once. */
async function runWriters(count: number, args: string[]): Promise<unknown[]> {
  const children: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  const results: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const child = fork(WORKER, [file, 'counters', ...args], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
      stdio: 'inherit',
    });
    children.push(child);
    ready.push(new Promise((resolve) => child.once('message', () => resolve())));
    results.push(
      new Promise((resolve, reject) => {
        child.on('message', (message: { ready?: true; result?: unknown; error?: string }) => {
          if (message.error) reject(new Error(message.error));
          else if (!message.ready) resolve(message.result);
        });
        child.once('exit', (code) => code !== 0 && reject(new Error(`writer exited with ${code}`)));
      }),
    );
  }
  await Promise.all(ready);
  for (const child of children) child.send('go');
  return Promise.all(results);
}

const store = () => createSqliteStore<{ title: string; count: number; details: null }>({ db, table: 'counters' });

describe('several processes writing one SQLite file', () => {
  it('lose no increment: 4 processes × 150 retried updates', async () => {
    const created = await store().create('hot', { title: 'hot', count: 0, details: null });
    expect(created.ok).toBe(true);
    await runWriters(4, ['increment', 'hot', '150']);
    expect(db.prepare('SELECT count, version FROM counters WHERE id = ?').get('hot')).toEqual({
      count: 600,
      version: 601,
    });
  });

  it('let exactly one of 8 processes win a write on the same tag', async () => {
    const created = await store().create('race', { title: 'race', count: 0, details: null });
    if (!created.ok) throw new Error('seed failed');
    const results = (await runWriters(8, ['race', 'race', formatEntityTag(created.record.etag)])) as {
      ok: boolean;
      reason?: string;
    }[];
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => r.reason === 'precondition-failed')).toHaveLength(7);
    expect(db.prepare('SELECT version FROM counters WHERE id = ?').get('race')).toEqual({ version: 2 });
  });

  it('control: read-then-write without a condition loses updates across processes', async () => {
    await store().create('unsafe', { title: 'unsafe', count: 0, details: null });
    await runWriters(4, ['unsafe-increment', 'unsafe', '150']);
    const { count } = db.prepare('SELECT count FROM counters WHERE id = ?').get('unsafe') as { count: number };
    expect(count).toBeLessThan(600);
  });
});
