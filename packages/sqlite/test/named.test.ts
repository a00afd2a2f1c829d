import { addSystemColumns, createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { positional, prepareNamed } from '../src/named.js';

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

describe('prepareNamed', () => {
  // Up to 32 arguments are listed at the call site, more are spread: every count must bind
  // each value to its own parameter, through run and get alike.
  it.each(Array.from({ length: 41 }, (_, count) => count))('binds %i parameters, each to its own place', (count) => {
    const db = new Database(':memory:');
    const names = Array.from({ length: count }, (_, i) => `c${i}`);
    db.exec(`CREATE TABLE t (${['id INTEGER PRIMARY KEY', ...names.map((name) => `${name} INTEGER`)].join(', ')})`);
    const slotOf = (name: string) => Number(name.slice(1));
    const values = names.map((_, i) => i * 10 + 1);
    const insert = prepareNamed(
      db,
      count === 0 ? 'INSERT INTO t DEFAULT VALUES' : `INSERT INTO t (${names}) VALUES (${names.map((n) => `@${n}`)})`,
      slotOf,
    );
    expect(insert.run(values).changes).toBe(1);
    const select = prepareNamed(
      db,
      `SELECT ${count === 0 ? 'id' : names.join(', ')} FROM t WHERE ${['1', ...names.map((n) => `${n} = @${n}`)].join(' AND ')}`,
      slotOf,
    );
    expect(select.get(values)).toEqual(
      count === 0 ? { id: 1 } : Object.fromEntries(names.map((n, i) => [n, values[i]])),
    );
    // One value moved: no row has it, so the WHERE holds only with every value in its place.
    if (count > 1) expect(select.get([...values.slice(1), values[0]])).toBeUndefined();
  });

  it('refuses a run with a parameter missing, naming it', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (a, b)');
    const insert = prepareNamed(db, 'INSERT INTO t VALUES (@a, @b)', (name) => (name === 'a' ? 0 : 1));
    expect(() => insert.run([1])).toThrow(/missing named parameter "b"/);
  });
});
