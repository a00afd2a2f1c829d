/**
 * The table as SQLite declares it: its columns, each column's type affinity, and the names of
 * the system columns the store keeps.
 */
import type { Database } from 'better-sqlite3';

/** Column names of the key and the system fields; each is configurable. */
export interface SystemColumns {
  readonly key: string;
  readonly version: string;
  readonly modifiedAt: string;
  /** The random id of the record's life, written when a store creates it. */
  readonly incarnation: string;
  /** Holds the content hash; only the hash strategy needs it (the column is optional). */
  readonly hash: string;
}

export const DEFAULT_COLUMNS: SystemColumns = {
  key: 'id',
  version: 'version',
  modifiedAt: 'modified_at',
  incarnation: 'incarnation',
  hash: 'etag_hash',
};

/**
 * A version or modification time as the store reads it. SQLite keeps what it is given, so
 * another writer may have left text (`'v1.2'`, an ISO date), a blob, a fraction or a number too
 * large to count on from (2^53, where one more is the same double, or an infinite real) in an
 * INTEGER column: anything but a whole number within ±(2^53 − 2) reads as missing (version 0,
 * no time), the statements compare it the same way (`storedNumberSql`), and a backfill fills
 * it (`isNumberSql`). A column of TEXT affinity would turn every number the store writes into
 * text: `checkSystemColumns` refuses one.
 */
export function storedNumber(cell: unknown): number | null {
  if (typeof cell === 'bigint') return cell >= -MAX_COUNTABLE_BIG && cell <= MAX_COUNTABLE_BIG ? Number(cell) : null;
  return typeof cell === 'number' && Number.isInteger(cell) && Math.abs(cell) <= MAX_COUNTABLE ? cell : null;
}
/** The largest version or time the store counts on from: one more is still exact in a double. */
const MAX_COUNTABLE = Number.MAX_SAFE_INTEGER - 1;
const MAX_COUNTABLE_BIG = BigInt(MAX_COUNTABLE);

/** Whether a column holds what `storedNumber` reads as a number, in SQL. */
export function isNumberSql(column: string): string {
  return `(typeof(${column}) IN ('integer', 'real') AND ${column} = CAST(${column} AS INTEGER) AND abs(${column}) <= ${MAX_COUNTABLE})`;
}

/** `storedNumber` in SQL, for a column that may hold anything: its number, or 0. */
export function storedNumberSql(column: string): string {
  return `(CASE WHEN ${isNumberSql(column)} THEN ${column} ELSE 0 END)`;
}

/**
 * How SQLite stores a value in a column (its type affinity, sqlite.org/datatype3.html §3.1),
 * plus `json`: a column declared with a type containing JSON, whose values the store keeps as
 * JSON text.
 */
export type Affinity = 'integer' | 'text' | 'blob' | 'real' | 'numeric' | 'json';

export interface TableShape {
  /** Every column of the table, with its affinity. */
  readonly columns: ReadonlyMap<string, Affinity>;
  /** Every column of the table, with its declared type as written. */
  readonly declared: ReadonlyMap<string, string>;
  /** An ordinary table (not a view or a virtual table, whose columns' types say less). */
  readonly ordinary: boolean;
}

/** A declared type in upper case, ASCII letters only, as SQLite compares type names. */
function upper(declared: string): string {
  return declared.replace(/[a-z]/g, (letter) => String.fromCharCode(letter.charCodeAt(0) - 32));
}

/**
 * Refuses a table without one of the columns `needed`, or whose version or modification-time
 * column has TEXT affinity (declared TEXT, VARCHAR, …): SQLite would keep every number the
 * store writes there as text, which reads as missing, so every row would read as version 0
 * and a stale tag of version 0 would match it.
 */
export function checkSystemColumns(
  shape: TableShape,
  table: string,
  system: SystemColumns,
  needed: readonly string[],
): void {
  for (const name of needed) {
    if (!shape.columns.has(name)) {
      throw new TypeError(`table ${table} has no column ${name} (add the system columns: addSystemColumns(db, table))`);
    }
  }
  for (const name of [system.version, system.modifiedAt]) {
    const declared = shape.declared.get(name) ?? '';
    const affinity = sqliteAffinity(declared);
    if (affinity === 'text') {
      throw new TypeError(
        `column ${name} of table ${table} is declared ${declared}: SQLite would keep the numbers the store writes there as text; declare it INTEGER`,
      );
    }
    // A view's column of no numeric type (an expression, or a column of any type behind it)
    // may store what the store writes as text: only a numeric declared type says it does not.
    if (!shape.ordinary && affinity !== 'integer' && affinity !== 'real' && affinity !== 'numeric') {
      throw new TypeError(
        `column ${name} of ${table} is declared ${declared === '' ? 'with no type' : declared}: the store cannot tell that the numbers it writes there stay numbers; select it as CAST(${name} AS INTEGER) in the view`,
      );
    }
  }
}

