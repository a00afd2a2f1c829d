import { join } from 'node:path';
import { type ContractDocument, describeStoreContract } from '@ifmatch/contract';
import { createDefaultTable, createSqliteStore } from '@ifmatch/sqlite';
import type Database from 'better-sqlite3';
import { afterAll } from 'vitest';
import { createContractTable, openDatabase, tempDir } from './helpers.js';

const files = tempDir();
const databases: Database.Database[] = [];
let tables = 0;

function open(name: string) {
  const db = openDatabase(name === ':memory:' ? name : join(files.dir, name));
  databases.push(db);
  return db;
}

afterAll(() => {
  for (const db of databases) db.close();
  files.cleanup();
});

const inspectRow =
  (db: Database.Database, table: string, decode: (row: Record<string, unknown>) => unknown) => async (key: string) => {
    const row = db.prepare(`SELECT * FROM "${table}" WHERE id = ?`).get(key) as Record<string, unknown> | undefined;
    if (row === undefined) return undefined;
    return {
      value: decode(row) as never,
      version: row.version as number,
      modifiedAt: row.modified_at as number,
      hash: row.etag_hash as string | null,
    };
  };

// Row mode on a real file: each member of the value is a column of the user's table.
describeStoreContract({
  name: 'sqlite (row mode, file)',
  capabilities: { strategies: ['version', 'timestamp', 'hash'] },
  createStore(options) {
    const db = open('rows.db');
    const table = `contract_${++tables}`;
    createContractTable(db, table);
    return {
      store: createSqliteStore<ContractDocument, string>({ ...options, db, table }),
      inspect: inspectRow(db, table, (row) => ({
        title: row.title,
        count: row.count,
        details: row.details === null ? null : JSON.parse(row.details as string),
      })),
    };
  },
});

// Document mode on :memory: with the ready-made table, without a hash column.
describeStoreContract({
  name: 'sqlite (document mode, :memory:, no hash column)',
  capabilities: { strategies: ['version', 'timestamp'] },
  createStore(options) {
    const db = open(':memory:');
    const table = `documents_${++tables}`;
    createDefaultTable(db, table);
    db.exec(`ALTER TABLE "${table}" DROP COLUMN etag_hash`);
    return {
      store: createSqliteStore<ContractDocument, string>({ ...options, db, table, documentColumn: 'document' }),
      inspect: inspectRow(db, table, (row) => JSON.parse(row.document as string)),
    };
  },
});
