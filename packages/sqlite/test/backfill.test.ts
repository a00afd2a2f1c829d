import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expectValidForSameContentOrStale } from '@ifmatch/contract';
import { type BackfillError, importEtagSecret, keyedHashEtag, type Store, type StoredRecord } from '@ifmatch/core';
import { hashableJson } from '@ifmatch/core/driver';
import { addSystemColumns, backfillSqlite, createSqliteStore } from '@ifmatch/sqlite';
import type Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, tempDir } from './helpers.js';

const WRITER = fileURLToPath(new URL('./backfill-writer.ts', import.meta.url));
// tsx resolves @ifmatch/* to the sources through the root tsconfig's paths: no build needed.
const TSCONFIG = fileURLToPath(new URL('../../../tsconfig.json', import.meta.url));
const SECRET = 'a secret of at least thirty-two bytes, for sealed hashes';
const files = tempDir();
afterAll(() => files.cleanup());

type Order = { customer: string; quantity: number; notes: unknown };
const keyOf = (i: number) => `order-${String(i).padStart(4, '0')}`;

/** An application's table before ifmatch: plain SQL, no system columns, `count` rows. */
function legacyTable(db: Database.Database, table: string, count: number): void {
  db.exec(
    `CREATE TABLE "${table}" (id TEXT PRIMARY KEY, customer TEXT NOT NULL, quantity INTEGER NOT NULL, notes JSON)`,
  );
  const insert = db.prepare(`INSERT INTO "${table}" VALUES (?, ?, ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      insert.run(
        keyOf(i),
        `customer ${i}`,
        i % 7,
        i % 3 === 0 ? null : JSON.stringify({ gift: i % 2 === 0, lines: [i] }),
      );
    }
  })();
}

/** Starts the writer processes and waits until all are ready; `go` lets them go at once. */
async function startWriters(
  count: number,
  args: string[],
): Promise<{ go(): void; results: Promise<Record<string, number>[]> }> {
  const children: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  const results: Promise<Record<string, number>>[] = [];
  for (let i = 0; i < count; i++) {
    const child = fork(WRITER, args, {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
      stdio: 'inherit',
    });
    children.push(child);
    ready.push(new Promise((resolve) => child.once('message', () => resolve())));
    results.push(
      new Promise((resolve, reject) => {
        child.on('message', (message: { ready?: true; result?: Record<string, number>; error?: string }) => {
          if (message.error) reject(new Error(message.error));
          else if (message.result) resolve(message.result);
        });
        child.once('exit', (code) => code !== 0 && reject(new Error(`writer exited with ${code}`)));
      }),
    );
  }
  await Promise.all(ready);
  return {
    go: () => {
      for (const child of children) child.send('go');
    },
    results: Promise.all(results),
  };
}

/**
 * A tag handed out before the backfill is either still the record's tag, for the very content
 * it was handed out with, or stale: a write under it fails and changes nothing.
 */
async function readAll<T>(store: Store<T, string>, count: number): Promise<Map<string, StoredRecord<T, string>>> {
  const records = new Map<string, StoredRecord<T, string>>();
  for (let i = 0; i < count; i++) {
    const record = await store.get(keyOf(i));
    if (record === undefined) throw new Error(`${keyOf(i)} is missing`);
    records.set(keyOf(i), record);
  }
  return records;
}

describe('backfillSqlite', () => {
  it('adopts a table while 3 processes keep writing: every record served, no write lost, no tag reused', async () => {
    const RECORDS = 300;
    const file = join(files.dir, 'adoption.db');
    const db = openDatabase(file);
    legacyTable(db, 'orders', RECORDS);
    const initial = new Map(
      (db.prepare('SELECT id, quantity FROM orders').all() as { id: string; quantity: number }[]).map((r) => [
        r.id,
        r.quantity,
      ]),
    );
    // The adoption path: the schema helper, then stores (served at once), then the backfill.
    addSystemColumns(db, 'orders');
    const hashStore = createSqliteStore<Order, string>({ db, table: 'orders', strategy: 'hash', secret: SECRET });
    const versionStore = createSqliteStore<Order, string>({ db, table: 'orders' });
    const hashTagsBefore = await readAll(hashStore, RECORDS);
    const versionTagsBefore = await readAll(versionStore, RECORDS);
    expect([...versionTagsBefore.values()].every((r) => r.etag.opaque === 'v0')).toBe(true);

    const writers = await startWriters(3, [file, 'orders', SECRET, String(RECORDS), '150']);
    const skipped = new Set<unknown>();
    writers.go();
    const report = await backfillSqlite({
      db,
      table: 'orders',
      strategy: 'hash',
      secret: SECRET,
      batchSize: 10,
      pauseMs: 25,
      lockTimeoutMs: 30_000,
      onProgress: (progress) => {
        for (const key of progress.batch.skipped) skipped.add(key);
      },
    });
    const landed = await writers.results;

    // No write lost: every increment that landed is in the table, exactly.
    const written = new Map<string, number>();
    for (const result of landed)
      for (const [key, n] of Object.entries(result)) written.set(key, (written.get(key) ?? 0) + n);
    expect([...written.values()].reduce((a, b) => a + b, 0)).toBe(450);
    for (const [key, quantity] of initial) {
      const row = db.prepare('SELECT quantity FROM orders WHERE id = ?').get(key) as { quantity: number };
      expect(row.quantity).toBe(quantity + (written.get(key) ?? 0));
    }
    // The backfill left alone only records the writers wrote, and brought the others up to date.
    expect(report).toMatchObject({ complete: true, run: { errors: 0 } });
    expect(report.run.updated + report.run.skipped).toBe(report.run.scanned);
    for (const key of skipped) expect(written.has(key as string)).toBe(true);
    const rows = db.prepare('SELECT * FROM orders').all() as Record<string, unknown>[];
    for (const row of rows) {
      expect(row.modified_at).not.toBeNull();
      expect(row.etag_hash).not.toBeNull();
      // A backfill that overwrote a concurrent write would have reset its version to 0.
      expect(row.version).toBe(written.get(row.id as string) ?? 0);
    }
    // Every record is served with a valid tag: the hash stored is the keyed hash of its content.
    const secret = await importEtagSecret(SECRET);
    for (const record of (await readAll(hashStore, RECORDS)).values()) {
      expect(record.etag.opaque).toBe(await keyedHashEtag(hashableJson(record.value), secret));
      expect(record.lastModified).toBeGreaterThan(0);
    }
    // Tags handed out before: untouched records keep theirs, written ones are stale.
    const hashTags = await expectValidForSameContentOrStale(hashStore, hashTagsBefore);
    const versionTags = await expectValidForSameContentOrStale(versionStore, versionTagsBefore);
    expect(hashTags.valid).toBe(RECORDS - written.size);
    expect(versionTags.valid).toBe(RECORDS - written.size);
    // A second run changes nothing.
    const again = await backfillSqlite({ db, table: 'orders', strategy: 'hash', secret: SECRET });
    expect(again.run).toEqual({ scanned: 0, updated: 0, skipped: 0, errors: 0 });
    db.close();
  }, 60_000);

  it('leaves alone a row written between its read and its write, by the store or by plain SQL', async () => {
    const db = openDatabase(join(files.dir, 'pinned.db'));
    legacyTable(db, 'orders', 4);
    addSystemColumns(db, 'orders');
    const store = createSqliteStore<Order, string>({ db, table: 'orders', strategy: 'hash', secret: SECRET });
    const hashBefore = await store.get(keyOf(1));
    if (hashBefore === undefined) throw new Error('the seeded row cannot be read');
    let calls = 0;
    const report = await backfillSqlite({
      db,
      table: 'orders',
      strategy: 'hash',
      secret: SECRET,
      // The clock is read once per batch, after the batch is read and before it is written:
      // writing here lands exactly inside the race window.
      now: () => {
        if (calls++ === 0) {
          db.prepare('UPDATE orders SET quantity = 99 WHERE id = ?').run(keyOf(1)); // no system field touched
          db.prepare('UPDATE orders SET version = 5 WHERE id = ?').run(keyOf(2)); // another ORM's counter
          db.prepare('UPDATE orders SET modified_at = 7 WHERE id = ?').run(keyOf(3));
        }
        return Date.now();
      },
    });
    expect(report.run).toEqual({ scanned: 4, updated: 1, skipped: 3, errors: 0 });
    // The hash of the content read was not stored over the new content: the tag handed out
    // for the old content stays refused.
    expect(db.prepare('SELECT etag_hash, version FROM orders WHERE id = ?').get(keyOf(1))).toEqual({
      etag_hash: null,
      version: null,
    });
    const stale = await store.put(keyOf(1), { customer: 'x', quantity: 0, notes: null }, { etagIn: [hashBefore.etag] });
    expect(stale).toMatchObject({ ok: false, reason: 'precondition-failed' });
    // The next run brings them up to date, with the hash of the content as it is now.
    const next = await backfillSqlite({ db, table: 'orders', strategy: 'hash', secret: SECRET });
    expect(next.run).toEqual({ scanned: 3, updated: 3, skipped: 0, errors: 0 });
    const current = await store.get(keyOf(1));
    expect(current?.value.quantity).toBe(99);
    expect(current?.etag.opaque).toBe(
      await keyedHashEtag(hashableJson(current?.value), await importEtagSecret(SECRET)),
    );
    expect(db.prepare('SELECT version, modified_at FROM orders WHERE id = ?').get(keyOf(3))).toEqual({
      version: 0,
      modified_at: 7,
    });
    db.close();
  });

  it('pages by key in SQLite order (integers past 2^53, text, bytes), resumes after an interruption, and a dry run writes nothing', async () => {
    const db = openDatabase(join(files.dir, 'keys.db'));
    db.exec('CREATE TABLE things (id PRIMARY KEY, label TEXT)');
    const keys: unknown[] = [-5n, 1n, 2n ** 53n + 1n, 2n ** 62n, 'a', 'b', 'c', Buffer.from([0]), Buffer.from([1, 2])];
    const insert = db.prepare('INSERT INTO things VALUES (?, ?)').safeIntegers(true);
    for (const key of keys) insert.run(key, `label ${String(key)}`);
    addSystemColumns(db, 'things');
    const all = () => db.prepare('SELECT version, modified_at FROM things').all();

    const dry = await backfillSqlite({ db, table: 'things', dryRun: true, batchSize: 2 });
    expect(dry).toMatchObject({ dryRun: true, complete: true, run: { scanned: 9, updated: 9 } });
    expect(all().every((row) => (row as { version: unknown }).version === null)).toBe(true);

    const stop = new AbortController();
    const seen: unknown[] = [];
    const first = await backfillSqlite({
      db,
      table: 'things',
      batchSize: 2,
      signal: stop.signal,
      onProgress: (progress) => {
        seen.push(...progress.batch.updated);
        if (progress.run.scanned >= 4) stop.abort();
      },
    });
    expect(first).toMatchObject({ complete: false, run: { scanned: 4, updated: 4 } });
    const second = await backfillSqlite({
      db,
      table: 'things',
      batchSize: 2,
      checkpoint: JSON.parse(JSON.stringify(first.checkpoint)),
      onProgress: (progress) => void seen.push(...progress.batch.updated),
    });
    expect(second).toMatchObject({ complete: true, run: { scanned: 5, updated: 5 }, totals: { scanned: 9 } });
    // Each key once, in SQLite's order: integers, then text, then blobs; big integers exact.
    expect(seen).toEqual([-5, 1, 2n ** 53n + 1n, 2n ** 62n, 'a', 'b', 'c', Buffer.from([0]), Buffer.from([1, 2])]);
    expect(all().every((row) => (row as { version: unknown }).version === 0)).toBe(true);
    db.close();
  });

  it('fills a version or time another writer left as text or a blob, as the store reads them (version 0, no time)', async () => {
    const db = openDatabase(join(files.dir, 'foreign-types.db'));
    db.exec('CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT)');
    addSystemColumns(db, 'notes');
    const insert = db.prepare('INSERT INTO notes (id, body, version, modified_at) VALUES (?, ?, ?, ?)');
    insert.run('text', 'a', 'v1.2', '2024-05-01T10:00:00Z');
    insert.run('blob', 'b', Buffer.from([7]), Buffer.from([8]));
    insert.run('fine', 'c', 4, 1_700_000_000_000);
    const store = createSqliteStore<{ body: string }>({ db, table: 'notes' });
    const tags = new Map<string, unknown>();
    for (const key of ['text', 'blob']) {
      const read = await store.get(key);
      expect(read?.version).toBe(0);
      expect(read?.lastModified).toBeUndefined();
      tags.set(key, read?.etag);
    }

    const before = Date.now();
    const result = await backfillSqlite({ db, table: 'notes' });
    expect(result).toMatchObject({ complete: true, run: { scanned: 2, updated: 2 } });
    const rows = db.prepare('SELECT id, version, modified_at AS modifiedAt FROM notes ORDER BY id').all();
    expect(rows).toEqual([
      { id: 'blob', version: 0, modifiedAt: expect.any(Number) },
      { id: 'fine', version: 4, modifiedAt: 1_700_000_000_000 },
      { id: 'text', version: 0, modifiedAt: expect.any(Number) },
    ]);
    for (const row of rows as { modifiedAt: number }[])
      expect(row.modifiedAt === 1_700_000_000_000 || row.modifiedAt >= before).toBe(true);
    // The tags handed out before still name the same content: version 0 it was, version 0 it is.
    for (const [key, etag] of tags) {
      const written = await store.put(key, { body: 'new' }, { etagIn: [etag as never] });
      expect(written.ok && written.record.version).toBe(1);
    }
    db.close();
  });

  it('writes its clock in whole milliseconds, and stops on a clock that gives no time, writing nothing', async () => {
    const db = openDatabase(join(files.dir, 'clock.db'));
    legacyTable(db, 'orders', 2);
    addSystemColumns(db, 'orders');
    const broken = await backfillSqlite({ db, table: 'orders', now: () => Number.NaN }).catch(
      (error: unknown) => error,
    );
    expect(broken).toMatchObject({ name: 'BackfillError' });
    expect((broken as BackfillError).cause).toBeInstanceOf(TypeError);
    expect(
      db.prepare('SELECT count(*) AS n FROM orders WHERE version IS NOT NULL OR modified_at IS NOT NULL').get(),
    ).toEqual({
      n: 0,
    });
    const result = await backfillSqlite({ db, table: 'orders', now: () => 1_700_000_000_000.5 });
    expect(result).toMatchObject({ complete: true, run: { updated: 2 } });
    const store = createSqliteStore<{ customer: string; quantity: number; notes: unknown }>({ db, table: 'orders' });
    expect((await store.get(keyOf(1)))?.lastModified).toBe(1_700_000_000_000);
    db.close();
  });

  it('stops on a transport error with the checkpoint of the last completed batch', async () => {
    const file = join(files.dir, 'closed.db');
    const db = openDatabase(file);
    legacyTable(db, 'orders', 10);
    addSystemColumns(db, 'orders');
    const failed = await backfillSqlite({
      db,
      table: 'orders',
      batchSize: 4,
      onProgress: () => {
        db.close(); // the connection goes away after the first batch
      },
    }).catch((error: unknown) => error);
    expect(failed).toMatchObject({ name: 'BackfillError', code: 'TRANSPORT' });
    const { checkpoint } = failed as BackfillError;
    expect(checkpoint).toMatchObject({ lanes: [{ after: { text: keyOf(3) }, done: false }], totals: { updated: 4 } });
    const reopened = openDatabase(file);
    const resumed = await backfillSqlite({ db: reopened, table: 'orders', batchSize: 4, checkpoint });
    expect(resumed).toMatchObject({ complete: true, run: { scanned: 6, updated: 6 }, totals: { updated: 10 } });
    reopened.close();
  });

  it('stores the hash the store computes for a document column, and refuses what it cannot do', async () => {
    const db = openDatabase(join(files.dir, 'documents.db'));
    db.exec('CREATE TABLE docs (id TEXT PRIMARY KEY, body JSON NOT NULL)');
    db.prepare('INSERT INTO docs VALUES (?, ?)').run('d', '{"b":[1,2.5,{"c":null}],"a":"x"}');
    await expect(backfillSqlite({ db, table: 'docs' })).rejects.toThrow(/addSystemColumns/);
    addSystemColumns(db, 'docs');
    const store = createSqliteStore({ db, table: 'docs', documentColumn: 'body', strategy: 'hash' });
    const before = await store.get('d');
    await backfillSqlite({ db, table: 'docs', documentColumn: 'body', strategy: 'hash' });
    expect(db.prepare('SELECT etag_hash FROM docs').get()).toEqual({ etag_hash: before?.etag.opaque });
    expect(await store.get('d')).toEqual({ ...before, lastModified: expect.any(Number) });
    db.close();
  });
});
