import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importEtagSecret, keyedHashEtag, parseCheckpoint } from '@ifmatch/core';
import { hashableJson } from '@ifmatch/core/driver';
import { addSystemColumns } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, scriptAvailable } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'ifmatch-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SECRET = 'a secret of at least thirty-two bytes, for sealed hashes';

/** A database file with `count` rows an application wrote before ifmatch, and the system columns added. */
function legacyFile(name: string, count: number): string {
  const file = join(dir, name);
  const db = new Database(file);
  db.exec('CREATE TABLE orders (id TEXT PRIMARY KEY, customer TEXT NOT NULL, quantity INTEGER NOT NULL, notes JSON)');
  const insert = db.prepare('INSERT INTO orders VALUES (?, ?, ?, ?)');
  for (let i = 0; i < count; i++) {
    insert.run(`order-${String(i).padStart(4, '0')}`, `customer ${i}`, i, i % 2 ? null : JSON.stringify({ i }));
  }
  addSystemColumns(db, 'orders');
  db.close();
  return file;
}

function rows(
  file: string,
): { id: string; version: number | null; modified_at: number | null; etag_hash: string | null }[] {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare('SELECT id, version, modified_at, etag_hash FROM orders ORDER BY id').all() as never;
  } finally {
    db.close();
  }
}

const redraws = (output: string) => output.split('\r\x1b[2K').length - 1;

describe.runIf(scriptAvailable())('ifmatch backfill in a terminal', () => {
  it('draws a progress bar, stops on Ctrl-C after the batch under way, and resumes from its checkpoint', async () => {
    const file = legacyFile('interrupted.db', 300);
    const state = join(dir, 'interrupted.json');
    const args = ['backfill', 'sqlite', '--file', file, '--table', 'orders', '--batch-size', '5', '--pause', '40'];
    const first = await runCli([...args, '--state', state], { tty: true, interruptWhen: (out) => redraws(out) >= 4 });

    // The bar, redrawn in place: a carriage return and an erased line per redraw, no newline between.
    expect(first.output).toContain('\r\x1b[2Ksqlite:orders [');
    expect(first.output).toMatch(/sqlite:orders \[█*░+\] \d+% \d+\/~300 · \d+ updated/);
    expect(redraws(first.output)).toBeGreaterThanOrEqual(4);
    expect(first.output).toContain('stopping after the batch under way');
    expect(first.code).toBe(130);
    expect(first.output).toContain(`Resume with:\r\n  ifmatch ${args.join(' ')} --state ${state}`);
    // The checkpoint matches the database: whole batches, nothing written past it.
    const checkpoint = parseCheckpoint(JSON.parse(readFileSync(state, 'utf8')));
    const done = rows(file).filter((row) => row.version === 0);
    expect(checkpoint.totals.updated).toBe(done.length);
    expect(done.length % 5).toBe(0);
    expect(done.length).toBeGreaterThan(0);
    expect(done.length).toBeLessThan(300);
    expect(checkpoint.lanes).toEqual([{ after: { text: done.at(-1)?.id }, done: false }]);

    // A row behind the checkpoint that lacks its fields again: a resumed run does not go back
    // over finished batches, so it stays as it is; a run from the start would take it.
    const behind = done[0]?.id;
    const db = new Database(file);
    db.prepare('UPDATE orders SET version = NULL WHERE id = ?').run(behind);
    db.close();
    const second = await runCli([...args, '--state', state], { tty: true });
    expect(second.code).toBe(0);
    expect(second.output).toContain(
      `backfill of sqlite:orders complete: ${300 - done.length} read, ${300 - done.length} brought up to date`,
    );
    expect(second.output).toContain('since the first run: 300 read, 300 brought up to date');
    expect(existsSync(state)).toBe(false);
    const after = rows(file);
    expect(after.filter((row) => row.version === null).map((row) => row.id)).toEqual([behind]);
    expect(after.every((row) => row.modified_at !== null)).toBe(true);

    const fresh = await runCli(args);
    expect(fresh.code).toBe(0);
    expect(fresh.output).toContain('complete: 1 read, 1 brought up to date');
  }, 60_000);
});

