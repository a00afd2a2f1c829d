import { join } from 'node:path';
import { errorCodeOf } from '@ifmatch/contract';
import { UNCONDITIONAL } from '@ifmatch/core';
import { addSystemColumns, backfillSqlite, createDefaultTable, createSqliteStore } from '@ifmatch/sqlite';
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
  it('refuses a table with a column named "__proto__", whose values better-sqlite3 loses on read', () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE odd (id TEXT PRIMARY KEY, "__proto__" TEXT, n INTEGER)');
    addSystemColumns(db, 'odd');
    expect(() => createSqliteStore({ db, table: 'odd' })).toThrow(/__proto__/);
    // In document mode the value is one JSON column: another column's name does not matter.
    db.exec('ALTER TABLE odd ADD COLUMN doc JSON');
    expect(() => createSqliteStore({ db, table: 'odd', documentColumn: 'doc' })).not.toThrow();
    // Why: the driver's own row object drops the column.
    db.prepare('INSERT INTO odd (id, "__proto__", n) VALUES (?, ?, ?)').run('a', 'x', 1);
    const row = db.prepare('SELECT * FROM odd').get() as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).not.toBe('x');
  });

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

  it('reads a modification time that is text (another writer’s ISO string) as none, and writes the row under its tag', async () => {
    const { db, store } = memoryTable();
    // SQLite keeps what it is given: a TEXT value in the INTEGER column.
    db.prepare(
      `INSERT INTO items (id, title, count, details, version, modified_at) VALUES ('t', 'T', 1, 'null', 2, '2024-05-01T10:00:00Z')`,
    ).run();
    const read = await store.get('t');
    expect(read).toMatchObject({ version: 2, value: { title: 'T' } });
    expect(read?.lastModified).toBeUndefined(); // it used to be NaN
    const written = await store.put('t', { title: 'T2', count: 2, details: null }, { etagIn: [read?.etag as never] });
    expect(written.ok && written.record.version).toBe(3);
    expect((await store.get('t'))?.lastModified).toEqual(expect.any(Number));
  });
  it.each([
    ['text', "'v1.2'"],
    ['a blob', "x'0102'"],
  ])('reads a version that is %s (another writer’s) as 0, and every condition on it works', async (_, stored) => {
    const { db, store } = memoryTable();
    db.prepare(
      `INSERT INTO items (id, title, count, details, version, modified_at) VALUES ('v', 'V', 1, 'null', ${stored}, 5)`,
    ).run();
    const read = await store.get('v');
    expect(read).toMatchObject({ version: 0, value: { title: 'V' } });
    // Its tag names it, a stale one does not, and a list holding it matches too.
    const stale = await store.put(
      'v',
      { title: 'no', count: 0, details: null },
      { etagIn: [{ weak: false, opaque: 'v9' }] },
    );
    expect(stale.ok).toBe(false);
    const listed = await store.put(
      'v',
      { title: 'V2', count: 2, details: null },
      { etagIn: [{ weak: false, opaque: 'v9' }, read?.etag as never] },
    );
    expect(listed.ok && listed.record.version).toBe(1);
    expect((await store.get('v'))?.value.title).toBe('V2');
  });

  it('reads a version that is text as 0 under a single If-Match, and update() changes the row', async () => {
    const { db, store } = memoryTable();
    db.prepare(
      `INSERT INTO items (id, title, count, details, version, modified_at) VALUES ('w', 'W', 1, 'null', 'draft', 5)`,
    ).run();
    const read = await store.get('w');
    const written = await store.put('w', { title: 'W2', count: 2, details: null }, { etagIn: [read?.etag as never] });
    expect(written.ok && written.record.version).toBe(1);
    db.prepare(`UPDATE items SET version = 'draft' WHERE id = 'w'`).run();
    const updated = await store.update('w', (value) => ({ ...value, count: value.count + 1 }), UNCONDITIONAL);
    expect(updated.ok && updated.record.value.count).toBe(3);
    expect(db.prepare(`SELECT version FROM items WHERE id = 'w'`).pluck().get()).toBe(1);
  });

  it.each([
    ['infinite', '9e999'],
    ['too large to count on from', '1e308'],
    ['a fraction', '1700000000000.5'],
  ])(
    'reads a modification time that is %s as none, compares it so, and its first write stores a real time',
    async (_, time) => {
      const db = new Database(':memory:');
      createContractTable(db, 'items');
      const store = createSqliteStore<Doc>({ db, table: 'items', strategy: 'timestamp' });
      db.prepare(
        `INSERT INTO items (id, title, count, details, version, modified_at) VALUES ('i', 'I', 1, 'null', 3, ${time})`,
      ).run();
      const read = await store.get('i');
      expect(read?.lastModified).toBeUndefined();
      const written = await store.put('i', { title: 'I2', count: 2, details: null }, { etagIn: [read?.etag as never] });
      expect(written.ok).toBe(true);
      expect(Number.isFinite(db.prepare(`SELECT modified_at FROM items WHERE id = 'i'`).pluck().get())).toBe(true);
      // The tag it was read under is stale now.
      const again = await store.put('i', { title: 'I3', count: 3, details: null }, { etagIn: [read?.etag as never] });
      expect(again.ok).toBe(false);
      expect((await store.get('i'))?.value.title).toBe('I2');
    },
  );

  it.each([
    ['2^53, where one more is the same double', '9007199254740992'],
    ['past 2^53', '9007199254740993'],
    ['1e308', '1e308'],
    ['a fraction', '2.5'],
  ])('reads a version of %s as 0: two writers under one tag, one wins', async (_, version) => {
    const { db, store } = memoryTable();
    db.prepare(
      `INSERT INTO items (id, title, count, details, version, modified_at) VALUES ('b', 'B', 1, 'null', ${version}, 5)`,
    ).run();
    const read = await store.get('b');
    expect(read?.version).toBe(0);
    const tag = read?.etag as never;
    const a = await store.put('b', { title: 'A', count: 2, details: null }, { etagIn: [tag] });
    const b = await store.put('b', { title: 'B2', count: 3, details: null }, { etagIn: [tag] });
    expect([a.ok, b.ok]).toEqual([true, false]);
    // Two updates that read the same state: both changes land, one after the other.
    const [x, y] = await Promise.all([
      store.update('b', (value) => ({ ...value, count: value.count + 10 }), UNCONDITIONAL),
      store.update('b', (value) => ({ ...value, count: value.count + 100 }), UNCONDITIONAL),
    ]);
    expect(x.ok && y.ok).toBe(true);
    expect((await store.get('b'))?.value.count).toBe(112);
  });

  it('never lets a list of tags match a version another writer moved to a fraction (2 → 2.5)', async () => {
    const { db, store } = memoryTable();
    const first = await store.create('f', { title: 'F', count: 1, details: null });
    if (!first.ok) throw new Error('unexpected');
    const second = await store.put('f', { title: 'F2', count: 2, details: null }, UNCONDITIONAL);
    if (!second.ok) throw new Error('unexpected');
    expect(second.record.version).toBe(2);
    db.prepare(`UPDATE items SET version = 2.5, title = 'theirs' WHERE id = 'f'`).run();
    const stale = second.record.etag;
    const listed = await store.put(
      'f',
      { title: 'mine', count: 3, details: null },
      { etagIn: [first.record.etag, stale] },
    );
    expect(listed.ok).toBe(false);
    const single = await store.put('f', { title: 'mine', count: 3, details: null }, { etagIn: [stale] });
    expect(single.ok).toBe(false);
    expect((await store.get('f'))?.value.title).toBe('theirs');
  });

  it('writes a clock’s fraction of a millisecond as the whole millisecond before it, which reads back as written', async () => {
    const db = new Database(':memory:');
    createContractTable(db, 'items');
    const store = createSqliteStore<Doc>({ db, table: 'items', now: () => 1_700_000_000_000.5 });
    const created = await store.create('c', { title: 'C', count: 1, details: null });
    expect(created.ok && created.record.lastModified).toBe(1_700_000_000_000);
    expect((await store.get('c'))?.lastModified).toBe(1_700_000_000_000);
  });

  it('under a secret, serves and writes a record another writer moved below version −36^10 (a 25-character tag in clear)', async () => {
    const db = new Database(':memory:');
    createContractTable(db, 'items');
    const secret = 'a-server-secret-of-at-least-32-bytes!!';
    const store = createSqliteStore<Doc>({ db, table: 'items', secret });
    const created = await store.create('n', { title: 'N', count: 1, details: null });
    if (!created.ok) throw new Error('unexpected');
    const low = -(36 ** 10) - 1;
    db.prepare(`UPDATE items SET version = ?, title = 'theirs' WHERE id = 'n'`).run(low);
    const read = await store.get('n');
    expect(read?.version).toBe(low);
    expect(read?.etag.opaque).toHaveLength(48);
    expect(
      (await store.put('n', { title: 'stale', count: 2, details: null }, { etagIn: [created.record.etag] })).ok,
    ).toBe(false);
    const written = await store.put('n', { title: 'mine', count: 2, details: null }, { etagIn: [read!.etag] });
    expect(written.ok && written.record.version).toBe(low + 1);
    expect((await store.get('n'))?.value.title).toBe('mine');
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

  it.each([
    ['version', 'TEXT'],
    ['modified_at', 'VARCHAR(32)'],
  ])('refuses a %s column declared %s, which would keep the numbers written there as text', async (column, type) => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE t (id TEXT PRIMARY KEY, title TEXT, version INTEGER, modified_at INTEGER, incarnation TEXT)`);
    db.exec(`ALTER TABLE t RENAME COLUMN ${column} TO old_${column}`);
    db.exec(`ALTER TABLE t ADD COLUMN ${column} ${type}`);
    expect(() => createSqliteStore({ db, table: 't' })).toThrow(
      new RegExp(`${column} of table t is declared ${type.replace(/[()]/g, '\\$&')}`),
    );
    await expect(backfillSqlite({ db, table: 't' })).rejects.toThrow(/declare it INTEGER/);
  });

  it('refuses a type name SQLite reads as TEXT though JavaScript would upper-case it to INT (dotless ı)', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE t (id TEXT PRIMARY KEY, version "TEXTıNT", modified_at INTEGER, incarnation TEXT)`);
    db.prepare(`INSERT INTO t (id, version) VALUES ('a', 1)`).run();
    expect(db.prepare(`SELECT typeof(version) FROM t`).pluck().get()).toBe('text');
    expect(() => createSqliteStore({ db, table: 't' })).toThrow(/declare it INTEGER/);
  });

  it('on a view, accepts a version selected as CAST(… AS INTEGER) and refuses one of no numeric type', async () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE base (id TEXT PRIMARY KEY, title TEXT, version TEXT, modified_at INTEGER, incarnation TEXT)`);
    const view = (name: string, version: string) =>
      db.exec(`CREATE VIEW ${name} AS SELECT id, title, ${version} AS version, modified_at, incarnation FROM base;
        CREATE TRIGGER ${name}_update INSTEAD OF UPDATE ON ${name} BEGIN
          UPDATE base SET title = NEW.title, version = NEW.version, modified_at = NEW.modified_at WHERE id = OLD.id;
        END;`);
    view('plain', '+version');
    view('cast', 'CAST(version AS INTEGER)');
    expect(() => createSqliteStore({ db, table: 'plain' })).toThrow(/CAST\(version AS INTEGER\)/);
    db.prepare(`INSERT INTO base VALUES ('a', 'A', '1', 5, NULL)`).run();
    const store = createSqliteStore<{ title: string }>({ db, table: 'cast' });
    const read = await store.get('a');
    expect(read?.version).toBe(1);
    const first = await store.put('a', { title: 'first' }, { etagIn: [read?.etag as never] });
    const second = await store.put('a', { title: 'second' }, { etagIn: [read?.etag as never] });
    expect([first.ok, second.ok]).toEqual([true, false]);
    expect((await store.get('a'))?.value.title).toBe('first');
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

  it('runs inside a synchronous db.transaction() function, and its rollback undoes the write', async () => {
    const { db, store } = memoryTable();
    let outcome: Promise<unknown> | undefined;
    expect(() =>
      db.transaction(() => {
        outcome = store.create('a', { title: 'A', count: 0, details: null });
        throw new Error('roll back');
      })(),
    ).toThrow('roll back');
    expect(await outcome).toMatchObject({ ok: true, created: true }); // what the statement did, inside the transaction
    expect(await store.get('a')).toBeUndefined();
  });

  it('reports a write while the connection iterates a statement as STORE_ERROR, not as bad input', async () => {
    const { db, store } = memoryTable();
    db.exec(`CREATE TABLE source (id TEXT); INSERT INTO source VALUES ('a'), ('b')`);
    const writes: Promise<unknown>[] = [];
    for (const row of db.prepare('SELECT id FROM source').iterate() as Iterable<{ id: string }>) {
      writes.push(store.create(row.id, { title: row.id, count: 0, details: null }));
    }
    for (const write of writes) expect(await errorCodeOf(write)).toBe('STORE_ERROR');
    expect(await store.get('a')).toBeUndefined();
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

describe('tables whose count of changes is not the truth', () => {
  it('writes through a view with INSTEAD OF triggers exactly once, and reports the write', async () => {
    const db = new Database(':memory:');
    createContractTable(db, 'items');
    db.exec(`CREATE VIEW items_view AS SELECT * FROM items;
      CREATE TRIGGER items_view_insert INSTEAD OF INSERT ON items_view BEGIN
        INSERT INTO items VALUES (NEW.id, NEW.title, NEW.count, NEW.details, NEW.version, NEW.modified_at, NEW.incarnation, NEW.etag_hash);
      END;
      CREATE TRIGGER items_view_update INSTEAD OF UPDATE ON items_view BEGIN
        UPDATE items SET title = NEW.title, count = NEW.count, details = NEW.details, version = NEW.version,
          modified_at = NEW.modified_at, etag_hash = NEW.etag_hash WHERE id = OLD.id;
      END;`);
    // A view cannot take an upsert (so no create): the row is there already, as the store wrote it.
    db.exec(`INSERT INTO items VALUES ('a', 'A', 0, NULL, 1, 1000, 'life', NULL)`);
    const store = createSqliteStore<Doc>({ db, table: 'items_view' });
    const read = await store.get('a');
    if (read === undefined) throw new Error('seed missing');
    const put = await store.put('a', { title: 'B', count: 1, details: null }, { etagIn: [read.etag] });
    expect(put.ok).toBe(true);
    let calls = 0;
    const updated = await store.update(
      'a',
      (current) => {
        calls++;
        return { ...current, title: `${current.title}!` };
      },
      UNCONDITIONAL,
    );
    expect(updated.ok && updated.record.value.title).toBe('B!');
    expect(calls).toBe(1);
    expect(db.prepare('SELECT title, version FROM items').get()).toEqual({ title: 'B!', version: 3 });
  });

  it('refuses a key column that is neither the primary key nor unique: a key must name one row', () => {
    const db = new Database(':memory:');
    db.exec(`CREATE TABLE items (id TEXT, title TEXT, count INTEGER, details JSON, version INTEGER,
      modified_at INTEGER, incarnation TEXT, etag_hash TEXT)`);
    expect(() => createSqliteStore<Doc>({ db, table: 'items' })).toThrow(/id of table items .*unique index/);
    db.exec('CREATE UNIQUE INDEX items_id_partial ON items (id) WHERE id IS NOT NULL');
    expect(() => createSqliteStore<Doc>({ db, table: 'items' })).toThrow(TypeError);
    db.exec('CREATE UNIQUE INDEX items_id ON items (id)');
    expect(() => createSqliteStore<Doc>({ db, table: 'items' })).not.toThrow();
  });
});
