import type { StrategyName } from '@ifmatch/core';
import { checkMembers, IfMatchError, jsonCopy, jsonText } from '@ifmatch/core/driver';
import { is, SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import type { ResolvedTable } from './table.js';

type Row = Record<string, unknown>;

/** A value column: its property name, the column, and how a missing member is filled. */
export interface ValueColumn {
  readonly name: string;
  readonly column: PgColumn;
  readonly json: boolean;
  /** An SQL default (now(), gen_random_uuid()…), applied by the statement when the member is missing. */
  readonly sqlDefault: SQL | undefined;
}

export interface ValueCodec<T> {
  /** The columns a write sets: the value's, but for those the database computes (generated). */
  readonly columns: readonly ValueColumn[];
  /**
   * The value as it will be written: members checked, JSON normalised, JavaScript defaults
   * filled in. A member with an SQL default stays missing: the statement fills it (under the
   * hash strategy, such a member must be given: see `valueCodec`).
   */
  prepare(value: T, key: unknown): T;
  /** The cells of a prepared value, by property name (a missing one: its SQL default). */
  cells(prepared: T): Row;
  /** The value from a row of property names. */
  fromRow(row: Row): T;
}

/**
 * The SQL a missing member's column is filled with: `.default(sql…)`/`defaultNow()`, or a
 * `$defaultFn` that returns SQL (`$defaultFn(() => sql\`now()\`)`), which Drizzle runs in the
 * statement too. A `$defaultFn` returning a value is filled in by `prepare`, per write.
 */
function sqlDefaultOf(column: PgColumn): SQL | undefined {
  if (is(column.default, SQL)) return column.default;
  const made: unknown = column.defaultFn?.();
  return is(made, SQL) ? made : undefined;
}

function isGenerated(column: PgColumn): boolean {
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

/**
 * The codec of a table's values. Under the hash strategy (`strategy: 'hash'`), a member left
 * out whose column has an SQL default is `INVALID_VALUE`: the database would store a value
 * (`now()`, `gen_random_uuid()`…) the store never saw, so the tag, hashed from what the store
 * sent, would stand for other content than the row holds (two rows that differ only there
 * would share a tag, and a stale write could count as already applied). Computing the default
 * first would cost a round trip; hashing in SQL cannot give core's hash. JavaScript defaults
 * are filled in here, before hashing, under every strategy.
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
  if (documentColumn !== undefined) {
    const entry = table.columns.find(([, column]) => column === documentColumn || column.name === documentColumn.name);
    if (entry === undefined) throw new TypeError('documentColumn must be a column of the table');
    const [name, column] = entry;
    return {
      columns: [{ name, column, json: true, sqlDefault: undefined }],
      prepare: (value) => asJson(value) as T,
      cells: (prepared) => ({ [name]: prepared }),
      fromRow: (row) => row[name] as T,
    };
  }
  const valueColumns = table.columns.filter(([, column]) => !system.has(column));
  // A generated column (`generatedAlwaysAs`, an identity `always`) is read, never written: the
  // database computes it, and refuses any value for it. A value given for it is ignored (a PUT
  // of what a GET answered carries it), and is not part of what the hash strategy hashes:
  // the rest of the row determines it.
  const columns: ValueColumn[] = valueColumns
    .filter(([, column]) => !isGenerated(column))
    .map(([name, column]) => ({
      name,
      column,
      json: isJsonColumn(column),
      sqlDefault: sqlDefaultOf(column),
    }));
  const readNames = valueColumns.map(([name]) => name);
  const memberNames = new Set(readNames);
  const hashed = strategy === 'hash';
  const keyNames = new Set(table.keys.map(([name]) => name));
  /** A missing member: the column's JavaScript default, or undefined (an SQL default, or NULL). */
  const fill = ({ column }: ValueColumn): unknown => {
    if (column.defaultFn !== undefined) {
      const made = column.defaultFn();
      return is(made, SQL) ? undefined : made;
    }
    return column.default === undefined || is(column.default, SQL) ? undefined : column.default;
  };
  const memberRules = {
    noun: 'column',
    isMember: (name: string) => memberNames.has(name),
    keyPart: (name: string, key: unknown) =>
      !keyNames.has(name) ? undefined : keyNames.size === 1 ? key : (key as Row)[name],
  };
  return {
    columns,
    prepare(value, key) {
      checkMembers(value, memberRules, key);
      const out: Row = {};
      for (const c of columns) {
        const given = value[c.name];
        const member = given === undefined ? fill(c) : given;
        if (member === undefined) {
          if (c.sqlDefault === undefined) out[c.name] = null;
          else if (hashed) {
            throw new IfMatchError(
              'INVALID_VALUE',
              `under the hash strategy, give ${JSON.stringify(c.name)}: its column's SQL default would store a value the tag does not cover`,
            );
          }
          continue;
        }
        out[c.name] = c.json && member !== null ? asJson(member) : member;
      }
      return out as T;
    },
    cells: (prepared) => prepared as Row,
    fromRow: (row) => Object.fromEntries(readNames.map((name) => [name, row[name]])) as T,
  };
}
