/**
 * @ifmatch/postgres: conditional writes on PostgreSQL through a Drizzle database the user
 * owns (node-postgres, postgres.js, PGlite, or a transaction of any of them), on the user's
 * own `pgTable`.
 *
 * Each write is ONE statement: the conditional INSERT / UPDATE / DELETE, built with Drizzle's
 * query builder, sits in a CTE whose outer query also returns the current row when the
 * condition fails, so a conflict costs no second round trip. Statements are built once per
 * shape with placeholders and run as named prepared statements.
 */
import {
  defineStore,
  errorGuard,
  hashEtag,
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
import { type PgColumn, type PgDatabase, PgDialect, type PgTable } from 'drizzle-orm/pg-core';
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

/** A statement prepared by Drizzle's session: placeholders are filled (and encoded) per call. */
interface Prepared {
  execute(placeholders: Row): Promise<unknown>;
}
interface PreparingSession {
  prepareQuery(
    query: { sql: string; params: unknown[] },
    fields: undefined,
    name: string,
    isResponseInArrayMode: boolean,
  ): Prepared;
}

/** How many times a statement is re-run when its snapshot predates the write that beat it. */
const STALE_SNAPSHOT_RETRIES = 10;
const WRITTEN = 'ifmatch_written';
/** Most statement shapes kept prepared per store. */
const STATEMENT_CACHE_SIZE = 256;

const p = (name: string) => sql.placeholder(name);

/** Creates a `Store` on a Drizzle PostgreSQL database and one of its tables. */
export function createPostgresStore<T = Record<string, unknown>, K = unknown>(
  options: PostgresStoreOptions,
): Store<T, K> {
  const { db } = options;
  const session = (db as { _?: { session?: PreparingSession } })._?.session;
  if (typeof session?.prepareQuery !== 'function') {
    throw new TypeError('db must be a Drizzle PostgreSQL database or transaction (drizzle-orm 0.40 or later)');
  }
  const table = resolveTable(options.table, options.key, options.columns);
  const codec = valueCodec<T>(table, options.documentColumn);
  const fieldColumn = { version: table.version[1], modifiedAt: table.modifiedAt[1], hash: table.hash?.[1] };
  const composite = table.keys.length > 1;
  const dialect = new PgDialect();

  /** Placeholder values for the key; a malformed key is a TypeError, not a database error. */
  const keyPlaceholders = (key: K): Row => {
    if (composite && (typeof key !== 'object' || key === null)) {
      throw new TypeError(`a key is an object with ${table.keys.map(([name]) => name).join(', ')}`);
    }
    const values: Row = {};
    table.keys.forEach(([name], i) => {
      const part = composite ? (key as Row)[name] : key;
      if (part === undefined || part === null) throw new TypeError(`the key has no ${name}`);
      values[`k${i}`] = part;
    });
    return values;
  };
  const matchKey = and(...table.keys.map(([, column], i) => eq(column, p(`k${i}`))))!;

  /** A row mapped to property names and decoded values, as a raw record. */
  const toRaw = (row: Row): RawRecord<T, K> => ({
    key: (composite ? Object.fromEntries(table.keys.map(([name]) => [name, row[name]])) : row[table.keys[0][0]]) as K,
    value: codec.fromRow(row),
    version: Number(row[table.version[0]]),
    modifiedAt: Number(row[table.modifiedAt[0]]),
    hash: table.hash ? (row[table.hash[0]] as string | null) : null,
  });

  /** A row as the driver returned it (column names, driver values), decoded by the columns. */
  const fromDriver = (row: Row): Row => {
    const mapped: Row = {};
    for (const [name, column] of table.columns) {
      const raw = row[column.name];
      mapped[name] = raw === null || raw === undefined ? null : column.mapFromDriverValue(raw);
    }
    return mapped;
  };
  const rowsOf = (result: unknown): Row[] =>
    // node-postgres and PGlite answer { rows }, postgres.js an array of rows.
    (Array.isArray(result) ? result : (result as { rows: Row[] }).rows) as Row[];

  /** The condition over the existing row, with placeholders i0…, n0…, since. */
  const conditionSql = (condition: StorageCondition): SQL | undefined => {
    const field = fieldColumn[condition.field];
    if (field === undefined) throw new IfMatchError('NOT_SUPPORTED', 'this table has no hash column');
    const parts: SQL[] = [];
    if (condition.exists === false) parts.push(sql`false`);
    if (condition.in !== undefined) {
      parts.push(
        condition.in.length === 0
          ? sql`false`
          : inArray(
              field,
              condition.in.map((_, i) => p(`i${i}`)),
            ),
      );
    }
    if (condition.notIn !== undefined && condition.notIn.length > 0) {
      parts.push(
        or(
          isNull(field),
          notInArray(
            field,
            condition.notIn.map((_, i) => p(`n${i}`)),
          ),
        )!,
      );
    }
    if (condition.modifiedAtMost !== undefined) parts.push(lte(table.modifiedAt[1], p('since')));
    return parts.length === 0 ? undefined : and(...parts);
  };
  const conditionPlaceholders = (condition: StorageCondition, into: Row): Row => {
    condition.in?.forEach((token, i) => {
      into[`i${i}`] = token;
    });
    condition.notIn?.forEach((token, i) => {
      into[`n${i}`] = token;
    });
    if (condition.modifiedAtMost !== undefined) into.since = condition.modifiedAtMost;
    return into;
  };

  const columnList = sql.join(
    table.columns.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );
  const written = sql.identifier(WRITTEN);
  /** The write in a CTE; the outer query returns the written row, or else the current one. */
  const withCurrent = (write: { getSQL(): SQL }) =>
    sql`with ${written} as (${write.getSQL()})
      select true as ${written}, ${columnList} from ${written}
      union all
      select false, ${columnList} from ${table.table} where ${matchKey} and not exists (select 1 from ${written})`;

  const statements = new Map<string, Prepared>();
  /** The prepared statement for a shape, built on first use. Its name hashes its text. */
  const prepared = (shape: string, build: () => SQL): Prepared => {
    let statement = statements.get(shape);
    if (statement === undefined) {
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
      const query = dialect.sqlToQuery(build());
      statement = session.prepareQuery(query, undefined, `ifmatch_${hashEtag(query.sql)}`, false);
      statements.set(shape, statement);
    }
    return statement;
  };
  const conditionShape = (c: StorageCondition) =>
    `${c.field}|${c.exists}|${c.in?.length}|${c.notIn?.length}|${c.modifiedAtMost === undefined}`;

  /**
   * Runs a conditional statement. The current row it returns on failure comes from the
   * statement's snapshot, which under READ COMMITTED can predate the commit that made the
   * condition fail: when that row would still have let the write through, it is stale, and
   * the statement runs again on a fresh snapshot. So a conflict never returns a row older
   * than the one that beat the write.
   */
  const execute = async (
    statement: Prepared,
    placeholders: Row,
    wouldWrite: (current: RawRecord<T, K> | undefined) => boolean,
  ): Promise<RawOutcome<T, K>> => {
    for (let attempt = 1; ; attempt++) {
      const row = rowsOf(await statement.execute(placeholders))[0];
      if (row?.[WRITTEN] === true) return { ok: true, record: toRaw(fromDriver(row)) };
      const current = row === undefined ? undefined : toRaw(fromDriver(row));
      if (!wouldWrite(current) || attempt === STALE_SNAPSHOT_RETRIES) return { ok: false, current };
    }
  };

  const guard = errorGuard(toIfMatchError);

  const read = (key: K) => {
    const placeholders = keyPlaceholders(key);
    return guard('read', async () => {
      const statement = prepared('read', () => sql`select ${columnList} from ${table.table} where ${matchKey}`);
      const row = rowsOf(await statement.execute(placeholders))[0];
      return row === undefined ? undefined : toRaw(fromDriver(row));
    });
  };

  const target = table.keys.map(([, column]) => column);
  const driver: StoreDriver<T, K> = {
    capabilities: { strategies: table.hash ? ['version', 'timestamp', 'hash'] : ['version', 'timestamp'] },
    read,
    write: (key, write, condition) => {
      const mustExist = condition.exists === true || condition.in !== undefined;
      if (condition.exists === false && mustExist) {
        // A condition that needs the record to be both absent and present never passes.
        return read(key).then((current) => ({ ok: false, current }));
      }
      const placeholders = keyPlaceholders(key);
      return guard('write', () => {
        const row = codec.toRow(write.value, key);
        // Members left out become DEFAULT: part of the statement's shape.
        const defaults = codec.columns.map((name) => (row[name] === undefined ? '1' : '0')).join('');
        codec.columns.forEach((name, i) => {
          placeholders[`v${i}`] = row[name];
        });
        placeholders.h = write.hash;
        placeholders.now = write.now;
        conditionPlaceholders(condition, placeholders);
        const kind = condition.exists === false ? 'create' : mustExist ? 'update' : 'upsert';
        const statement = prepared(`${kind}|${defaults}|${conditionShape(condition)}`, () => {
          const values: Row = {};
          codec.columns.forEach((name, i) => {
            values[name] = defaults[i] === '1' ? sql`default` : p(`v${i}`);
          });
          if (table.hash) values[table.hash[0]] = p('h');
          const inserted = {
            ...Object.fromEntries(table.keys.map(([name], i) => [name, p(`k${i}`)])),
            ...values,
            [table.version[0]]: 1,
            [table.modifiedAt[0]]: p('now'),
          };
          const updated = {
            ...values,
            [table.version[0]]: sql`${table.version[1]} + 1`,
            [table.modifiedAt[0]]: sql`greatest(${p('now')}::bigint, ${table.modifiedAt[1]} + 1)`,
          };
          const where = conditionSql(condition);
          if (kind === 'create') {
            return withCurrent(db.insert(table.table).values(inserted).onConflictDoNothing({ target }).returning());
          }
          if (kind === 'update') {
            return withCurrent(
              db
                .update(table.table)
                .set(updated)
                .where(where ? and(matchKey, where) : matchKey)
                .returning(),
            );
          }
          return withCurrent(
            db
              .insert(table.table)
              .values(inserted)
              .onConflictDoUpdate({ target, set: updated, ...(where ? { setWhere: where } : {}) })
              .returning(),
          );
        });
        return execute(statement, placeholders, (current) => satisfiesStorageCondition(condition, current));
      });
    },
    remove: (key, condition) => {
      const placeholders = conditionPlaceholders(condition, keyPlaceholders(key));
      return guard('write', () => {
        const statement = prepared(`delete|${conditionShape(condition)}`, () => {
          const where = conditionSql(condition);
          return withCurrent(
            db
              .delete(table.table)
              .where(where ? and(matchKey, where) : matchKey)
              .returning(),
          );
        });
        return execute(
          statement,
          placeholders,
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
    const entry = table.columns.find(([, column]) => column === documentColumn || column.name === documentColumn.name);
    if (entry === undefined) throw new TypeError('documentColumn must be a column of the table');
    const [name] = entry;
    return {
      columns: [name],
      toRow: (value: T, _key: unknown): Row => ({ [name]: value }),
      fromRow: (row: Row): T => row[name] as T,
    };
  }
  const valueColumns = table.columns.filter(([, column]) => !system.has(column)).map(([name]) => name);
  const known = new Set(valueColumns);
  const keyNames = new Set(table.keys.map(([name]) => name));
  return {
    columns: valueColumns,
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
      return value as Row;
    },
    fromRow: (row: Row): T => Object.fromEntries(valueColumns.map((name) => [name, row[name]])) as T,
  };
}
