/** A conditional write through @ifmatch/sqlite against unconditional ones on the same table. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { present } from '@ifmatch/contract';
import { type EntityTag, UNCONDITIONAL } from '@ifmatch/core';
import { createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';
import { compare } from './harness.js';

type Doc = { title: string; count: number; details: { tags: string[] } };

export async function sqliteBenchmarks() {
  const dir = mkdtempSync(join(tmpdir(), 'ifmatch-bench-'));
  const db = new Database(join(dir, 'bench.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE items (id TEXT PRIMARY KEY, title TEXT NOT NULL, count INTEGER NOT NULL, details JSON,
    version INTEGER NOT NULL, modified_at INTEGER NOT NULL, etag_hash TEXT)`);
  const store = createSqliteStore<Doc, string>({ db, table: 'items' });
  const value = (count: number): Doc => ({ title: 'benchmark', count, details: { tags: ['a', 'b'] } });
  for (const key of ['conditional', 'unconditional', 'raw']) await store.create(key, value(0));

  let count = 0;
  const conditionalEtag: { current: EntityTag } = { current: present(await store.get('conditional')).etag };
  const conditionalPut = async () => {
    const outcome = await store.put('conditional', value(++count), { etagIn: [conditionalEtag.current] });
    if (!outcome.ok) throw new Error('unexpected conflict');
    conditionalEtag.current = outcome.record.etag;
  };
  // The plain statement a hand-written, unprotected application would run.
  const rawUpdate = db.prepare(
    `UPDATE items SET title = ?, count = ?, details = ?, version = version + 1, modified_at = ? WHERE id = ?`,
  );

  try {
    return await compare([
      {
        name: 'SQLite update: If-Match vs last-one-wins, same store',
        subject: ['store.put with etagIn', conditionalPut],
        baseline: ['store.put UNCONDITIONAL', () => store.put('unconditional', value(++count), UNCONDITIONAL)],
        metric: 'time-ratio',
        target: 1.1,
      },
      {
        name: 'SQLite update: ifmatch conditional vs hand-written unconditional UPDATE (library overhead)',
        subject: ['store.put with etagIn', conditionalPut],
        baseline: [
          'raw UPDATE … WHERE id = ?',
          () => {
            const doc = value(++count);
            rawUpdate.run(doc.title, doc.count, JSON.stringify(doc.details), Date.now(), 'raw');
          },
        ],
        metric: 'time-ratio',
      },
    ]);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
