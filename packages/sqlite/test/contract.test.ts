import { join } from 'node:path';
import { type ContractDocument, type ContractSubject, describeStoreContract } from '@ifmatch/contract';
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

/** `inspect` and `seed`: what is in the table, and a row written as an application without ifmatch would. */
function rawAccess(
  db: Database.Database,
  table: string,
  decode: (row: Record<string, unknown>) => ContractDocument,
  encode: (value: ContractDocument) => Record<string, unknown>,
): Pick<ContractSubject, 'inspect' | 'seed'> {
  return {
    async inspect(key) {
      const row = db.prepare(`SELECT * FROM "${table}" WHERE id = ?`).get(key) as Record<string, unknown> | undefined;
      if (row === undefined) return undefined;
      return {
        value: decode(row),
        version: row.version as number | null,
        modifiedAt: row.modified_at as number | null,
        incarnation: row.incarnation as string | null,
        ...('etag_hash' in row ? { hash: row.etag_hash as string | null } : {}),
      };
    },
    async seed(key, value, fields) {
      const row: Record<string, unknown> = { id: key, ...encode(value) };
      if (fields.version !== undefined) row.version = fields.version;
      if (fields.modifiedAt !== undefined) row.modified_at = fields.modifiedAt;
      if (fields.incarnation !== undefined) row.incarnation = fields.incarnation;
      if (fields.hash !== undefined) row.etag_hash = fields.hash;
      const names = Object.keys(row);
      db.prepare(
        `INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES (${names.map((n) => `@${n}`).join(', ')})`,
      ).run(row);
    },
  };
}

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
      ...rawAccess(
        db,
        table,
        (row) => ({
          title: row.title as string,
          count: row.count as number,
          details: row.details === null ? null : JSON.parse(row.details as string),
        }),
        (value) => ({ ...value, details: value.details === null ? null : JSON.stringify(value.details) }),
      ),
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
      ...rawAccess(
        db,
        table,
        (row) => JSON.parse(row.document as string),
        (value) => ({ document: JSON.stringify(value) }),
      ),
    };
  },
});
