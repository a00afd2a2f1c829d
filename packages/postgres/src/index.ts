/**
 * @ifmatch/postgres: conditional writes on PostgreSQL through a Drizzle database the user
 * owns (node-postgres, postgres.js, PGlite, or a transaction of any of them), on the user's
 * own `pgTable`.
 *
 * Each write is ONE statement: the conditional INSERT / UPDATE / DELETE, built with Drizzle's
 * query builder, sits in a CTE whose outer query also returns the current row when the
 * condition fails, so a conflict costs no second round trip.
 */
import {
  defineStore,
  IfMatchError,
  type RawOutcome,
  type RawRecord,
  type StorageCondition,
  type Store,
  type StoreDriver,
  type StoreOptions,
  satisfiesStorageCondition,
} from '@ifmatch/core';
import { and, eq, inArray, isNull, lte, notInArray, or, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgDatabase, PgTable } from 'drizzle-orm/pg-core';
import { toIfMatchError } from './errors.js';
import { type ResolvedTable, resolveTable, type SystemColumns } from './table.js';

export { createDocumentTableSql, defineDocumentTable, type SystemColumns } from './table.js';

export interface PostgresStoreOptions extends StoreOptions {
  // biome-ignore lint/suspicious/noExplicitAny: any Drizzle pg database or transaction, whatever its driver and schema.
  readonly db: PgDatabase<any, any, any>;
  /** Your table. */
  readonly table: PgTable;
  /**
   * The key column, or columns for a composite key (keys are then objects with those
   * properties). Default: the table's primary key.
   */
  readonly key?: PgColumn | readonly PgColumn[];
  /** The system columns. Default: the table's `version`, `modifiedAt` and `etagHash` properties. */
  readonly columns?: SystemColumns;
  /**
   * Keep each value as one JSON document in this column. Without it, each member of the
   * value is a column (row mode); a member left out of a `put` resets its column to its
   * default.
   */
  readonly documentColumn?: PgColumn;
}

type Row = Record<string, unknown>;

/** How many times a statement is re-run when its snapshot predates the write that beat it. */
const STALE_SNAPSHOT_RETRIES = 10;
const WRITTEN = 'ifmatch_written';