/**
 * Whether `key` alone identifies a row of `table`: `unique` on an ordinary table where it is
 * the primary key or has a (not partial) unique index, so a statement `WHERE key = ?` changes
 * at most one row and the count of changes it reports is the truth; `none` on an ordinary
 * table where it is neither; `unknown` for a view (it writes through INSTEAD OF triggers, whose
 * changes SQLite does not count) or a virtual table.
 */
export function keyUniqueness(
  db: Database,
  table: string,
  shape: TableShape,
  key: string,
): 'unique' | 'none' | 'unknown' {
  if (!shape.ordinary) return 'unknown';
  const primary = db.prepare('SELECT name FROM pragma_table_xinfo(?) WHERE pk > 0').pluck().all(table);
  if (primary.length === 1 && primary[0] === key) return 'unique';
  const unique = db
    .prepare('SELECT name FROM pragma_index_list(?) WHERE "unique" = 1 AND partial = 0')
    .pluck()
    .all(table) as string[];
  const indexed = unique.some((index) => {
    const columns = db.prepare('SELECT name FROM pragma_index_info(?)').pluck().all(index);
    return columns.length === 1 && columns[0] === key;
  });
  return indexed ? 'unique' : 'none';
}

/** Quotes an identifier for SQL. Names come from the table's own schema, never from values. */
export function quote(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** The affinity of a declared type as the store treats it: `json` for a type containing JSON, SQLite's otherwise. */
export function affinityOf(declared: string): Affinity {
  return upper(declared).includes('JSON') ? 'json' : sqliteAffinity(declared);
}

/** The affinity of a declared type, by SQLite's own rules, in their order (sqlite.org/datatype3.html §3.1). */
function sqliteAffinity(declared: string): Exclude<Affinity, 'json'> {
  const type = upper(declared);
  if (type.includes('INT')) return 'integer';
  if (type.includes('CHAR') || type.includes('CLOB') || type.includes('TEXT')) return 'text';
  if (type.includes('BLOB') || type === '') return 'blob';
  if (type.includes('REAL') || type.includes('FLOA') || type.includes('DOUB')) return 'real';
  return 'numeric';
}

/** Reads the table's columns from SQLite itself, so the store never trusts a guessed name. */
export function readTableShape(db: Database, table: string): TableShape {
  const rows = db.prepare('SELECT name, type FROM pragma_table_xinfo(?)').all(table) as {
    name: string;
    type: string;
  }[];
  if (rows.length === 0) throw new TypeError(`table ${table} does not exist`);
  const kinds = db.prepare('SELECT type FROM pragma_table_list WHERE name = ?').pluck().all(table);
  return {
    columns: new Map(rows.map((row) => [row.name, affinityOf(row.type)])),
    declared: new Map(rows.map((row) => [row.name, row.type])),
    ordinary: kinds.includes('table'),
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
    ${systemColumnsSql(c)}
  )`);
}

/**
 * The system columns' definitions, for `CREATE TABLE` or one `ALTER TABLE … ADD COLUMN` each.
 * All nullable: a row without them is a row the store did not write yet, which it serves and
 * brings up to date on its first write.
 */
export function systemColumnsSql(columns: SystemColumns = DEFAULT_COLUMNS): string {
  return [
    `${quote(columns.version)} INTEGER`,
    `${quote(columns.modifiedAt)} INTEGER`,
    `${quote(columns.incarnation)} TEXT`,
    `${quote(columns.hash)} TEXT`,
  ].join(',\n    ');
}

/**
 * Adds the system columns a table lacks (`ALTER TABLE … ADD COLUMN`, one each), so an existing
 * table is ready for a store: idempotent, and cheap (SQLite adds a nullable column without
 * rewriting the table). Existing rows are served at once and brought up to date on their first
 * write.
 */
export function addSystemColumns(db: Database, table: string, columns: Partial<SystemColumns> = {}): void {
  const c = { ...DEFAULT_COLUMNS, ...columns };
  const have = readTableShape(db, table).columns;
  const wanted: [string, string][] = [
    [c.version, 'INTEGER'],
    [c.modifiedAt, 'INTEGER'],
    [c.incarnation, 'TEXT'],
    [c.hash, 'TEXT'],
  ];
  for (const [name, type] of wanted) {
    if (!have.has(name)) db.exec(`ALTER TABLE ${quote(table)} ADD COLUMN ${quote(name)} ${type}`);
  }
}
