/**
 * @ifmatch/sqlite: conditional writes on a better-sqlite3 database the user owns, on the
 * user's own table. Each write is one statement (`INSERT … ON CONFLICT DO UPDATE … WHERE
 * <condition> RETURNING *`, `UPDATE … WHERE`, `DELETE … WHERE`) run in an IMMEDIATE
 * transaction that also reads the current row when the condition fails, so the record a
 * conflict returns is the one that beat the write.
 */
import {
  canonicalJson,
  defineStore,
  errorGuard,
  IfMatchError,
  type RawRecord,
  type StorageCondition,
  type Store,
  type StoreDriver,
  type StoreOptions,
} from '@ifmatch/core';
import type { Database, Statement } from 'better-sqlite3';
import { toIfMatchError } from './errors.js';
import { DEFAULT_COLUMNS, quote, readTableShape, type SystemColumns, type TableShape } from './schema.js';

export { createDefaultTable, type DefaultTableOptions, type SystemColumns } from './schema.js';

export type SqliteKey = string | number;

export interface SqliteStoreOptions extends StoreOptions {
  /** An open better-sqlite3 database. WAL mode and a busy timeout suit several writers. */
  readonly db: Database;
  /** The table; its columns are read from SQLite when the store is created. */
  readonly table: string;
  /** Names of the key and system columns (default `id`, `version`, `modified_at`, `etag_hash`). */
  readonly columns?: Partial<SystemColumns>;
  /**
   * Keep each value as one JSON document in this column. Without it, each member of the
   * value is a column of the table (row mode): columns declared with a JSON type hold JSON,
   * the others take strings, numbers, bigints, buffers and null.
   */
  readonly documentColumn?: string;
}

type Row = Record<string, unknown>;

/** Converts between a value and the table's value columns. */
interface RowCodec<T> {
  readonly columns: readonly string[];
  toRow(value: T, key: unknown): unknown[];
  fromRow(row: Row): T;
}

function documentCodec<T>(column: string): RowCodec<T> {
  return {
    columns: [column],
    toRow: (value) => [canonicalJson(value)],
    fromRow: (row) => JSON.parse(row[column] as string) as T,
  };
}

function isBindable(value: unknown): boolean {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'bigint' ||
    (typeof value === 'number' && Number.isFinite(value)) ||
    value instanceof Uint8Array
  );
}

function columnsCodec<T>(shape: TableShape, system: SystemColumns): RowCodec<T> {
  const systemNames = new Set(Object.values(system));
  const columns = [...shape.columns].filter((name) => !systemNames.has(name));
  const known = new Set(columns);
  return {
    columns,
    toRow(value, key) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new IfMatchError('INVALID_VALUE', 'in row mode a value must be an object whose members are columns');
      }
      for (const [name, member] of Object.entries(value)) {
        if (known.has(name) || member === undefined) continue;
        if (name === system.key && member === key) continue; // a row spread back in
        throw new IfMatchError('INVALID_VALUE', `the table has no value column ${JSON.stringify(name)}`);
      }
      return columns.map((name) => {
        const member = (value as Row)[name] ?? null;
        if (member !== null && shape.jsonColumns.has(name)) return canonicalJson(member);
        if (!isBindable(member)) {
          throw new IfMatchError('INVALID_VALUE', `column ${name} cannot hold ${typeof member}; declare it as JSON`);
        }
        return member;
      });
    },
    fromRow(row) {
      const value: Row = {};
      for (const name of columns) {
        const cell = row[name];
        value[name] = cell !== null && shape.jsonColumns.has(name) ? JSON.parse(cell as string) : cell;
      }
      return value as T;
    },
  };
}

/** Most statement shapes kept prepared; tag-list lengths vary, so the cache is bounded. */
const STATEMENT_CACHE_SIZE = 256;

