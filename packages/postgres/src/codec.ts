import type { StrategyName } from '@ifmatch/core';
import { checkMembers, IfMatchError, jsonCopy, jsonText } from '@ifmatch/core/driver';
import { is, SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { ResolvedTable } from './table.js';

type Row = Record<string, unknown>;

/** Which part of a write a cell is for: an insert's values, or an update's `set`. */
export type WriteBranch = 'insert' | 'update';

/** A column a write sets: its property name, the column, and how a missing member is filled. */
export interface ValueColumn {
  readonly name: string;
  readonly column: PgColumn;
  readonly json: boolean;
  /**
   * False for a column outside the value (document mode) that Drizzle fills itself (a
   * `$defaultFn`, an `$onUpdate`): it never has a member, and an update leaves it as it is
   * unless it has `$onUpdate`.
   */
  readonly member: boolean;
  /**
   * The SQL an insert fills a missing member with: an SQL default (now(), gen_random_uuid()…),
   * or a `$defaultFn` (or an `$onUpdate` standing for one) that returns SQL.
   */
  readonly sqlDefault: SQL | undefined;
  /** The column has `$onUpdate`: an update fills a missing member with its result, not an insert's fill. */
  readonly onUpdate: boolean;
  /** The SQL an update fills a missing member with: an `$onUpdate` that returns SQL. */
  readonly sqlOnUpdate: SQL | undefined;
}

export interface ValueCodec<T> {
  /**
   * The columns a write sets: the value's, but for those the database computes (generated); in
   * document mode, the document's and those Drizzle fills with a function.
   */
  readonly columns: readonly ValueColumn[];
  /**
   * The value as it will be written: members checked, JSON normalised, JavaScript defaults
   * filled in. A member with an SQL default, or with `$onUpdate`, stays missing: `cells` and
   * the statement fill it, per write and per branch (under the hash strategy, such a member
   * is filled here or must be given: see `valueCodec`).
   */
  prepare(value: T, key: unknown): T;
  /**
   * The cells of a prepared value for one branch of a write, by property name: its members,
   * and each missing one's fill for that branch, run now (a `$defaultFn` or `$onUpdate` runs
   * per write, as Drizzle runs it per statement); a fill that is SQL stays missing (undefined)
   * for the statement to apply.
   */
  cells(prepared: T, branch: WriteBranch): Row;
  /** The value from a row of property names. */
  fromRow(row: Row): T;
}

/**
 * What Drizzle writes for a column given no value (drizzle-orm `pg-core/dialect.js`): an
 * update (`buildUpdateSet`) runs its `$onUpdate`; an insert (`buildInsertQuery`) its
 * `$defaultFn`, else its `$onUpdate` if it has no `.default()` (a falsy default counts as none
 * there, so here too), else takes its default. A store's update of a member column without
 * `$onUpdate` replaces the row, so it takes what an insert would. SQL, a value, or undefined.
 */
function fillOf(column: PgColumn, branch: WriteBranch): unknown {
  if (branch === 'update' && column.onUpdateFn !== undefined) return column.onUpdateFn();
  if (column.defaultFn !== undefined) return column.defaultFn();
  if (!column.default && column.onUpdateFn !== undefined) return column.onUpdateFn();
  return column.default;
}

/**
 * A fill that is SQL (`.default(sql…)`, `defaultNow()`, a `$defaultFn` or `$onUpdate` returning
 * SQL), which the statement holds: taken once, when the store is made (its statements are
 * prepared once), so it must not embed values of the moment. A fill returning a value runs per
 * write.
 */
function sqlFillOf(column: PgColumn, branch: WriteBranch): SQL | undefined {
  const made = fillOf(column, branch);
  return is(made, SQL) ? made : undefined;
}

export function isGenerated(column: PgColumn): boolean {
  return column.generated !== undefined || column.generatedIdentity?.type === 'always';
}

function isJsonColumn(column: PgColumn): boolean {
  return column.columnType === 'PgJsonb' || column.columnType === 'PgJson';
}

/**
 * JSON as it comes back: checked (INVALID_VALUE), undefined members dropped. Plain data is
 * copied; only the rest goes through text.
 */
function asJson(value: unknown): unknown {
  return jsonCopy(value) ?? JSON.parse(jsonText(value));
}

/** Columns whose values are doubles in JavaScript, or in PostgreSQL: a bigint there is rounded. */
const DOUBLE_COLUMNS = new Set(['PgDoublePrecision', 'PgReal', 'PgBigInt53', 'PgBigSerial53', 'PgNumericNumber']);

/**
 * A JavaScript fill (or a given member) as a cell: JSON normalised, undefined as NULL. A bigint
 * a double cannot hold exactly (`@ifmatch/http` reads `9007199254740993` in a body as one) is
 * INVALID_VALUE in a column that would round it, on the way in (`double precision`, `real`) or
 * on the way back (`bigint` and `numeric` in `mode: 'number'`): never stored changed.
 */
function cellOf(c: ValueColumn, made: unknown): unknown {
  if (typeof made === 'bigint' && DOUBLE_COLUMNS.has(c.column.columnType) && BigInt(Number(made)) !== made) {
    throw new IfMatchError('INVALID_VALUE', `column ${c.name} would round the integer ${made}: it holds doubles`);
  }
  return made === undefined || made === null ? null : c.json ? asJson(made) : made;
}

/**
 * The codec of a table's values. Under the hash strategy (`strategy: 'hash'`), the tag is the
 * hash of the prepared value, so a member left out must be filled here, before hashing, with
 * what the row will hold: JavaScript defaults are, under every strategy. It is `INVALID_VALUE`
 * when it cannot be: when its column has an SQL default (or a `$defaultFn` returning SQL), the
 * database would store a value (`now()`, `gen_random_uuid()`…) the store never saw, so the tag
 * would stand for other content than the row holds (two rows that differ only there would
 * share a tag, and a stale write could count as already applied); computing it first would
 * cost a round trip, and hashing in SQL cannot give core's hash. Likewise with `$onUpdate`,
 * unless its column has no default: an insert then stores the function's result too, so it is
 * run here and hashed (a stale retry whose run gives another result than the row holds is
 * not "already applied": a 412, never a lost update). With a default, an insert stores the
 * default and an update the result, and an unconditional `put` learns which only in the
 * database.
 */
export function valueCodec<T>(
  table: ResolvedTable,
  documentColumn: PgColumn | undefined,
  strategy?: StrategyName,
): ValueCodec<T> {
  const system = new Set<PgColumn>([
    ...table.keys.map(([, column]) => column),
    table.version[1],
    table.modifiedAt[1],
    table.incarnation[1],
    ...(table.hash ? [table.hash[1]] : []),
  ]);
  const valueColumn = ([name, column]: readonly [string, PgColumn], member = true): ValueColumn => ({
    name,
    column,
    json: isJsonColumn(column),
    member,
    sqlDefault: sqlFillOf(column, 'insert'),
    onUpdate: column.onUpdateFn !== undefined,
    sqlOnUpdate: column.onUpdateFn === undefined ? undefined : sqlFillOf(column, 'update'),
  });
  /** Missing members filled per write, for one branch (see `cells`), in `row`. */
  const fillIn = (perWrite: readonly ValueColumn[], row: Row, branch: WriteBranch): Row => {
    for (const c of perWrite) {
      if (row[c.name] !== undefined || (branch === 'update' && !c.onUpdate)) continue;
      const made = fillOf(c.column, branch);
      if (!is(made, SQL)) row[c.name] = cellOf(c, made);
    }
    return row;
  };
  const others = table.columns.filter(([, column]) => !system.has(column));
  if (documentColumn !== undefined) {
    const entry = table.columns.find(([, column]) => column === documentColumn || column.name === documentColumn.name);
    if (entry === undefined) throw new TypeError('documentColumn must be a column of the table');
    const [name] = entry;
    // The table's other columns are not the value's; those Drizzle fills with a function are
    // filled here as Drizzle would, per write (left to Drizzle, one result would be prepared
    // into the statement for good).
    const filled = others
      .filter(([, column]) => column !== entry[1] && !isGenerated(column))
      .filter(([, column]) => column.defaultFn !== undefined || column.onUpdateFn !== undefined)
      .map((other) => valueColumn(other, false));
    return {
      // The document is always given: its column's own fills never apply.
      columns: [
        {
          name,
          column: entry[1],
          json: true,
          member: true,
          sqlDefault: undefined,
          onUpdate: false,
          sqlOnUpdate: undefined,
        },
        ...filled,
      ],
      prepare: (value) => asJson(value) as T,
      cells: (prepared, branch) => fillIn(filled, { [name]: prepared }, branch),
      fromRow: (row) => row[name] as T,
    };
  }
  // A generated column (`generatedAlwaysAs`, an identity `always`) is read, never written: the
  // database computes it, and refuses any value for it. A value given for it is ignored (a PUT
  // of what a GET answered carries it), and is not part of what the hash strategy hashes:
  // the rest of the row determines it.
  const columns = others.filter(([, column]) => !isGenerated(column)).map((entry) => valueColumn(entry));
  const perWrite = columns.filter((c) => c.onUpdate);
  const readNames = others.map(([name]) => name);
  const memberNames = new Set(readNames);
  const hashed = strategy === 'hash';
  const keyNames = new Set(table.keys.map(([name]) => name));
  const refuse = (c: ValueColumn, why: string) =>
    new IfMatchError('INVALID_VALUE', `under the hash strategy, give ${JSON.stringify(c.name)}: ${why}`);
  const memberRules = {
    noun: 'column',
    isMember: (name: string) => memberNames.has(name),
    keyPart: (name: string, key: unknown) =>
      !keyNames.has(name) ? undefined : keyNames.size === 1 ? key : (key as Row)[name],
    order: readNames,
  };
  return {
    columns,
    prepare(value, key) {
      checkMembers(value, memberRules, key);
      const out: Row = {};
      for (const c of columns) {
        const given = value[c.name];
        if (given !== undefined) {
          out[c.name] = cellOf(c, given);
          continue;
        }
        if (c.onUpdate && !hashed) continue; // filled per branch, by `cells`
        if (c.onUpdate && (c.column.defaultFn !== undefined || c.column.default)) {
          throw refuse(
            c,
            'its column has $onUpdate and a default, so what is stored depends on whether the row exists',
          );
        }
        const made = fillOf(c.column, 'insert');
        if (!is(made, SQL)) out[c.name] = cellOf(c, made);
        else if (hashed) {
          const what = c.onUpdate ? "its column's $onUpdate returns SQL, which" : "its column's SQL default";
          throw refuse(c, `${what} would store a value the tag does not cover`);
        }
      }
      return out as T;
    },
    cells: (prepared, branch) =>
      perWrite.length === 0 ? (prepared as Row) : fillIn(perWrite, { ...(prepared as Row) }, branch),
    fromRow: (row) => Object.fromEntries(readNames.map((name) => [name, row[name]])) as T,
  };
}
