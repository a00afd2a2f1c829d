/**
 * `backfillSqlite`: brings rows the store did not write up to date (see core's `planBackfill`
 * for what each field gets, and why), while the application keeps writing.
 *
 * Rows are read in batches by key (keyset pagination: `key > last ORDER BY key`), so a run
 * resumes exactly after its last completed batch. Each batch is written in one IMMEDIATE
 * transaction of one `UPDATE` per row, each pinned to the row exactly as read: its version,
 * modification time, incarnation and hash compared with `IS` (NULL-safe, binary collation),
 * and, when a hash is stored, its content (`quote()` of every value column, which tells
 * types and every digit apart). A row written in between fails its pin and is left alone.
 */
import {
  type BackfillHashOptions,
  type BackfillJson,
  type BackfillOptions,
  type BackfillReport,
  IfMatchError,
} from '@ifmatch/core';
import { type BackfillChange, type BackfillFields, errorGuard, runBackfill } from '@ifmatch/core/driver';
import type { Database, Statement } from 'better-sqlite3';
import { columnsCodec, documentCodec, fromInteger, type RowCodec } from './codec.js';
import { toIfMatchError } from './errors.js';
import { whenUnlocked } from './lock.js';
import {
  checkSystemColumns,
  DEFAULT_COLUMNS,
  isNumberSql,
  quote,
  readTableShape,
  type SystemColumns,
  storedNumber,
} from './schema.js';

/** `backfillSqlite`'s options: the store's own (table, names, document column, strategy, secret), and the run's. */
export interface SqliteBackfillOptions extends BackfillOptions, BackfillHashOptions {
  /** An open better-sqlite3 database (its busy timeout is set to 0: lock waits are asynchronous). */
  readonly db: Database;
  readonly table: string;
  /** The column names, as given to `createSqliteStore`. */
  readonly columns?: Partial<SystemColumns>;
  /** As given to `createSqliteStore`: the stored hash is the hash of the value the store reads. */
  readonly documentColumn?: string;
  /** How long a batch waits for another connection's lock (default 5000 ms), then THROTTLED. */
  readonly lockTimeoutMs?: number;
}

type Row = Record<string, unknown>;
const CONTENT = 'ifmatch backfill content';

/** A key cell as JSON, exactly: integers as digits (they may pass 2^53), bytes in base64. */
function keyToJson(cell: unknown): BackfillJson {
  if (typeof cell === 'bigint') return { integer: cell.toString() };
  if (typeof cell === 'number') return { real: cell };
  if (Buffer.isBuffer(cell)) return { blob: cell.toString('base64') };
  return { text: String(cell) };
}

function keyFromJson(json: BackfillJson): unknown {
  const tagged = json as Record<string, unknown> | null;
  if (typeof tagged?.integer === 'string') return BigInt(tagged.integer);
  if (typeof tagged?.real === 'number') return tagged.real;
  if (typeof tagged?.blob === 'string') return Buffer.from(tagged.blob, 'base64');
  if (typeof tagged?.text === 'string') return tagged.text;
  throw new TypeError('this checkpoint holds no SQLite key');
}

/**
 * Brings the table's rows up to date: a `version` the store reads as missing (NULL, or no
 * number it counts on from: another writer's text, say) → 0, such a `modified_at` → now, and
 * under the hash strategy `etag_hash` NULL → the hash of the row's value, each row only if
 * nobody wrote it since it was read. Idempotent; resumable from `checkpoint`.
 */