/** Creates a `Store` on a better-sqlite3 database and one of its tables. */
export function createSqliteStore<T = Record<string, unknown>, K extends SqliteKey = SqliteKey>(
  options: SqliteStoreOptions,
): Store<T, K> {
  const { db, table } = options;
  const system: SystemColumns = { ...DEFAULT_COLUMNS, ...options.columns };
  const shape = readTableShape(db, table);
  for (const name of [system.key, system.version, system.modifiedAt]) {
    if (!shape.columns.has(name)) throw new TypeError(`table ${table} has no column ${name}`);
  }
  const hasHash = shape.columns.has(system.hash);
  const codec: RowCodec<T> =
    options.documentColumn === undefined ? columnsCodec(shape, system) : documentCodec(options.documentColumn);
  if (options.documentColumn !== undefined && !shape.columns.has(options.documentColumn)) {
    throw new TypeError(`table ${table} has no column ${options.documentColumn}`);
  }

  const t = quote(table);
  const col = (name: string) => `${t}.${quote(name)}`;
  const fieldColumn = { version: system.version, modifiedAt: system.modifiedAt, hash: system.hash } as const;
  const writeColumns = [...codec.columns, ...(hasHash ? [system.hash] : [])].map(quote);
  const placeholders = writeColumns.map(() => '?').join(', ');

  /** The condition as SQL over the existing row; `conditionParams` gives its parameters. */
  const conditionSql = (condition: StorageCondition): string => {
    const parts: string[] = [];
    const field = col(fieldColumn[condition.field]);
    const list = (values: readonly unknown[]) => values.map(() => '?').join(', ');
    if (condition.exists === false) parts.push('0');
    if (condition.in !== undefined) parts.push(condition.in.length === 0 ? '0' : `${field} IN (${list(condition.in)})`);
    if (condition.notIn !== undefined && condition.notIn.length > 0) {
      parts.push(`(${field} IS NULL OR ${field} NOT IN (${list(condition.notIn)}))`);
    }
    if (condition.modifiedAtMost !== undefined) parts.push(`${col(system.modifiedAt)} <= ?`);
    return parts.length === 0 ? '1' : parts.join(' AND ');
  };
  const conditionParams = (condition: StorageCondition): unknown[] => {
    const params: unknown[] = [...(condition.in ?? []), ...(condition.notIn ?? [])];
    if (condition.modifiedAtMost !== undefined) params.push(condition.modifiedAtMost);
    return params;
  };

  const toRaw = (row: Row): RawRecord<T, K> => ({
    key: row[system.key] as K,
    value: codec.fromRow(row),
    version: Number(row[system.version]),
    modifiedAt: Number(row[system.modifiedAt]),
    hash: hasHash ? (row[system.hash] as string | null) : null,
  });

  const select = db.prepare(`SELECT * FROM ${t} WHERE ${quote(system.key)} = ?`);
  const readRow = (id: K) => select.get(id) as Row | undefined;

  const key = quote(system.key);
  const insertSql = `INSERT INTO ${t} (${key}, ${writeColumns.join(', ')}, ${quote(system.version)}, ${quote(system.modifiedAt)}) VALUES (?, ${placeholders}, 1, ?)`;
  const upsertAssignments = [
    ...writeColumns.map((name) => `${name} = excluded.${name}`),
    `${quote(system.version)} = ${col(system.version)} + 1`,
    `${quote(system.modifiedAt)} = MAX(excluded.${quote(system.modifiedAt)}, ${col(system.modifiedAt)} + 1)`,
  ].join(', ');
  const updateAssignments = [
    ...writeColumns.map((name) => `${name} = ?`),
    `${quote(system.version)} = ${quote(system.version)} + 1`,
    `${quote(system.modifiedAt)} = MAX(?, ${quote(system.modifiedAt)} + 1)`,
  ].join(', ');

  /** The SQL of each kind of statement; parameters: see `driver` below. */
  const sqlFor = {
    create: () => `${insertSql} ON CONFLICT (${key}) DO NOTHING RETURNING *`,
    update: (c: StorageCondition) =>
      `UPDATE ${t} SET ${updateAssignments} WHERE ${key} = ? AND ${conditionSql(c)} RETURNING *`,
    upsert: (c: StorageCondition) =>
      `${insertSql} ON CONFLICT (${key}) DO UPDATE SET ${upsertAssignments} WHERE ${conditionSql(c)} RETURNING *`,
    delete: (c: StorageCondition) => `DELETE FROM ${t} WHERE ${key} = ? AND ${conditionSql(c)} RETURNING *`,
    never: () => 'SELECT NULL WHERE 0',
  };

  /** Prepared statements by kind and condition shape (not by SQL text: cheaper to look up). */
  const statements = new Map<string, Statement>();
  const statement = (kind: keyof typeof sqlFor, c: StorageCondition): Statement => {
    const shape = `${kind}|${c.field}|${c.exists}|${c.in?.length}|${c.notIn?.length}|${c.modifiedAtMost === undefined}`;
    let prepared = statements.get(shape);
    if (prepared === undefined) {
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
      prepared = db.prepare(sqlFor[kind](c));
      statements.set(shape, prepared);
    }
    return prepared;
  };

  /**
   * On failure, runs the statement again in an IMMEDIATE transaction that then reads the
   * current row, so the row returned is the one the condition failed against (or a write
   * that got in between succeeds, as it should).
   */
  const retryAndRead = db.transaction((prepared: Statement, params: unknown[], key: K) => {
    const row = prepared.get(...params) as Row | undefined;
    return row !== undefined ? { ok: true as const, row } : { ok: false as const, row: readRow(key) };
  });
  /** One statement on the success path: no transaction of our own around it. */
  const run = (prepared: Statement, params: unknown[], key: K) => {
    const row = prepared.get(...params) as Row | undefined;
    const result = row !== undefined ? { ok: true as const, row } : retryAndRead.immediate(prepared, params, key);
    return result.ok
      ? { ok: true as const, record: toRaw(result.row) }
      : { ok: false as const, current: result.row && toRaw(result.row) };
  };

  const guard = errorGuard(toIfMatchError);

  const driver: StoreDriver<T, K> = {
    capabilities: { strategies: hasHash ? ['version', 'timestamp', 'hash'] : ['version', 'timestamp'] },
    read: (id) =>
      guard('read', () => {
        const row = readRow(id);
        return row && toRaw(row);
      }),
    write: (id, write, condition) =>
      guard('write', () => {
        const values = [...codec.toRow(write.value, id), ...(hasHash ? [write.hash] : [])];
        const mustExist = condition.exists === true || condition.in !== undefined;
        if (condition.exists === false) {
          // Create-only; a condition that also needs the record can never pass.
          return mustExist
            ? run(statement('never', condition), [], id)
            : run(statement('create', condition), [id, ...values, write.now], id);
        }
        if (mustExist) {
          return run(statement('update', condition), [...values, write.now, id, ...conditionParams(condition)], id);
        }
        return run(statement('upsert', condition), [id, ...values, write.now, ...conditionParams(condition)], id);
      }),
    remove: (id, condition) =>
      guard('write', () => run(statement('delete', condition), [id, ...conditionParams(condition)], id)),
  };
  return defineStore(driver, options);
}
