import { getTableColumns, type SQL, sql } from 'drizzle-orm';
import {
  bigint,
  getTableConfig,
  integer,
  jsonb,
  type PgColumn,
  type PgTable,
  pgTable,
  text,
} from 'drizzle-orm/pg-core';

/** The system columns a store maintains, as Drizzle columns of the user's table. */
export interface SystemColumns {
  /** The record's version: 1 on insert, then `version + 1`. An integer column. */
  readonly version?: PgColumn;
  /** Milliseconds since the epoch, `max(now, previous + 1)`. A `bigint({ mode: 'number' })` column. */
  readonly modifiedAt?: PgColumn;
  /** The random id of the record's life, written when a store creates it. A text column. */
  readonly incarnation?: PgColumn;
  /** The content hash (text), for the hash strategy; `null` for a table without one. */
  readonly hash?: PgColumn | null;
}

/** What the store needs to know about the table, resolved once. */
export interface ResolvedTable {
  readonly table: PgTable;
  /** Property name → column, in declaration order. */
  readonly columns: readonly (readonly [string, PgColumn])[];
  readonly keys: readonly (readonly [string, PgColumn])[];
  readonly version: readonly [string, PgColumn];
  readonly modifiedAt: readonly [string, PgColumn];
  readonly incarnation: readonly [string, PgColumn];
  readonly hash: readonly [string, PgColumn] | undefined;
}

export function resolveTable(
  table: PgTable,
  key: PgColumn | readonly PgColumn[] | undefined,
  system: SystemColumns = {},
): ResolvedTable {
  const columns = Object.entries(getTableColumns(table) as Record<string, PgColumn>);
  const config = getTableConfig(table);
  const named = (column: PgColumn | undefined, what: string): readonly [string, PgColumn] => {
    // By database name: Drizzle's table config holds copies of the column objects.
    const entry = columns.find(([, candidate]) => candidate === column || candidate.name === column?.name);
    if (entry === undefined) throw new TypeError(`${what} must be a column of table ${config.name}`);
    return entry;
  };
  const byProperty = (property: string) => columns.find(([name]) => name === property)?.[1];
  const keyColumns =
    key === undefined
      ? (config.primaryKeys[0]?.columns ?? config.columns.filter((column) => column.primary))
      : Array.isArray(key)
        ? key
        : [key as PgColumn];
  if (keyColumns.length === 0) throw new TypeError(`table ${config.name} has no primary key: pass \`key\``);
  return {
    table,
    columns,
    keys: keyColumns.map((column) => named(column, 'key')),
    version: named(system.version ?? byProperty('version'), 'columns.version (or a `version` column)'),
    modifiedAt: named(system.modifiedAt ?? byProperty('modifiedAt'), 'columns.modifiedAt (or a `modifiedAt` column)'),
    incarnation: named(
      system.incarnation ?? byProperty('incarnation'),
      'columns.incarnation (or an `incarnation` column: see ifmatchColumns and addSystemColumnsSql)',
    ),
    hash:
      system.hash === null
        ? undefined
        : system.hash !== undefined
          ? named(system.hash, 'columns.hash')
          : columns.find(([name]) => name === 'etagHash'),
  };
}

/**
 * The system columns under their default names, to spread into your own `pgTable`:
 * `pgTable('orders', { id: text('id').primaryKey(), …, ...ifmatchColumns() })`. All nullable:
 * a row without them is one the store did not write yet, served and brought up to date on its
 * first write.
 */
export function ifmatchColumns() {
  return {
    version: integer('version'),
    modifiedAt: bigint('modified_at', { mode: 'number' }),
    incarnation: text('incarnation'),
    etagHash: text('etag_hash'),
  };
}

/**
 * `ALTER TABLE … ADD COLUMN IF NOT EXISTS` for the system columns of `ifmatchColumns()`, on an
 * existing table: idempotent, and instant (nullable columns without a default rewrite nothing).
 */
export function addSystemColumnsSql(table: string): SQL {
  return sql`alter table ${sql.identifier(table)}
    add column if not exists version integer,
    add column if not exists modified_at bigint,
    add column if not exists incarnation text,
    add column if not exists etag_hash text`;
}

/**
 * A ready table for a quick start: a text key, the value as one JSON document (use it with
 * `documentColumn: table.document`), and the system columns under their default names.
 */
export function defineDocumentTable<TName extends string>(name: TName) {
  return pgTable(name, {
    id: text('id').primaryKey(),
    document: jsonb('document').notNull(),
    ...ifmatchColumns(),
  });
}

/** `CREATE TABLE IF NOT EXISTS` for `defineDocumentTable(name)`, for those not using migrations. */
export function createDocumentTableSql(name: string): SQL {
  return sql`create table if not exists ${sql.identifier(name)} (
    id text primary key,
    document jsonb not null,
    version integer,
    modified_at bigint,
    incarnation text,
    etag_hash text
  )`;
}
