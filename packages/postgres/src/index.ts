/**
 * @ifmatch/postgres: conditional writes on PostgreSQL through a Drizzle database the user
 * owns (node-postgres, postgres.js, PGlite, or a transaction of any of them), on the user's
 * own `pgTable`. Each write is ONE statement that also returns the current row when its
 * condition fails (see `statements.ts`).
 */
import type { Store, StoreOptions } from '@ifmatch/core';
import { type DriverRecord, defineStore, errorGuard, type StoreDriver, storedTime } from '@ifmatch/core/driver';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { valueCodec } from './codec.js';
import { toIfMatchError } from './errors.js';
import type { AnyPgDatabase, PreparedStatement } from './session.js';

export type { AnyPgDatabase } from './session.js';

import { rowsOf } from './session.js';
import { postgresStatements, WRITTEN } from './statements.js';
import { resolveTable, type SystemColumns } from './table.js';
import type { KeyColumnsFor, TableFor, TableKey, TableValue } from './types.js';

export { backfillPostgres, type PostgresBackfillOptions } from './backfill.js';
export {
  addSystemColumnsSql,
  createDocumentTableSql,
  defineDocumentTable,
  ifmatchColumns,
  type SystemColumns,
} from './table.js';
export type {
  ColumnProperty,
  KeyColumnsFor,
  SystemProperty,
  TableFor,
  TableKey,
  TableKeyProperty,
  TableValue,
} from './types.js';

export interface PostgresStoreOptions extends StoreOptions {
  /** Your Drizzle database, or a transaction (the store's statements then run in it). */
  readonly db: AnyPgDatabase;
  /** Your table. */
  readonly table: PgTable;
  /**
   * The key column, or columns for a composite key (keys are then objects with those
   * properties). Default: the table's primary key.
   */
  readonly key?: PgColumn | readonly PgColumn[];
  /** The system columns. Default: the table's `version`, `modifiedAt`, `incarnation` and `etagHash` properties. */
  readonly columns?: SystemColumns;
  /**
   * Keep each value as one JSON document in this column. Without it, each member of the
   * value is a column (row mode); a member left out of a `put` takes its column's default
   * (NULL when it has none), or its `$onUpdate` when the write updates a row, as Drizzle's
   * own writes do.
   */
  readonly documentColumn?: PgColumn;
}

type Row = Record<string, unknown>;

/**
 * Creates a `Store` on a Drizzle PostgreSQL database and one of its tables. The value and key
 * types come from the table (its select type without the key and system columns, its primary
 * key), or from `documentColumn`'s type in document mode.
 */
export function createPostgresStore<
  TTable extends PgTable,
  TKey extends PgColumn | readonly PgColumn[] | undefined = undefined,
  TDocument extends PgColumn | undefined = undefined,
  TColumns extends SystemColumns | undefined = undefined,
>(
  options: PostgresStoreOptions & {
    readonly table: TTable;
    readonly key?: TKey;
    readonly documentColumn?: TDocument;
    readonly columns?: TColumns;
  },
): Store<TableValue<TTable, TKey, TDocument, TColumns>, TableKey<TTable, TKey>>;
/**
 * With explicit types, checked against the table (`TableFor`): `createPostgresStore<Order,
 * string>(…)` refuses a table that has no column for a member of `Order`, or one of another
 * type, and a primary key (or `key` column) that does not hold a `string`. A column `Order`
 * leaves out is not seen (TypeScript infers nothing from the arguments of a call given type
 * arguments): without type arguments, a `put` leaving out a NOT NULL column does not compile.
 */
