/**
 * The value and key types a store has, inferred from the user's Drizzle table: a misspelt
 * member in a `put` or a read fails to compile, and an explicit type that contradicts the table
 * is an error.
 */
import type { InferSelectModel } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/** The properties the store keeps for itself, under their default names (`ifmatchColumns()`). */
export type SystemProperty = 'version' | 'modifiedAt' | 'incarnation' | 'etagHash';

type Columns<TTable extends PgTable> = TTable['_']['columns'];
type Row<TTable extends PgTable> = InferSelectModel<TTable>;

/** The properties of the table's primary key columns (declared with `.primaryKey()`). */
type PrimaryKeyProperty<TTable extends PgTable> = {
  [P in keyof Columns<TTable>]: Columns<TTable>[P]['_']['isPrimaryKey'] extends true ? P : never;
}[keyof Columns<TTable>];

/** The properties of the given key columns. */
type KeyColumnProperty<TTable extends PgTable, TKey> = {
  [P in keyof Columns<TTable>]: Columns<TTable>[P] extends (TKey extends readonly unknown[] ? TKey[number] : TKey)
    ? P
    : never;
}[keyof Columns<TTable>];

/** The properties of system columns given under other names (`columns: { version: t.lock }`). */
type RenamedSystemProperty<TTable extends PgTable, TColumns> = TColumns extends object
  ? KeyColumnProperty<TTable, Exclude<TColumns[keyof TColumns], null | undefined>>
  : never;

type KeyProperty<TTable extends PgTable, TKey> = [TKey] extends [undefined]
  ? PrimaryKeyProperty<TTable>
  : KeyColumnProperty<TTable, TKey>;

/**
 * The key of a table: the primary key's value, an object of its columns for a composite key,
 * `unknown` when the table's type does not say (a composite key declared in the table's extra
 * config: pass `key` to the store).
 */
export type TableKey<TTable extends PgTable, TKey = undefined> = [KeyProperty<TTable, TKey>] extends [never]
  ? unknown
  : TKey extends readonly unknown[]
    ? { [P in KeyProperty<TTable, TKey> & keyof Row<TTable>]: Row<TTable>[P] }
    : Row<TTable>[KeyProperty<TTable, TKey> & keyof Row<TTable>];

/**
 * The value of a table in row mode: its select type without the key and the system columns;
 * in document mode, the document column's type (`jsonb().$type<Order>()`).
 */
export type TableValue<TTable extends PgTable, TKey = undefined, TDocument = undefined, TColumns = undefined> = [
  TDocument,
] extends [PgColumn]
  ? TDocument extends PgColumn
    ? TDocument['_']['data']
    : never
  : Omit<Row<TTable>, SystemProperty | RenamedSystemProperty<TTable, TColumns> | KeyProperty<TTable, TKey>>;

/**
 * A table whose rows can hold a value of type `T`: every member of `T` is a column whose
 * select type fits it. What an explicit `createPostgresStore<T, K>` is checked against.
 */
export type TableFor<T> = PgTable & { readonly $inferSelect: { [P in keyof T]-?: T[P] } };
