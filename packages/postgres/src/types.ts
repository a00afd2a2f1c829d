/**
 * The value and key types a store has, inferred from the user's Drizzle table: a misspelt
 * member in a `put` or a read fails to compile, and an explicit type that contradicts the table
 * is an error.
 *
 * Explicit types (`createPostgresStore<Order, string>(…)`) are checked by `TableFor` alone:
 * once a call has type arguments, TypeScript infers none from its arguments, so the table's own
 * type is not a type parameter there and only what can be said of it structurally is checked
 * (see `TableFor`). Inference (no type arguments) sees the whole table.
 */
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/** The properties the store keeps for itself, under their default names (`ifmatchColumns()`). */
export type SystemProperty = 'version' | 'modifiedAt' | 'incarnation' | 'etagHash';

/**
 * The properties of `TTable` whose columns are of type `TColumn` (a column's type, a union of
 * columns' types, or a shape such as `{ _: { isPrimaryKey: true } }`).
 */
export type ColumnProperty<TTable extends PgTable, TColumn> = {
  [P in keyof TTable['_']['columns']]: TTable['_']['columns'][P] extends TColumn ? P : never;
}[keyof TTable['_']['columns']];

/**
 * The properties of a table's key: those of its primary key column (declared with
 * `.primaryKey()`), or of the given key column or columns. `never` when the table's type does
 * not say (a composite primary key declared in the table's extra config).
 */
export type TableKeyProperty<TTable extends PgTable, TKey = undefined> = ColumnProperty<
  TTable,
  [TKey] extends [undefined]
    ? { readonly _: { readonly isPrimaryKey: true } }
    : TKey extends readonly (infer TColumn)[]
      ? TColumn
      : TKey
>;

/**
 * The key of a table: the primary key's value, an object of its columns for a composite key,
 * `unknown` when the table's type does not say (a composite key declared in the table's extra
 * config: pass `key` to the store).
 */
export type TableKey<TTable extends PgTable, TKey = undefined> = [TableKeyProperty<TTable, TKey>] extends [never]
  ? unknown
  : TKey extends readonly unknown[]
    ? { [P in TableKeyProperty<TTable, TKey> & keyof TTable['$inferSelect']]: TTable['$inferSelect'][P] }
    : TTable['$inferSelect'][TableKeyProperty<TTable, TKey> & keyof TTable['$inferSelect']];

/**
 * The value of a table in row mode: its select type without the key and the system columns
 * (under their default names, or the ones given as `columns`); in document mode, the document
 * column's type (`jsonb().$type<Order>()`).
 */
export type TableValue<TTable extends PgTable, TKey = undefined, TDocument = undefined, TColumns = undefined> = [
  TDocument,
] extends [PgColumn]
  ? TDocument extends PgColumn
    ? TDocument['_']['data']
    : never
  : Omit<
      TTable['$inferSelect'],
      | SystemProperty
      | TableKeyProperty<TTable, TKey>
      | (TColumns extends object ? ColumnProperty<TTable, Exclude<TColumns[keyof TColumns], null | undefined>> : never)
    >;

/**
 * A table whose rows can hold a value of type `T` under a key of type `K`: every member of `T`
 * is a column whose select type fits it, and the primary key column, when the table's type
 * declares one (`.primaryKey()`), holds a `K`. What an explicit `createPostgresStore<T, K>` is
 * checked against; `TableFor<T>` is such a table whatever its key, and `TableFor<unknown, K>`
 * checks the key alone.
 *
 * It cannot see a column `T` leaves out, nor a composite primary key declared in the table's
 * extra config (neither is in what the table's type can be compared with): a NOT NULL column
 * without a default that `T` lacks is refused by the database on the first write
 * (`INVALID_VALUE`). Give no type arguments to have the whole table checked.
 */
export type TableFor<
  T,
  // biome-ignore lint/suspicious/noExplicitAny: the default key is a wildcard both ways: any table fits `TableFor<T>`, and a `TableFor<T>` fits `TableFor<T, K>` for every K.
  K = any,
> = PgTable & {
  readonly $inferSelect: { [P in keyof T]-?: T[P] };
  readonly _: {
    readonly columns: {
      readonly [property: string]:
        | { readonly _: { readonly isPrimaryKey: false } }
        | { readonly _: { readonly isPrimaryKey: true; readonly data: K } };
    };
  };
};

/**
 * The `key` option for keys of type `K`: one column holding a `K`; for an object key, its
 * columns, each holding one of the key's members.
 */
export type KeyColumnsFor<K> = unknown extends K
  ? PgColumn | readonly PgColumn[]
  : [K] extends [string | number | bigint | boolean | Date | Uint8Array]
    ? PgColumn & { readonly _: { readonly data: K } }
    : readonly (PgColumn & { readonly _: { readonly data: K[keyof K] } })[];
