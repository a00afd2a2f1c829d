/**
 * `backfillPostgres`: brings rows the store did not write up to date (see core's
 * `planBackfill` for what each field gets, and why), while the application keeps writing.
 *
 * Rows are read in batches by key (keyset pagination on the key columns, in index order), so
 * a run resumes exactly after its last completed batch. Each batch is written by ONE
 * `UPDATE … FROM (VALUES …)` statement (atomic: a batch is all written or not at all), every
 * row pinned to the exact state read: each system field compared as text with `IS NOT
 * DISTINCT FROM` (NULL-safe), and, when a hash is stored, the content: a SHA-256 of the
 * row's value columns as PostgreSQL spells them (`row(…)::text`, each type's own output),
 * computed by the server when reading and again when writing. A row written in between fails
 * its pin and is left alone. Keys travel as text and are cast back to their column's type.
 */
import {
  type BackfillHashOptions,
  type BackfillJson,
  type BackfillOptions,
  type BackfillReport,
  IfMatchError,
} from '@ifmatch/core';
import { type BackfillChange, errorGuard, runBackfill } from '@ifmatch/core/driver';
import { type SQL, sql } from 'drizzle-orm';
import { getTableConfig, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { valueCodec } from './codec.js';
import { toIfMatchError } from './errors.js';
import { type AnyPgDatabase, rowsOf } from './session.js';
import { resolveTable, type SystemColumns } from './table.js';

/** `backfillPostgres`'s options: the store's own (table, key, columns, document column, strategy, secret), and the run's. */
export interface PostgresBackfillOptions extends BackfillOptions, BackfillHashOptions {
  /** Your Drizzle database (node-postgres, postgres.js, PGlite), as given to `createPostgresStore`. */
  readonly db: AnyPgDatabase;
  /** Your table, `key`, `columns` and `documentColumn`, as given to `createPostgresStore`. */
  readonly table: PgTable;
  readonly key?: PgColumn | readonly PgColumn[];
  readonly columns?: SystemColumns;
  readonly documentColumn?: PgColumn;
}

type Row = Record<string, unknown>;

const T = sql.raw('ifmatch_t');
const B = sql.raw('ifmatch_b');
const at = (alias: SQL, column: PgColumn) => sql`${alias}.${sql.identifier(column.name)}`;
const text = (value: unknown) => sql`${value === null || value === undefined ? null : String(value)}::text`;

/**
 * Brings the table's rows up to date: `version` NULL → 0, `modified_at` NULL → now, and under
 * the hash strategy `etag_hash` NULL → the hash of the row's value, each row only if nobody
 * wrote it since it was read. Idempotent; resumable from `checkpoint`.
 */
export async function backfillPostgres(options: PostgresBackfillOptions): Promise<BackfillReport> {
  const table = resolveTable(options.table, options.key, options.columns);
  const codec = valueCodec<unknown>(table, options.documentColumn);
  const { db } = options;
  const config = getTableConfig(options.table);
  const hashing = options.strategy === 'hash';
  if (hashing && table.hash === undefined) {
    throw new TypeError(`table ${config.name} has no hash column (see ifmatchColumns and addSystemColumnsSql)`);
  }
  const keys = table.keys.map(([, column]) => column);
  const version = table.version[1];
  const modifiedAt = table.modifiedAt[1];
  const incarnation = table.incarnation[1];
  const hash = table.hash?.[1];
  const system: PgColumn[] = [version, modifiedAt, incarnation, ...(hash ? [hash] : [])];
  const type = (column: PgColumn) => sql.raw(column.getSQLType());

  const list = (parts: SQL[]) => sql.join(parts, sql`, `);
  const keyTuple = (alias: SQL) => sql`(${list(keys.map((column) => at(alias, column)))})`;
  // The value's columns as PostgreSQL spells them, hashed by the server: equal digests, equal cells.
  const digest = (alias: SQL) =>
    sql`encode(sha256(convert_to(row(${list(codec.columns.map(({ column }) => at(alias, column)))})::text, 'UTF8')), 'hex')`;
  const lacking = sql.join(
    [version, modifiedAt, ...(hashing && hash ? [hash] : [])].map((column) => sql`${at(T, column)} is null`),
    sql` or `,
  );

  const select = (after: readonly string[] | null, limit: number) => {
    const from =
      after === null
        ? sql``
        : sql` and ${keyTuple(T)} > (${list(keys.map((column, i) => sql`cast(${after[i] ?? null}::text as ${type(column)})`))})`;
    return sql`select ${T}.*,
        ${list(keys.map((column, i) => sql`${at(T, column)}::text as ${sql.identifier(`ifmatch_k${i}`)}`))},
        ${list(system.map((column, i) => sql`${at(T, column)}::text as ${sql.identifier(`ifmatch_s${i}`)}`))}
        ${hashing ? sql`, ${digest(T)} as ifmatch_content` : sql``}
      from ${options.table} as ${T}
      where (${lacking})${from}
      order by ${list(keys.map((column) => at(T, column)))}
      limit ${limit}`;
  };

  const keyTexts = (row: Row) => keys.map((_, i) => row[`ifmatch_k${i}`] as string);
  const number = (cell: unknown) => (cell === null || cell === undefined ? null : Number(cell));

  /** The row's value as the store reads it: each column through Drizzle's mapping, then the codec. */
  const storedValue = (driverRow: Row): unknown => {
    const row: Row = {};
    for (const [name, column] of table.columns) {
      const raw = driverRow[column.name];
      row[name] = raw === null || raw === undefined ? null : column.mapFromDriverValue(raw);
    }
    return codec.fromRow(row);
  };

  /** One statement for the whole batch; it returns the keys it wrote. */
  const update = (changes: readonly BackfillChange<Row>[]) => {
    const values = changes.map(({ record, fields }) => {
      const cells = [
        ...keyTexts(record),
        ...system.map((_, i) => record[`ifmatch_s${i}`]),
        fields.hash === undefined ? null : record.ifmatch_content,
        fields.version ?? null,
        fields.modifiedAt ?? null,
        fields.hash ?? null,
      ];
      return sql`(${list(cells.map(text))})`;
    });
    const names = [
      ...keys.map((_, i) => `k${i}`),
      ...system.map((_, i) => `s${i}`),
      'content',
      'version',
      'modified_at',
      'hash',
    ];
    const b = (name: string) => sql`${B}.${sql.identifier(name)}`;
    const set = [
      sql`${sql.identifier(version.name)} = coalesce(cast(${b('version')} as ${type(version)}), ${at(T, version)})`,
      sql`${sql.identifier(modifiedAt.name)} = coalesce(cast(${b('modified_at')} as ${type(modifiedAt)}), ${at(T, modifiedAt)})`,
      ...(hash ? [sql`${sql.identifier(hash.name)} = coalesce(${b('hash')}, ${at(T, hash)})`] : []),
    ];
    const pins = [
      ...keys.map((column, i) => sql`${at(T, column)} = cast(${b(`k${i}`)} as ${type(column)})`),
      ...system.map((column, i) => sql`${at(T, column)}::text is not distinct from ${b(`s${i}`)}`),
      sql`(${b('content')} is null or ${digest(T)} = ${b('content')})`,
    ];
    return sql`update ${options.table} as ${T} set ${list(set)}
      from (values ${list(values)}) as ${B}(${list(names.map((name) => sql`${sql.identifier(name)}`))})
      where ${sql.join(pins, sql` and `)}
      returning ${list(keys.map((_, i) => sql`${b(`k${i}`)} as ${sql.identifier(`ifmatch_k${i}`)}`))}`;
  };

  const guard = errorGuard(toIfMatchError);
  const execute = async (query: SQL) => rowsOf(await db.execute(query));

  return runBackfill<Row>(
    {
      target: `postgres:${config.schema === undefined ? '' : `${config.schema}.`}${config.name}`,
      lanes: 1,
      storesHashes: hash !== undefined,
      count: () =>
        guard('read', async () => {
          const [row] = await execute(sql`select count(*)::text as n from ${options.table} as ${T} where ${lacking}`);
          return Number(row?.n ?? 0);
        }),
      scan: (_lane, after, limit) =>
        guard('read', async () => {
          if (after !== null && !(Array.isArray(after) && after.every((part) => typeof part === 'string'))) {
            throw new TypeError('this checkpoint holds no PostgreSQL key');
          }
          const rows = await execute(select(after as readonly string[] | null, limit));
          const last = rows.at(-1);
          const next: BackfillJson = last === undefined ? after : keyTexts(last);
          return { records: rows, next, done: rows.length < limit };
        }),
      stateOf: (row) => {
        // The key as the store reports it: each part through its column's mapping.
        const parts = table.keys.map(([name, column]) => {
          const raw = row[column.name];
          return [name, raw === null || raw === undefined ? raw : column.mapFromDriverValue(raw)] as const;
        });
        return {
          key: parts.length > 1 ? Object.fromEntries(parts) : parts[0]?.[1],
          version: number(row.ifmatch_s0),
          modifiedAt: number(row.ifmatch_s1),
          hash: hash ? ((row.ifmatch_s3 as string | null) ?? null) : null,
          value: () => {
            try {
              return storedValue(row);
            } catch (error) {
              throw new IfMatchError('INVALID_VALUE', `the row's value cannot be read: ${(error as Error).message}`);
            }
          },
        };
      },
      apply: (changes) =>
        guard('write', async () => {
          if (changes.length === 0) return [];
          const written = new Set((await execute(update(changes))).map((row) => JSON.stringify(keyTexts(row))));
          return changes.map(({ record }) => written.has(JSON.stringify(keyTexts(record))));
        }),
    },
    options,
  );
}
