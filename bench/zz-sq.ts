import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { present } from '@ifmatch/contract';
import { addSystemColumns, createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';
const dir = mkdtempSync(join(tmpdir(), 'zz-'));
const db = new Database(join(dir, 'b.db'));
db.pragma('journal_mode = WAL'); db.pragma('synchronous = NORMAL');
db.exec('CREATE TABLE items (id TEXT PRIMARY KEY, title TEXT NOT NULL, count INTEGER NOT NULL, details JSON)');
addSystemColumns(db, 'items');
const store = createSqliteStore<any, string>({ db, table: 'items' });
const value = (count: number) => ({ title: 'benchmark', count, details: { tags: ['a', 'b'] } });
await store.create('put', value(0)); await store.create('hand', value(0));
let tag = present(await store.get('put')).etag; let count = 0;
const hand = db.prepare(`UPDATE items SET title = @title, count = @count, details = @details, version = version + 1,
       modified_at = max(@now, modified_at + 1) WHERE id = @id AND version = @version`);
let hv = 1;
const N = Number(process.env.N ?? 100000);
for (let k = 0; k < 3; k++) {
  let t = performance.now();
  for (let i = 0; i < N; i++) { const o = await store.put('put', value(++count), { etagIn: [tag] }); if (!o.ok) throw 1; tag = o.record.etag; }
  const a = (performance.now() - t) / N * 1000;
  t = performance.now();
  for (let i = 0; i < N; i++) { const d = value(++count); const r = hand.run({ title: d.title, count: d.count, details: JSON.stringify(d.details), now: Date.now(), id: 'hand', version: hv }); if (r.changes !== 1) throw 2; hv++; await undefined; }
  const b = (performance.now() - t) / N * 1000;
  console.log('ifmatch', a.toFixed(2), 'us  hand', b.toFixed(2), 'us  ratio', (b / a).toFixed(2));
}