export async function backfillSqlite(options: SqliteBackfillOptions): Promise<BackfillReport> {
  const { db, table } = options;
  const system: SystemColumns = { ...DEFAULT_COLUMNS, ...options.columns };
  const shape = readTableShape(db, table);
  const hashing = options.strategy === 'hash';
  const needed = [system.key, system.version, system.modifiedAt, system.incarnation, ...(hashing ? [system.hash] : [])];
  checkSystemColumns(shape, table, system, needed);
  const codec: RowCodec<unknown> =
    options.documentColumn === undefined
      ? columnsCodec(shape.columns, new Set(Object.values(system)), system.key)
      : documentCodec(options.documentColumn);
  const lockTimeoutMs = options.lockTimeoutMs ?? 5000;
  const hasHash = shape.columns.has(system.hash);
  db.pragma('busy_timeout = 0');

  const t = quote(table);
  const c = (name: string) => `${t}.${quote(name)}`;
  const key = c(system.key);
  // quote() spells each value with its type and every digit: equal texts, equal cells.
  const content =
    codec.columns.length === 0 ? `''` : codec.columns.map((name) => `quote(${c(name)})`).join(` || ',' || `);
  // What the store reads as missing: NULL, or no number it counts on from (`storedNumber`).
  const lacking = [
    `NOT ${isNumberSql(c(system.version))}`,
    `NOT ${isNumberSql(c(system.modifiedAt))}`,
    ...(hashing ? [`${c(system.hash)} IS NULL`] : []),
  ].join(' OR ');
  const selectSql = (after: boolean) =>
    `SELECT *${hashing ? `, ${content} AS ${quote(CONTENT)}` : ''} FROM ${t}
      WHERE ${key} IS NOT NULL${after ? ` AND ${key} > @after` : ''} AND (${lacking})
      ORDER BY ${key} LIMIT @limit`;
  const first = db.prepare(selectSql(false)).safeIntegers(true);
  const next = db.prepare(selectSql(true)).safeIntegers(true);
  const count = db.prepare(`SELECT count(*) AS n FROM ${t} WHERE ${key} IS NOT NULL AND (${lacking})`);

  const pins = [
    `${key} = @key`,
    `${c(system.version)} IS @oldVersion`,
    `${c(system.modifiedAt)} IS @oldModifiedAt`,
    `${c(system.incarnation)} IS @oldIncarnation COLLATE BINARY`,
    ...(hasHash ? [`${c(system.hash)} IS @oldHash COLLATE BINARY`] : []),
  ];
  const updates = new Map<string, Statement>();
  /** One statement per set of fields written (at most eight shapes). */
  const updateFor = (fields: BackfillFields): Statement => {
    const shape = `${fields.version !== undefined}|${fields.modifiedAt !== undefined}|${fields.hash !== undefined}`;
    let statement = updates.get(shape);
    if (statement === undefined) {
      const set = [
        ...(fields.version !== undefined ? [`${quote(system.version)} = @version`] : []),
        ...(fields.modifiedAt !== undefined ? [`${quote(system.modifiedAt)} = @modifiedAt`] : []),
        ...(fields.hash !== undefined ? [`${quote(system.hash)} = @hash`] : []),
      ];
      const where = [...pins, ...(fields.hash !== undefined ? [`(${content}) = @content`] : [])];
      statement = db.prepare(`UPDATE ${t} SET ${set.join(', ')} WHERE ${where.join(' AND ')}`);
      updates.set(shape, statement);
    }
    return statement;
  };
  const paramsFor = ({ record, fields }: BackfillChange<Row>): Row => ({
    key: record[system.key],
    oldVersion: record[system.version],
    oldModifiedAt: record[system.modifiedAt],
    oldIncarnation: record[system.incarnation],
    ...(hasHash ? { oldHash: record[system.hash] } : {}),
    ...(fields.version !== undefined ? { version: fields.version } : {}),
    ...(fields.modifiedAt !== undefined ? { modifiedAt: fields.modifiedAt } : {}),
    ...(fields.hash !== undefined ? { hash: fields.hash, content: record[CONTENT] } : {}),
  });
  const applyBatch = db.transaction((changes: readonly BackfillChange<Row>[]) =>
    changes.map((change) => updateFor(change.fields).run(paramsFor(change)).changes === 1),
  );
  const guard = errorGuard(toIfMatchError);

  return runBackfill<Row>(
    {
      target: `sqlite:${table}`,
      lanes: 1,
      storesHashes: hasHash,
      count: async () =>
        guard('read', () => whenUnlocked(lockTimeoutMs, () => Number((count.get() as { n: number }).n))),
      scan: (_lane, after, limit) =>
        guard('read', async () => {
          const rows = await whenUnlocked(
            lockTimeoutMs,
            () => (after === null ? first.all({ limit }) : next.all({ limit, after: keyFromJson(after) })) as Row[],
          );
          const last = rows.at(-1);
          return {
            records: rows,
            next: last === undefined ? after : keyToJson(last[system.key]),
            done: rows.length < limit,
          };
        }),
      stateOf: (row) => ({
        key: fromInteger(row[system.key]),
        version: storedNumber(row[system.version]),
        modifiedAt: storedNumber(row[system.modifiedAt]),
        hash: hasHash ? ((row[system.hash] as string | null) ?? null) : null,
        value: () => {
          try {
            return codec.fromRow(row);
          } catch (error) {
            throw new IfMatchError('INVALID_VALUE', `the row's value cannot be read: ${(error as Error).message}`);
          }
        },
      }),
      apply: async (changes) => guard('write', () => whenUnlocked(lockTimeoutMs, () => applyBatch.immediate(changes))),
    },
    options,
  );
}
