import type { Database } from 'better-sqlite3';

/** Column names of the system fields; each is configurable. */
export interface SystemColumns {
  readonly key: string;
  readonly version: string;
  readonly modifiedAt: string;
  /** Holds the content hash; only the hash strategy needs it. */
  readonly hash: string;
}

export const DEFAULT_COLUMNS: SystemColumns = {
  key: 'id',
  version: 'version',
  modifiedAt: 'modified_at',
  hash: 'etag_hash',
};

export interface TableShape {
  /** Every column of the table. */
  readonly columns: ReadonlySet<string>;
  /** Columns declared with a type containing JSON: values are stored as JSON text. */
  readonly jsonColumns: ReadonlySet<string>;
}

/** Quotes an identifier for SQL. Names come from the table's own schema, never from values. */
export function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Reads the table's columns from SQLite itself, so the store never trusts a guessed name. */
export function readTableShape(db: Database, table: string): TableShape {
  const rows = db.prepare(`SELECT name, type FROM pragma_table_xinfo(?)`).all(table) as {
    name: string;
    type: string;
  }[];
  if (rows.length === 0) throw new TypeError(`table ${table} does not exist`);
  return {
    columns: new Set(rows.map((row) => row.name)),
    jsonColumns: new Set(rows.filter((row) => /json/i.test(row.type)).map((row) => row.name)),
  };
}

export interface DefaultTableOptions {
  /** Column holding each value as one JSON document (default `document`). */
  readonly documentColumn?: string;
  readonly columns?: Partial<SystemColumns>;
}

/**
 * Creates (if missing) a ready table for a quick start: a text key, the value as one JSON
 * document, and the system columns. Use it with `documentColumn` in `createSqliteStore`.
 */
export function createDefaultTable(db: Database, table: string, options: DefaultTableOptions = {}): void {
  const c = { ...DEFAULT_COLUMNS, ...options.columns };
  const document = options.documentColumn ?? 'document';
  db.exec(`CREATE TABLE IF NOT EXISTS ${quote(table)} (
    ${quote(c.key)} TEXT PRIMARY KEY NOT NULL,
    ${quote(document)} JSON NOT NULL,
    ${quote(c.version)} INTEGER NOT NULL,
    ${quote(c.modifiedAt)} INTEGER NOT NULL,
    ${quote(c.hash)} TEXT
  )`);
}