describe('ifmatch backfill without a terminal', () => {
  it('prints plain lines, and a dry run writes nothing, not even its state file', async () => {
    const file = legacyFile('dry.db', 40);
    const state = join(dir, 'dry.json');
    const run = await runCli([
      'backfill',
      'sqlite',
      '--file',
      file,
      '--table',
      'orders',
      '--dry-run',
      '--state',
      state,
    ]);
    expect(run.code).toBe(0);
    expect(run.output).not.toContain('\r');
    expect(run.output).toMatch(/^sqlite:orders \[.*\] \d+% \d+\/~40 · \d+ would update/m);
    expect(run.output).toContain(
      'dry run of sqlite:orders: 40 read, 40 would be brought up to date, 0 left alone (written meanwhile), 0 errors. Nothing was written.',
    );
    expect(rows(file).every((row) => row.version === null && row.modified_at === null)).toBe(true);
    expect(existsSync(state)).toBe(false);
  });

  it('stores the hashes the store computes, with the secret from --secret-env', async () => {
    const file = legacyFile('hashes.db', 20);
    const run = await runCli(
      ['backfill', 'sqlite', '--file', file, '--table', 'orders', '--strategy', 'hash', '--secret-env', 'SHOP_SECRET'],
      { env: { SHOP_SECRET: SECRET } },
    );
    expect(run.code).toBe(0);
    const db = new Database(file, { readonly: true });
    const secret = await importEtagSecret(SECRET);
    for (const row of db.prepare('SELECT * FROM orders').all() as Record<string, unknown>[]) {
      const value = {
        customer: row.customer,
        quantity: row.quantity,
        notes: row.notes === null ? null : JSON.parse(String(row.notes)),
      };
      expect(row.etag_hash).toBe(await keyedHashEtag(hashableJson(value), secret));
    }
    db.close();
  });

  it('refuses what it cannot do, with exit code 2 and a reason', async () => {
    const file = legacyFile('refused.db', 1);
    const cases: [string[], RegExp][] = [
      [['backfill', 'oracle'], /backfill what\?/],
      [['backfill', 'sqlite', '--table', 'orders'], /sqlite needs --file/],
      [['backfill', 'sqlite', '--file', file, '--table', 'orders', '--batch-size', '0'], /--batch-size must be/],
      [['backfill', 'sqlite', '--file', file, '--table', 'orders', '--secret-env', 'NOT_SET_ANYWHERE'], /is not set/],
      [['backfill', 'sqlite', '--file', file, '--table', 'missing'], /table missing does not exist/],
      [
        ['backfill', 'mongodb', '--url', 'mongodb://127.0.0.1:1', '--collection', 'c', '--strategy', 'hash'],
        /no hashes/,
      ],
      [
        ['backfill', 'postgres', '--url', 'postgres://x:secret@127.0.0.1:1/db', '--table', 't', '--strategy', 'hash'],
        /needs --document/,
      ],
      [['backfill', 'sqlite', '--file', file, '--table', 'orders', '--frobnicate'], /Unknown option '--frobnicate'/],
    ];
    for (const [args, reason] of cases) {
      const run = await runCli(args);
      expect(run.output).toMatch(reason);
      expect(run.code).toBe(2);
    }
  }, 60_000);

  it('names what to install when the driver or the adapter is missing', async () => {
    const file = legacyFile('missing.db', 1);
    for (const hidden of ['better-sqlite3', '@ifmatch/sqlite']) {
      const run = await runCli(['backfill', 'sqlite', '--file', file, '--table', 'orders'], { hide: hidden });
      expect(run.code).toBe(1);
      expect(run.output).toContain(
        `ifmatch backfill sqlite needs @ifmatch/sqlite, better-sqlite3; ${hidden} is not installed: ` +
          'npm install @ifmatch/sqlite better-sqlite3 ' +
          '(or: npx -p @ifmatch/sqlite -p better-sqlite3 -p @ifmatch/cli ifmatch backfill sqlite …)',
      );
    }
    expect(rows(file)[0]?.version).toBeNull();
  }, 30_000);
});
