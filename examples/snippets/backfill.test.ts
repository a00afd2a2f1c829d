import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { backfillOrders } from './backfill.js';

const SECRET = 'the README example secret, 32 bytes or more';
const dir = mkdtempSync(join(tmpdir(), 'ifmatch-snippet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README backfill example', () => {
  it('stops when asked, resumes from its state file, and removes it when done', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE orders (id TEXT PRIMARY KEY, customer TEXT, quantity INTEGER)');
    const insert = db.prepare('INSERT INTO orders VALUES (?, ?, ?)');
    for (let i = 0; i < 1200; i++) insert.run(`o${String(i).padStart(4, '0')}`, `c${i}`, i);
    const state = join(dir, 'orders.backfill.json');
    const stop = new AbortController();
    stop.abort(); // before the first batch: nothing done, nothing saved
    expect((await backfillOrders(db, state, SECRET, stop.signal)).complete).toBe(false);
    const first = await backfillOrders(db, state, SECRET);
    expect(first).toMatchObject({ complete: true, run: { scanned: 1200, updated: 1200, skipped: 0, errors: 0 } });
    expect(existsSync(state)).toBe(false);
    const rows = db.prepare('SELECT count(*) AS n FROM orders WHERE version = 0 AND etag_hash IS NOT NULL').get();
    expect(rows).toEqual({ n: 1200 });
  });
});