export function createPostgresStore<T, K>(
  options: Omit<PostgresStoreOptions, 'table' | 'key' | 'documentColumn'> & { readonly documentColumn?: never } & (
      | { readonly table: TableFor<T>; readonly key: KeyColumnsFor<K> }
      | { readonly table: TableFor<T, K>; readonly key?: undefined }
    ),
): Store<T, K>;
/** Document mode with explicit types: the whole value is one JSON document; the key is checked. */
export function createPostgresStore<T, K>(
  options: Omit<PostgresStoreOptions, 'table' | 'key' | 'documentColumn'> & { readonly documentColumn: PgColumn } & (
      | { readonly table: PgTable; readonly key: KeyColumnsFor<K> }
      | { readonly table: TableFor<unknown, K>; readonly key?: undefined }
    ),
): Store<T, K>;
/**
 * Refused: a value type alone. Once a call has type arguments TypeScript infers none, so the
 * key's type cannot come from the table: give both (`createPostgresStore<Order, string>`), or
 * none and both come from the table.
 */
export function createPostgresStore<T>(
  options: PostgresStoreOptions & {
    readonly 'createPostgresStore<Value> needs the key type too: <Value, Key>, or no type arguments': never;
  },
): Store<T, never>;
// The explicit overloads type `key` by `K` (`KeyColumnsFor`), which TypeScript cannot see is a
// column or columns while `K` is generic; `resolveTable` checks it at run time.
export function createPostgresStore<T, K>(
  options: Omit<PostgresStoreOptions, 'key'> & { readonly key?: unknown },
): Store<T, K> {
  const table = resolveTable(options.table, options.key as PostgresStoreOptions['key'], options.columns);
  const codec = valueCodec<T>(table, options.documentColumn, options.strategy);
  const statements = postgresStatements(options.db, table, codec as never);
  const composite = table.keys.length > 1;

  /** A row as the driver returned it (column names, driver values), as a record. */
  const toRecord = (driverRow: Row): DriverRecord<T, K> => {
    const row: Row = {};
    for (const [name, column] of table.columns) {
      const raw = driverRow[column.name];
      row[name] = raw === null || raw === undefined ? null : column.mapFromDriverValue(raw);
    }
    const [keyName] = table.keys[0] as readonly [string, PgColumn];
    return {
      key: (composite ? Object.fromEntries(table.keys.map(([name]) => [name, row[name]])) : row[keyName]) as K,
      value: codec.fromRow(row),
      version: Number(row[table.version[0]] ?? 0),
      modifiedAt: storedTime(row[table.modifiedAt[0]]),
      incarnation: (row[table.incarnation[0]] as string | null) ?? null,
      hash: table.hash ? ((row[table.hash[0]] as string | null) ?? null) : null,
    };
  };

  const run = async ([statement, values]: [PreparedStatement, Row]) => {
    const row = rowsOf(await statement.execute(values))[0];
    if (row?.[WRITTEN] === true) return { ok: true as const, record: toRecord(row) };
    return { ok: false as const, current: row === undefined ? undefined : toRecord(row) };
  };

  const guard = errorGuard(toIfMatchError);

  const driver: StoreDriver<T, K> = {
    capabilities: { strategies: table.hash ? ['version', 'timestamp', 'hash'] : ['version', 'timestamp'] },
    checkKey(key) {
      const parts = composite ? table.keys.map(([name]) => (key as Row | null)?.[name]) : [key];
      if (composite && (typeof key !== 'object' || key === null)) {
        throw new TypeError(`a key is an object with ${table.keys.map(([name]) => name).join(', ')}`);
      }
      for (const [i, part] of parts.entries()) {
        if (part === undefined || part === null) throw new TypeError(`the key has no ${table.keys[i]?.[0]}`);
        const plainObject = typeof part === 'object' && !(part instanceof Date) && !(part instanceof Uint8Array);
        if (plainObject || typeof part === 'function' || typeof part === 'symbol') {
          throw new TypeError(`a key part is a string, a number, a bigint, a Date or bytes, not ${typeof part}`);
        }
      }
    },
    prepareValue: (value, key) => codec.prepare(value, key),
    read: (key) =>
      guard('read', async () => {
        const [statement, values] = statements.read(key);
        const row = rowsOf(await statement.execute(values))[0];
        return row === undefined ? undefined : toRecord(row);
      }),
    write: (key, write, condition) => guard('write', () => run(statements.write(key, write, condition))),
    remove: (key, condition) => guard('write', () => run(statements.remove(key, condition))),
  };
  return defineStore(driver, options);
}
