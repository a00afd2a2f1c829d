/**
 * @ifmatch/sqlite against the same conditional writes written by hand, on one connection:
 * a put with If-Match (the default strategy) and a read-change-write update.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UNCONDITIONAL } from '@ifmatch/core';
import { addSystemColumns, createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';
import { compare, ifMatchPut } from './harness.js';

type Doc = { title: string; count: number; details: { tags: string[] } };

export async function sqliteBenchmarks() {
  const dir = mkdtempSync(join(tmpdir(), 'ifmatch-bench-'));
  const db = new Database(join(dir, 'bench.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE items (id TEXT PRIMARY KEY, title TEXT NOT NULL, count INTEGER NOT NULL, details JSON)');
  addSystemColumns(db, 'items');
  const store = createSqliteStore<Doc, string>({ db, table: 'items' });
  const value = (count: number): Doc => ({ title: 'benchmark', count, details: { tags: ['a', 'b'] } });
  for (const key of ['put', 'update', 'hand-put', 'hand-update']) await store.create(key, value(0));

  let count = 0;
  const ifmatchPut = await ifMatchPut(store, 'put', () => value(++count));

  // What an application writes by hand: UPDATE … WHERE id = ? AND version = ?, and the new
  // version kept in memory (SQLite's RETURNING would cost the same to both).
  const handUpdate = db.prepare(
    `UPDATE items SET title = @title, count = @count, details = @details, version = version + 1,
       modified_at = max(@now, modified_at + 1) WHERE id = @id AND version = @version`,
  );
  const handSelect = db.prepare('SELECT * FROM items WHERE id = ?');
  let handVersion = 1;
  const handPut = async () => {
    const doc = value(++count);
    const result = handUpdate.run({
      title: doc.title,
      count: doc.count,
      details: JSON.stringify(doc.details),
      now: Date.now(),
      id: 'hand-put',
      version: handVersion,
    });
    if (result.changes !== 1) throw new Error('unexpected conflict');
    handVersion++;
  };
  const handReadChangeWrite = async () => {
    const row = handSelect.get('hand-update') as { title: string; count: number; details: string; version: number };
    const current: Doc = { title: row.title, count: row.count, details: JSON.parse(row.details) };
    const next = { ...current, count: current.count + 1 };
    const result = handUpdate.run({
      title: next.title,
      count: next.count,
      details: JSON.stringify(next.details),
      now: Date.now(),
      id: 'hand-update',
      version: row.version,
    });
    if (result.changes !== 1) throw new Error('unexpected conflict');
  };

  try {
    return await compare(
      [
        {
          name: 'SQLite: put with If-Match ÷ the same conditional UPDATE by hand',
          subject: ifmatchPut,
          baseline: ['UPDATE … WHERE id = ? AND version = ?', handPut],
          metric: 'speedup',
          target: 0.9,
        },
        {
          name: 'SQLite: update() ÷ the same read, change and conditional UPDATE by hand',
          subject: [
            'store.update',
            () => store.update('update', (current) => ({ ...current, count: current.count + 1 }), UNCONDITIONAL),
          ],
          baseline: ['SELECT, then UPDATE … AND version = ?', handReadChangeWrite],
          metric: 'speedup',
          target: 0.75,
        },
      ],
      // 81 rounds: one round's ratio strays by some ±0.05 here (a WAL checkpoint or a garbage
      // collection falls in one side's slice); the median of twice as many strays less.
      { rounds: 81 },
    );
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
