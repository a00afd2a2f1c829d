import { join } from 'node:path';
import { errorCodeOf } from '@ifmatch/contract';
import { UNCONDITIONAL } from '@ifmatch/core';
import { createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, tempDir } from './helpers.js';

const files = tempDir();
afterAll(() => files.cleanup());

function valuesTable(strategy: 'version' | 'hash' = 'version') {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE v (
    id TEXT PRIMARY KEY, label TEXT, amount INTEGER, ratio REAL, price NUMERIC, due DATETIME, raw BLOB,
    anything, data JSON, version INTEGER, modified_at INTEGER, incarnation TEXT, etag_hash TEXT
  )`);
  return { db, store: createSqliteStore<Record<string, unknown>, string>({ db, table: 'v', strategy }) };
}

describe('row mode: values come back as they went in, or are refused', () => {
  it('keeps an integer past 2^53 exact, as a bigint', async () => {
    const { store } = valuesTable();
    const big = 2n ** 60n + 1n;
    const written = await store.put('a', { amount: big }, UNCONDITIONAL);
    expect(written.ok && written.record.value.amount).toBe(big);
    expect((await store.get('a'))?.value.amount).toBe(big);
  });

  it.each([
    ['a whole number past 2^53 in an INTEGER column', { amount: 2 ** 62 }],
    ['a whole number past 2^53 in a NUMERIC column', { price: -(2 ** 60) }],
    ['a whole number past 2^63 in an INTEGER column (it stays a REAL)', { amount: 2 ** 64 }],
    ['a whole number past 2^53 in a REAL column', { ratio: 2 ** 62 }],
    ['a whole number past 2^53 in a column without a type', { anything: 2 ** 62 }],
  ])('returns from the write what a read returns: %s', async (_case, value) => {
    const { store } = valuesTable();
    const written = await store.put('a', value, UNCONDITIONAL);
    expect(written.ok && written.record.value).toStrictEqual((await store.get('a'))?.value);
  });

  it('gives every other value back unchanged', async () => {
    const { store } = valuesTable();
    const value = {
      label: '5',
      amount: 7,
      ratio: 2,
      price: 3.25,
      due: '2026-11-22T10:00:00Z',
      raw: Buffer.from([1, 2, 3]),
      anything: 'x',
      data: { deep: [1, { b: true }] },
    };
    const written = await store.put('a', value, UNCONDITIONAL);
    expect(written.ok && written.record.value).toEqual(value);
    expect((await store.get('a'))?.value).toEqual(value);
  });

  it.each([
    ['a number in a TEXT column (it would come back "5.0")', { label: 5 }],
    ['a numeric-looking string in an INTEGER column (it would come back a number)', { amount: '42' }],
    ['a numeric-looking string in a NUMERIC column', { price: ' 3.5 ' }],
    ['a bigint past 2^53 in a REAL column (it would lose digits)', { ratio: 2n ** 60n }],
    ['a boolean', { label: true }],
    ['an object in a column that is not JSON', { label: { a: 1 } }],
    ['NaN', { ratio: Number.NaN }],
    ['NaN inside a JSON column', { data: { n: Number.NaN } }],
  ])('refuses %s with INVALID_VALUE and writes nothing', async (_what, value) => {
    const { db, store } = valuesTable();
    expect(await errorCodeOf(store.put('a', value, UNCONDITIONAL))).toBe('INVALID_VALUE');
    expect(db.prepare('SELECT COUNT(*) AS n FROM v').get()).toEqual({ n: 0 });
  });

  it('under the hash strategy, a value and what reads back have one tag', async () => {
    const { store } = valuesTable('hash');
    const written = await store.put('a', { amount: 5n, label: undefined, data: { x: 1, y: undefined } }, UNCONDITIONAL);
    const read = await store.get('a');
    expect(read?.value).toMatchObject({ amount: 5, label: null, data: { x: 1 } });
    expect(written.ok && written.record.etag).toEqual(read?.etag);
    const same = await store.put('b', { amount: 5, data: { x: 1 } }, UNCONDITIONAL);
    expect(same.ok && same.record.etag).toEqual(read?.etag);
  });

  it.each([
    ['an object', { id: 1 }],
    ['a boolean', true],
  ])('refuses %s as a key with a TypeError', async (_what, key) => {
    const { store } = valuesTable();
    await expect(store.get(key as unknown as string)).rejects.toThrow(TypeError);
  });
});

/** Counts event-loop turns while `work` runs: a blocked loop counts none. */
async function ticksDuring<R>(work: () => Promise<R>): Promise<{ result: R; ticks: number }> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  try {
    return { result: await work(), ticks };
  } finally {
    clearInterval(timer);
  }
}

describe('locks held by another connection', () => {
  const locked = () => {
    const file = join(files.dir, `locked-${Math.random()}.db`);
    const db = openDatabase(file);
    db.exec(
      'CREATE TABLE items (id TEXT PRIMARY KEY, n INTEGER, version INTEGER, modified_at INTEGER, incarnation TEXT)',
    );
    const other = openDatabase(file);
    return { db, other };
  };

  it('control: SQLite’s own busy timeout blocks the event loop while it waits', async () => {
    const { db, other } = locked();
    db.pragma('busy_timeout = 300');
    other.exec('BEGIN IMMEDIATE');
    const { ticks } = await ticksDuring(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20)); // let the interval start
      const before = performance.now();
      expect(() => db.prepare("INSERT INTO items (id, n) VALUES ('x', 1)").run()).toThrow(/locked|busy/i);
      return performance.now() - before;
    });
    // 300 ms of waiting inside the statement: the interval could only run before it.
    expect(ticks).toBeLessThanOrEqual(5);
    other.exec('ROLLBACK');
    other.close();
    db.close();
  });

  it('waits for the lock without blocking other work, then writes', async () => {
    const { db, other } = locked();
    const store = createSqliteStore<{ n: number }, string>({ db, table: 'items' });
    await store.create('seen', { n: 0 });
    other.exec('BEGIN IMMEDIATE');
    setTimeout(() => other.exec('COMMIT'), 150);
    const { result, ticks } = await ticksDuring(async () => {
      const write = store.put('a', { n: 1 }, UNCONDITIONAL);
      // Reads of the same process go on meanwhile (WAL readers do not wait for the writer).
      const read = await store.get('seen');
      expect(read?.value).toEqual({ n: 0 });
      return write;
    });
    expect(result.ok).toBe(true);
    expect(ticks).toBeGreaterThanOrEqual(10);
    other.close();
    db.close();
  });

  it('gives up with THROTTLED after lockTimeoutMs, having kept the event loop free, and writes nothing', async () => {
    const { db, other } = locked();
    const store = createSqliteStore<{ n: number }, string>({ db, table: 'items', lockTimeoutMs: 200 });
    other.exec('BEGIN IMMEDIATE');
    const started = performance.now();
    const { result, ticks } = await ticksDuring(() => errorCodeOf(store.put('a', { n: 1 }, UNCONDITIONAL)));
    expect(result).toBe('THROTTLED');
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(ticks).toBeGreaterThanOrEqual(15);
    other.exec('ROLLBACK');
    expect(await store.get('a')).toBeUndefined();
    other.close();
    db.close();
  });
});
