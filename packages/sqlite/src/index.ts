/**
 * @ifmatch/sqlite: conditional writes on a better-sqlite3 database the user owns, on the
 * user's own table. Each write is ONE statement (`INSERT … ON CONFLICT DO UPDATE … WHERE
 * <condition> RETURNING *`, `UPDATE … WHERE`, `DELETE … WHERE`); only when its condition fails
 * does it run again in an IMMEDIATE transaction that also reads the current row, so the record
 * a conflict returns is the one that beat the write.
 */
import { IfMatchError, type Store, type StoreOptions } from '@ifmatch/core';
import {
  type DriverCondition,
  type DriverOutcome,
  type DriverRecord,
  type DriverWrite,
  defineStore,
  errorGuard,
  type StoreDriver,
} from '@ifmatch/core/driver';
import type { Database } from 'better-sqlite3';
import { columnsCodec, documentCodec, type RowCodec } from './codec.js';
import { toIfMatchError } from './errors.js';
import { whenUnlocked } from './lock.js';
import type { NamedStatement, Slots } from './named.js';
import {
  checkSystemColumns,
  DEFAULT_COLUMNS,
  keyUniqueness,
  readTableShape,
  type SystemColumns,
  storedNumber,
} from './schema.js';
import { type SqliteWrite, sqliteStatements } from './statements.js';

export { backfillSqlite, type SqliteBackfillOptions } from './backfill.js';
export {
  addSystemColumns,
  createDefaultTable,
  type DefaultTableOptions,
  type SystemColumns,
  systemColumnsSql,
} from './schema.js';

export type SqliteKey = string | number | bigint;

export interface SqliteStoreOptions extends StoreOptions {
  /**
   * An open better-sqlite3 database. WAL mode suits several writers. The store sets its busy
   * timeout to 0: it waits for other connections' locks itself, asynchronously (`lockTimeoutMs`).
   */
  readonly db: Database;
  /** The table; its columns are read from SQLite when the store is created. */
  readonly table: string;
  /** Names of the key and system columns (default `id`, `version`, `modified_at`, `incarnation`, `etag_hash`). */
  readonly columns?: Partial<SystemColumns>;
  /**
   * Keep each value as one JSON document in this column. Without it, each member of the
   * value is a column of the table (row mode): columns declared with a JSON type hold JSON,
   * the others strings, numbers, bigints, bytes and null, each as its column gives it back.
   */
  readonly documentColumn?: string;
  /**
   * How long a read or write waits for a lock another connection holds, without blocking the
   * event loop, before it fails with THROTTLED (default 5000 ms).
   */
  readonly lockTimeoutMs?: number;
}

type Row = Record<string, unknown>;

