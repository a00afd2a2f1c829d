import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addSystemColumns, createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';

type Doc = { title: string; count: number; details: { tags: string[] } };
const db = new Database(join(mkdtempSync(join(tmpdir(), 'prof-')), 'b.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE items (id TEXT PRIMARY KEY, title TEXT NOT NULL, count INTEGER NOT NULL, details JSON)');
addSystemColumns(db, 'items');
const store = createSqliteStore<Doc, string>({ db, table: 'items' });
const created = await store.create('put', { title: 'b', count: 0, details: { tags: ['a', 'b'] } });
if (!created.ok) throw new Error('x');
let tag = created.record.etag;
const N = Number(process.argv[2] ?? 100000);
const t0 = performance.now();
for (let i = 0; i < N; i++) {
  const o = await store.put('put', { title: 'b', count: i, details: { tags: ['a', 'b'] } }, { etagIn: [tag] });
  if (!o.ok) throw new Error('conflict');
  tag = o.record.etag;
}
console.log((((performance.now() - t0) / N) * 1000).toFixed(2), 'µs per put');
