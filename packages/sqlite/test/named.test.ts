import { addSystemColumns, createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { positional } from '../src/named.js';

describe('positional', () => {
  it.each([
    [
      'plain names',
      'UPDATE t SET a = @a WHERE id = @key AND v = @a',
      'UPDATE t SET a = ? WHERE id = ? AND v = ?',
      ['a', 'key', 'a'],
    ],
    [
      'names in quoted identifiers stay',
      'SELECT "x@y", "q""@z" FROM "t@" WHERE k = @k',
      'SELECT "x@y", "q""@z" FROM "t@" WHERE k = ?',
      ['k'],
    ],
    [
      'names in literals stay',
      "SELECT 'a@b' || ':' || @s, '''@c' FROM t",
      "SELECT 'a@b' || ':' || ?, '''@c' FROM t",
      ['s'],
    ],
    ['a name ends at the first non-word character', 'json_each(@anyOf)', 'json_each(?)', ['anyOf']],
    ['no names', 'SELECT 1', 'SELECT 1', []],
  ])('%s', (_case, sql, text, names) => {
    expect(positional(sql)).toEqual({ text, names });
  });

  it.each([
    ['an unterminated identifier', 'SELECT "a'],
    ['an unterminated literal', "SELECT 'a"],
    ['an @ without a name', 'SELECT @ FROM t'],
  ])('refuses %s', (_case, sql) => {
    expect(() => positional(sql)).toThrow(SyntaxError);
  });
});

describe('a table and columns whose names hold "@" and quotes', () => {
  it('reads and writes through the positional statements', async () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE "we@ird ""t""" ("i@d" TEXT PRIMARY KEY, "ti@tle" TEXT, "n'@" INTEGER)`);
    addSystemColumns(db, 'we@ird "t"');
    const store = createSqliteStore<Record<string, unknown>, string>({
      db,
      table: 'we@ird "t"',
      columns: { key: 'i@d' },
    });
    const created = await store.create('k@1', { 'ti@tle': '@a', "n'@": 1 });
    expect(created.ok).toBe(true);
    if (!created.ok) return;
    const updated = await store.put('k@1', { 'ti@tle': '@b', "n'@": 2 }, { etagIn: [created.record.etag] });
    expect(updated.ok).toBe(true);
    expect((await store.put('k@1', { 'ti@tle': 'lost', "n'@": 3 }, { etagIn: [created.record.etag] })).ok).toBe(false);
    expect((await store.get('k@1'))?.value).toEqual({ 'ti@tle': '@b', "n'@": 2 });
    expect((await store.delete('k@1', { etagIn: updated.ok ? [updated.record.etag] : [] })).ok).toBe(true);
  });
});