/** Creates a `Store` on a better-sqlite3 database and one of its tables. */
export function createSqliteStore<T = Record<string, unknown>, K extends SqliteKey = SqliteKey>(
  options: SqliteStoreOptions,
): Store<T, K> {
  const { db, table } = options;
  const lockTimeoutMs = options.lockTimeoutMs ?? 5000;
  const system: SystemColumns = { ...DEFAULT_COLUMNS, ...options.columns };
  const shape = readTableShape(db, table);
  checkSystemColumns(shape, table, system, [system.key, system.version, system.modifiedAt, system.incarnation]);
  if (options.documentColumn === undefined && shape.columns.has('__proto__')) {
    // better-sqlite3 builds each row as a plain object: such a column's value is lost on read.
    throw new TypeError(`table ${table} has a column named __proto__, which better-sqlite3 cannot read back`);
  }
  if (options.documentColumn !== undefined && !shape.columns.has(options.documentColumn)) {
    throw new TypeError(`table ${table} has no column ${options.documentColumn}`);
  }
  const hasHash = shape.columns.has(system.hash);
  const codec: RowCodec<T> =
    options.documentColumn === undefined
      ? columnsCodec(shape.columns, new Set(Object.values(system)), system.key)
      : documentCodec(options.documentColumn);
  const uniqueness = keyUniqueness(db, table, shape, system.key);
  if (uniqueness === 'none') {
    throw new TypeError(
      `column ${system.key} of table ${table} is neither its primary key nor under a unique index: a key must name one row`,
    );
  }
  const statements = sqliteStatements(db, table, system, codec as RowCodec<unknown>, {
    hasHash,
    countsChanges: uniqueness === 'unique',
  });
  // The busy handler would sleep inside the event loop: lock waits happen in `whenUnlocked`.
  db.pragma('busy_timeout = 0');

  /** A record from a row; `value` when it is known already (the one just written: no decoding). */
  const toRecord = (row: Row, key: unknown, value: T = codec.fromRow(row)): DriverRecord<T, K> => ({
    key: key as K,
    value,
    version: storedNumber(row[system.version]) ?? 0,
    modifiedAt: storedNumber(row[system.modifiedAt]),
    incarnation: (row[system.incarnation] as string | null) ?? null,
    hash: hasHash ? ((row[system.hash] as string | null) ?? null) : null,
  });
  /**
   * The value `prepareValue` returned last, and the values of its statement with its cells in:
   * core writes a value right after preparing it, so the write binds them without encoding the
   * value again (any other value is encoded afresh).
   */
  let lastPrepared: T | undefined;
  let lastValues: unknown[] | undefined;
  const encoded = (value: T, key: K, values: unknown[]): T => codec.encode(value, key, values, statements.firstCell);

  /**
   * On failure, runs the statement again in an IMMEDIATE transaction that then reads the
   * current row, so the row returned is the one the condition failed against (or a write
   * that got in between lets it through, as it should).
   */
  const runAndRead = db.transaction((statement: NamedStatement, values: Slots, key: unknown) => {
    const row = statement.get(values) as Row | undefined;
    return row !== undefined ? { ok: true as const, row } : { ok: false as const, row: statements.select(key) };
  });
  /**
   * One statement on the success path: no transaction of our own around it. A write returns
   * its system columns and the record is the value just `written`; a delete returns the row.
   */
  const attempt = (
    { statement, values, quick, written }: SqliteWrite,
    key: unknown,
    write: DriverWrite<T> | undefined,
  ): DriverOutcome<T, K> => {
    if (quick !== undefined && written !== undefined) {
      // The key is unique (see `keyUniqueness`): 1 change is the write, 0 is none.
      const { changes } = quick.run(values);
      if (changes > 1) throw new IfMatchError('STORE_ERROR', `the key matched ${changes} rows of ${table}`);
      if (changes === 1) return { ok: true, record: written as DriverRecord<T, K> };
    }
    const row = quick === undefined ? (statement.get(values) as Row | undefined) : undefined;
    const result = row !== undefined ? { ok: true as const, row } : runAndRead.immediate(statement, values, key);
    if (!result.ok) return { ok: false, current: result.row && toRecord(result.row, key) };
    return { ok: true, record: toRecord(result.row, key, write === undefined ? undefined : write.value) };
  };
  // Functions made once, handed their arguments: no closure is made per call.
  const run = (sqliteWrite: SqliteWrite, key: unknown, write?: DriverWrite<T>) =>
    whenUnlocked(lockTimeoutMs, attempt, sqliteWrite, key, write);
  const read = (key: K) => {
    const row = statements.select(key);
    return row && toRecord(row, key);
  };
  const writeNow = (key: K, write: DriverWrite<T>, condition: DriverCondition) => {
    let values = lastValues;
    if (values === undefined || lastPrepared !== write.value) {
      values = statements.slots();
      encoded(write.value, key, values);
    }
    lastPrepared = lastValues = undefined; // hold no value past its write, nor its values for another
    return run(statements.write(key, write, values, condition), key, write);
  };
  const remove = (key: K, condition: DriverCondition) => run(statements.remove(key, condition), key);

  const guard = errorGuard(toIfMatchError);

  const driver: StoreDriver<T, K> = {
    capabilities: { strategies: hasHash ? ['version', 'timestamp', 'hash'] : ['version', 'timestamp'] },
    checkKey(key) {
      if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'bigint') {
        throw new TypeError(`a SQLite key is a string, a number or a bigint, not ${typeof key}`);
      }
    },
    prepareValue(value, key) {
      const values = statements.slots();
      lastPrepared = encoded(value, key, values);
      lastValues = values;
      return lastPrepared;
    },
    read: (key) => guard('read', whenUnlocked, lockTimeoutMs, read, key),
    write: (key, write, condition) => guard('write', writeNow, key, write, condition),
    remove: (key, condition) => guard('write', remove, key, condition),
  };
  return defineStore(driver, options);
}