/** Creates a `Store` on a Drizzle PostgreSQL database and one of its tables. */
export function createPostgresStore<T = Record<string, unknown>, K = unknown>(
  options: PostgresStoreOptions,
): Store<K, T> {
  const { db } = options;
  const table = resolveTable(options.table, options.key, options.columns);
  const codec = valueCodec<T>(table, options.documentColumn);
  const fieldColumn = { version: table.version[1], modifiedAt: table.modifiedAt[1], hash: table.hash?.[1] };
  const composite = table.keys.length > 1;

  const keyWhere = (key: K): SQL => {
    if (composite && (typeof key !== 'object' || key === null)) {
      throw new TypeError(`a key is an object with ${table.keys.map(([name]) => name).join(', ')}`);
    }
    const parts = table.keys.map(([name, column]) => {
      const part = composite ? (key as Row)[name] : key;
      if (part === undefined || part === null) throw new TypeError(`the key has no ${name}`);
      return eq(column, part);
    });
    return parts.length === 1 ? parts[0] : and(...parts)!;
  };
  const keyValues = (key: K): Row =>
    composite
      ? Object.fromEntries(table.keys.map(([name]) => [name, (key as Row)[name]]))
      : { [table.keys[0][0]]: key };

  /** A row mapped by Drizzle (property names, decoded values) to a raw record. */
  const toRaw = (row: Row): RawRecord<K, T> => ({
    key: (composite ? Object.fromEntries(table.keys.map(([name]) => [name, row[name]])) : row[table.keys[0][0]]) as K,
    value: codec.fromRow(row),
    version: Number(row[table.version[0]]),
    modifiedAt: Number(row[table.modifiedAt[0]]),
    hash: table.hash ? (row[table.hash[0]] as string | null) : null,
  });

  /** A row as the driver returned it from `db.execute` (column names, driver values). */
  const fromDriver = (row: Row): Row => {
    const mapped: Row = {};
    for (const [name, column] of table.columns) {
      const raw = row[column.name];
      mapped[name] = raw === null || raw === undefined ? null : column.mapFromDriverValue(raw);
    }
    return mapped;
  };

  const conditionSql = (condition: StorageCondition): SQL | undefined => {
    const field = fieldColumn[condition.field];
    if (field === undefined) throw new IfMatchError('NOT_SUPPORTED', 'this table has no hash column');
    const parts: SQL[] = [];
    if (condition.exists === false) parts.push(sql`false`);
    if (condition.in !== undefined)
      parts.push(condition.in.length === 0 ? sql`false` : inArray(field, [...condition.in]));
    if (condition.notIn !== undefined && condition.notIn.length > 0) {
      parts.push(or(isNull(field), notInArray(field, [...condition.notIn]))!);
    }
    if (condition.modifiedAtMost !== undefined) parts.push(lte(table.modifiedAt[1], condition.modifiedAtMost));
    return parts.length === 0 ? undefined : and(...parts);
  };

  const columnList = sql.join(
    table.columns.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );

  /**
   * Runs `write` (an INSERT/UPDATE/DELETE … RETURNING) in a CTE; the outer query returns the
   * written row, or else the current one. The current row comes from the statement's
   * snapshot, which under READ COMMITTED can predate the commit that made the condition
   * fail: when that row still satisfies the condition, it is stale, and the statement runs
   * again on a fresh snapshot. So a conflict never returns a row older than the one that
   * beat the write.
   */
  const execute = async (
    matchKey: SQL,
    write: { getSQL(): SQL },
    /** Whether the statement would have written, given this current record. */
    wouldWrite: (current: RawRecord<K, T> | undefined) => boolean,
  ) => {
    const statement = sql`with ${sql.identifier(WRITTEN)} as (${write.getSQL()})
      select true as ${sql.identifier(WRITTEN)}, ${columnList} from ${sql.identifier(WRITTEN)}
      union all
      select false, ${columnList} from ${table.table}
      where ${matchKey} and not exists (select 1 from ${sql.identifier(WRITTEN)})`;
    for (let attempt = 1; ; attempt++) {
      const result = (await db.execute(statement)) as unknown;
      // node-postgres and PGlite answer { rows }, postgres.js an array of rows.
      const rows = (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];
      const row = rows[0];
      if (row?.[WRITTEN] === true) return { ok: true as const, record: toRaw(fromDriver(row)) };
      const current = row === undefined ? undefined : toRaw(fromDriver(row));
      if (!wouldWrite(current) || attempt === STALE_SNAPSHOT_RETRIES) {
        return { ok: false as const, current };
      }
    }
  };

  const guard = async <R>(kind: 'read' | 'write', operation: () => Promise<R>): Promise<R> => {
    try {
      return await operation();
    } catch (error) {
      throw toIfMatchError(error, kind);
    }
  };

  const read = (key: K) => {
    const matchKey = keyWhere(key); // a malformed key is a TypeError, not a database error
    return guard('read', async () => {
      const rows = (await db.select().from(table.table).where(matchKey).limit(1)) as Row[];
      return rows[0] === undefined ? undefined : toRaw(rows[0]);
    });
  };

  const driver: StoreDriver<K, T> = {
    capabilities: { strategies: table.hash ? ['version', 'timestamp', 'hash'] : ['version', 'timestamp'] },
    read,
    write: (key, write, condition): Promise<RawOutcome<K, T>> => {
      const mustExist = condition.exists === true || condition.in !== undefined;
      if (condition.exists === false && mustExist) {
        // A condition that needs the record to be both absent and present never passes.
        return read(key).then((current) => ({ ok: false, current }));
      }
      const matchKey = keyWhere(key);
      return guard('write', () => {
        const values: Row = {
          ...codec.toRow(write.value, key),
          ...(table.hash ? { [table.hash[0]]: write.hash } : {}),
        };
        const inserted = {
          ...keyValues(key),
          ...values,
          [table.version[0]]: 1,
          [table.modifiedAt[0]]: write.now,
        };
        const updated = {
          ...values,
          [table.version[0]]: sql`${table.version[1]} + 1`,
          [table.modifiedAt[0]]: sql`greatest(${write.now}::bigint, ${table.modifiedAt[1]} + 1)`,
        };
        const where = conditionSql(condition);
        const target = table.keys.map(([, column]) => column);
        let statement: { getSQL(): SQL };
        if (condition.exists === false) {
          statement = db.insert(table.table).values(inserted).onConflictDoNothing({ target }).returning();
        } else if (mustExist) {
          statement = db
            .update(table.table)
            .set(updated)
            .where(where ? and(matchKey, where) : matchKey)
            .returning();
        } else {
          statement = db
            .insert(table.table)
            .values(inserted)
            .onConflictDoUpdate({ target, set: updated, ...(where ? { setWhere: where } : {}) })
            .returning();
        }
        return execute(matchKey, statement, (current) => satisfiesStorageCondition(condition, current));
      });
    },
    remove: (key, condition) => {
      const matchKey = keyWhere(key);
      return guard('write', () => {
        const where = conditionSql(condition);
        const statement = db
          .delete(table.table)
          .where(where ? and(matchKey, where) : matchKey)
          .returning();
        return execute(
          matchKey,
          statement,
          (current) => current !== undefined && satisfiesStorageCondition(condition, current),
        );
      });
    },
  };
  return defineStore(driver, options);
}

/** Converts between a value and the table's value columns (Drizzle property names). */
function valueCodec<T>(table: ResolvedTable, documentColumn: PgColumn | undefined) {
  const system = new Set<PgColumn>([
    ...table.keys.map(([, column]) => column),
    table.version[1],
    table.modifiedAt[1],
    ...(table.hash ? [table.hash[1]] : []),
  ]);
  if (documentColumn !== undefined) {
    const entry = table.columns.find(([, column]) => column === documentColumn);
    if (entry === undefined) throw new TypeError('documentColumn must be a column of the table');
    const [name] = entry;
    return {
      toRow: (value: T): Row => ({ [name]: value }),
      fromRow: (row: Row): T => row[name] as T,
    };
  }
  const valueColumns = table.columns.filter(([, column]) => !system.has(column)).map(([name]) => name);
  const known = new Set(valueColumns);
  const keyNames = new Set(table.keys.map(([name]) => name));
  return {
    toRow(value: T, key: unknown): Row {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new IfMatchError('INVALID_VALUE', 'in row mode a value must be an object whose members are columns');
      }
      for (const [name, member] of Object.entries(value)) {
        if (known.has(name) || member === undefined) continue;
        const keyPart = keyNames.size === 1 ? key : (key as Row)?.[name];
        if (keyNames.has(name) && member === keyPart) continue; // a row spread back in
        throw new IfMatchError('INVALID_VALUE', `the table has no value column ${JSON.stringify(name)}`);
      }
      // A member left out resets its column to the column's default (NULL without one).
      return Object.fromEntries(
        valueColumns.map((name) => [name, (value as Row)[name] === undefined ? sql`default` : (value as Row)[name]]),
      );
    },
    fromRow: (row: Row): T => Object.fromEntries(valueColumns.map((name) => [name, row[name]])) as T,
  };
}
