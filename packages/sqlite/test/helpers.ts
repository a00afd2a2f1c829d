import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/** A fresh directory for database files, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ifmatch-sqlite-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens a database file the way a multi-writer application should: WAL and a busy timeout. */
export function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 10000');
  return db;
}

/** The table the contract writes to in row mode: one column per member of the value. */
export function createContractTable(db: Database.Database, table: string): void {
  db.exec(`CREATE TABLE IF NOT EXISTS "${table}" (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    count REAL NOT NULL,
    details JSON,
    version INTEGER,
    modified_at INTEGER,
    incarnation TEXT,
    etag_hash TEXT
  )`);
}
