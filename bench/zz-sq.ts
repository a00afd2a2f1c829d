import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { driverOf } from '@ifmatch/core/driver';
import { addSystemColumns, createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';

type Doc = { title: string; count: number; details: { tags: string[] } };
const db = new Database(join(mkdtempSync(join(tmpdir(), 'sq-')), 'b.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE items (id TEXT PRIMARY KEY, title TEXT NOT NULL, count INTEGER NOT NULL, details JSON)');
addSystemColumns(db, 'items');
const store = createSqliteStore<Doc, string>({ db, table: 'items' });
const driver = driverOf(store)!;
await store.create('a', { title: 'x', count: 0, details: { tags: ['a'] } });
const rec = (await driver.read('a'))!;
let version = rec.version;
const N = 50000;
const time = async (name: string, f: (i: number) => unknown) => {
  const t = performance.now();
  for (let i = 0; i < N; i++) await f(i);
  console.log(name.padEnd(28), (((performance.now() - t) / N) * 1000).toFixed(2), 'µs');
};
for (let r = 0; r < 2; r++) {
  await time('prepareValue', (i) => driver.prepareValue({ title: 'x', count: i, details: { tags: ['a', 'b'] } }, 'a'));
  await time('prepare + write (pinned)', async (i) => {
    const value = driver.prepareValue({ title: 'x', count: i, details: { tags: ['a', 'b'] } }, 'a');
    const o = await driver.write(
      'a',
      { value, hash: null, now: Date.now(), strictClock: false, incarnation: 'ZZZZZZZZZZZ' },
      { exists: true, anyOf: { field: 'version', states: [{ incarnation: rec.incarnation, value: version }] } },
    );
    if (!o.ok) throw new Error('x');
    version++;
  });
  await time('store.put', async (i) => {
    const o = await store.put('a', { title: 'x', count: i, details: { tags: ['a', 'b'] } }, UNCOND);
    if (!o.ok) throw new Error('y');
    version = o.record.version;
  });
}

import { UNCONDITIONAL as UNCOND } from '@ifmatch/core';
