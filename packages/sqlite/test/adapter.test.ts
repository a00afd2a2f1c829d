import { join } from 'node:path';
import { errorCodeOf } from '@ifmatch/contract';
import { UNCONDITIONAL } from '@ifmatch/core';
import { createDefaultTable, createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createContractTable, openDatabase, tempDir } from './helpers.js';

const files = tempDir();
afterAll(() => files.cleanup());

type Doc = { title: string; count: number; details: unknown };

function memoryTable() {
  const db = new Database(':memory:');
  createContractTable(db, 'items');
  return { db, store: createSqliteStore<Doc>({ db, table: 'items' }) };
}

describe('row mode', () => {
  it('stores each member in its column, JSON columns as JSON text', async () => {
    const { db, store } = memoryTable();
    await store.create('a', { title: 'A', count: 2, details: { deep: [1, { x: true }] } });
    expect(db.prepare('SELECT title, count, details, version FROM items WHERE id = ?').get('a')).toEqual({
      title: 'A',
      count: 2,
      details: '{"deep":[1,{"x":true}]}',
      version: 1,
    });
  });

  it('refuses a member with no column, or a type a plain column cannot hold, and writes nothing', async () => {
    const { db, store } = memoryTable();
    expect(await errorCodeOf(store.create('a', { title: 'A', count: 1, details: null, extra: 1 } as Doc))).toBe(
      'INVALID_VALUE',
    );
    expect(await errorCodeOf(store.create('a', { title: 'A', count: true, details: null } as unknown as Doc))).toBe(
      'INVALID_VALUE',
    );
    expect(await errorCodeOf(store.create('a', [] as unknown as Doc))).toBe('INVALID_VALUE');
    expect(db.prepare('SELECT COUNT(*) AS n FROM items').get()).toEqual({ n: 0 });
  });

  it('reports a NOT NULL violation as INVALID_VALUE, not as a conflict', async () => {
    const { store } = memoryTable();
    expect(await errorCodeOf(store.create('a', { count: 1, details: null } as unknown as Doc))).toBe('INVALID_VALUE');
  });

  it('accepts the key member when a row is spread back in', async () => {
    const { store } = memoryTable();
    const outcome = await store.put('a', { id: 'a', title: 'A', count: 1, details: null } as Doc, UNCONDITIONAL);
    expect(outcome.ok).toBe(true);
  });
});

describe('configuration', () => {
  it('uses the column names it is given', async () => {
    const db = new Database(':memory:');
    createDefaultTable(db, 'docs', {
      documentColumn: 'body',
      columns: { key: 'pk', version: 'rev', modifiedAt: 'changed', incarnation: 'life', hash: 'digest' },
    });
    const store = createSqliteStore<{ n: number }>({
      db,
      table: 'docs',
      documentColumn: 'body',
      strategy: 'hash',
      columns: { key: 'pk', version: 'rev', modifiedAt: 'changed', incarnation: 'life', hash: 'digest' },
    });
    const outcome = await store.create('k', { n: 1 });
    expect(outcome.ok).toBe(true);
    const row = db.prepare('SELECT * FROM docs').get() as Record<string, unknown>;
    expect(row).toMatchObject({ pk: 'k', body: '{"n":1}', rev: 1 });
    expect(outcome.ok && outcome.record.etag.opaque).toBe(row.digest);
  });

  it('refuses a table or column that does not exist', () => {
    const db = new Database(':memory:');
    expect(() => createSqliteStore({ db, table: 'nope' })).toThrow(TypeError);
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, version INTEGER)');
    expect(() => createSqliteStore({ db, table: 't' })).toThrow(/modified_at/);
    db.exec('CREATE TABLE u (id TEXT PRIMARY KEY, version INTEGER, modified_at INTEGER)');
    expect(() => createSqliteStore({ db, table: 'u' })).toThrow(/incarnation.*addSystemColumns/);
  });

  it('refuses the hash strategy without a hash column with NOT_SUPPORTED', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY, data JSON, version INTEGER, modified_at INTEGER, incarnation TEXT)');
    expect(() => createSqliteStore({ db, table: 't', strategy: 'hash' })).toThrow(
      expect.objectContaining({ code: 'NOT_SUPPORTED' }),
    );
  });
});

describe('transactions and failures', () => {
  it('takes part in the caller’s own transaction, and rolls back with it', async () => {
    const { db, store } = memoryTable();
    await store.create('a', { title: 'A', count: 0, details: null });
    const begin = db.prepare('BEGIN');
    begin.run();
    await store.put('a', { title: 'B', count: 1, details: null }, UNCONDITIONAL);
    expect((await store.get('a'))?.value.title).toBe('B');
    db.prepare('ROLLBACK').run();
    expect((await store.get('a'))?.value.title).toBe('A');
  });

  it('reports a database locked by another connection as THROTTLED, and writes nothing', async () => {
    const file = join(files.dir, 'locked.db');
    const db = openDatabase(file);
    createContractTable(db, 'items');
    const store = createSqliteStore<Doc>({ db, table: 'items', lockTimeoutMs: 50 });
    const other = openDatabase(file);
    other.exec('BEGIN IMMEDIATE');
    expect(await errorCodeOf(store.create('a', { title: 'A', count: 0, details: null }))).toBe('THROTTLED');
    other.exec('ROLLBACK');
    expect(await store.get('a')).toBeUndefined();
    other.close();
    db.close();
  });

  it('reports a closed database as TRANSPORT, never as a conflict', async () => {
    const { db, store } = memoryTable();
    db.close();
    expect(await errorCodeOf(store.get('a'))).toBe('TRANSPORT');
    expect(await errorCodeOf(store.put('a', { title: 'A', count: 0, details: null }, { etagIn: [] }))).toBe(
      'TRANSPORT',
    );
  });
});
