/**
 * Every statement the store runs, built in this one place with Drizzle's query builder and
 * named placeholders, together with the function that fills those placeholders, so the SQL
 * and its values cannot drift apart.
 *
 * Each write is ONE statement: the conditional INSERT / UPDATE / DELETE sits in a CTE whose
 * outer query also returns the current row when the condition fails, so a conflict costs no
 * second round trip. Statements are prepared once per shape under a name hashing their text.
 * The shapes are few and bounded by construction: a tag list is ONE array parameter, so its
 * length never changes the text, and a connection never accumulates prepared statements.
 */

import { hashEtag } from '@ifmatch/core';
import {
  type DriverCondition,
  type DriverWrite,
  type StateSet,
  stateKeys,
  statementCache,
  writeKind,
} from '@ifmatch/core/driver';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { type PgColumn, PgDialect } from 'drizzle-orm/pg-core';
import { isGenerated, type ValueCodec, type ValueColumn } from './codec.js';
import { type AnyPgDatabase, type PreparedStatement, sessionOf } from './session.js';
import type { ResolvedTable } from './table.js';

type Values = Record<string, unknown>;
type WriteKind = ReturnType<typeof writeKind>;

/** The column the outer query marks written rows with. */
export const WRITTEN = 'ifmatch_written';

export interface PostgresStatements {
  read(key: unknown): [PreparedStatement, Values];
  write(key: unknown, write: DriverWrite<unknown>, condition: DriverCondition): [PreparedStatement, Values];
  remove(key: unknown, condition: DriverCondition): [PreparedStatement, Values];
}

const p = (name: string) => sql.placeholder(name);
/** A read's condition: none. */
const NO_CONDITION: DriverCondition = Object.freeze({});

export function postgresStatements(
  db: AnyPgDatabase,
  table: ResolvedTable,
  codec: ValueCodec<unknown>,
): PostgresStatements {
  const prepareQuery = sessionOf(db);
  const dialect = new PgDialect();
  const composite = table.keys.length > 1;
  const target = table.keys.map(([, column]) => column);
  const matchKey = and(...table.keys.map(([, column], i) => eq(column, p(`k${i}`)))) as SQL;
  const field = { version: table.version[1], modifiedAt: table.modifiedAt[1], hash: table.hash?.[1] };
  const incarnation = table.incarnation[1];

  /** Placeholders for the key; a malformed key was refused by `checkKey` already. */
  const keyValues = (key: unknown, into: Values = {}): Values => {
    table.keys.forEach(([name], i) => {
      into[`k${i}`] = composite ? (key as Values)[name] : key;
    });
    return into;
  };

  /**
   * "In one of the states", with its placeholders under `name`. One state (every If-Match a
   * client sends, every pinned write) compares the columns directly; a list is ONE array
   * parameter of core's state keys, compared with the record's state as one text. A missing
   * version or time counts as 0; a missing hash stays NULL, so it is in no state and out of
   * none (a comparison with NULL is never true, and `not` of it neither).
   */
  const inStates = (set: StateSet, name: string): SQL => {
    if (set.states.length === 1) {
      if (set.field === 'hash') return sql`${field.hash} = ${p(name)}`;
      return sql`(${incarnation} is not distinct from ${p(`${name}Incarnation`)}::text and coalesce(${field[set.field]}, 0) = ${p(name)}::bigint)`;
    }
    const state =
      set.field === 'hash'
        ? sql`${field.hash}`
        : sql`concat(coalesce(${incarnation}, ''), ':', coalesce(${field[set.field]}, 0))`;
    return sql`${state} = any(${p(name)}::text[])`;
  };
  const stateValues = (set: StateSet, name: string, into: Values) => {
    const [only] = set.states;
    if (set.states.length === 1 && only !== undefined) {
      into[name] = only.value;
      into[`${name}Incarnation`] = only.incarnation;
    } else into[name] = stateKeys(set);
  };
  const conditionSql = (c: DriverCondition): SQL | undefined => {
    const parts: SQL[] = [];
    if (c.anyOf) parts.push(inStates(c.anyOf, 'anyOf'));
    if (c.noneOf) parts.push(sql`not ${inStates(c.noneOf, 'noneOf')}`);
    if (c.modifiedAtMost !== undefined) parts.push(sql`coalesce(${field.modifiedAt}, 0) <= ${p('since')}::bigint`);
    return parts.length === 0 ? undefined : and(...parts);
  };
  const conditionValues = (c: DriverCondition, into: Values): Values => {
    if (c.anyOf) stateValues(c.anyOf, 'anyOf', into);
    if (c.noneOf) stateValues(c.noneOf, 'noneOf', into);
    if (c.modifiedAtMost !== undefined) into.since = c.modifiedAtMost;
    return into;
  };

  // The value's cells are placeholders the adapter encodes (`setCell`), each with an SQL fill,
  // when it has one, chosen per call by a flag: one text. An insert takes a member left out
  // with its insert fill (`o`/`v`); an update with its `$onUpdate` (`u`/`w`) if it has one,
  // else as an insert would (a put replaces the row), and a column outside the value keeps
  // what it holds.
  const cellSql = (fill: SQL | undefined, flag: string, value: string, column: PgColumn) =>
    fill
      ? sql`case when ${p(flag)}::boolean then ${fill} else ${p(value)}::${sql.raw(column.getSQLType())} end`
      : sql`${p(value)}`;
  const insertCells: Values = {};
  const updateCells: Values = {};
  codec.columns.forEach(({ name, column, member, sqlDefault, onUpdate, sqlOnUpdate }, i) => {
    insertCells[name] = cellSql(sqlDefault, `o${i}`, `v${i}`, column);
    if (onUpdate) updateCells[name] = cellSql(sqlOnUpdate, `u${i}`, `w${i}`, column);
    else if (member) updateCells[name] = insertCells[name];
  });
  if (table.hash) insertCells[table.hash[0]] = updateCells[table.hash[0]] = p('hash');
  const inserted: Values = {
    ...Object.fromEntries(table.keys.map(([name], i) => [name, p(`k${i}`)])),
    ...insertCells,
    [table.version[0]]: 1,
    [table.modifiedAt[0]]: p('now'),
    [table.incarnation[0]]: p('incarnation'),
  };
  // An update never sets the incarnation: a record keeps the one it was created with (or none).
  const updated: Values = {
    ...updateCells,
    [table.version[0]]: sql`coalesce(${field.version}, 0) + 1`,
    [table.modifiedAt[0]]: sql`greatest(${p('now')}::bigint, coalesce(${field.modifiedAt}, 0) + 1)`,
  };
  // Drizzle's update also sets each column with `$onUpdate` that `set` leaves out, to the
  // function's result when the statement is built, which would be prepared for good: the
  // columns an update never writes (the key, the incarnation) keep what they hold (a generated
  // one, what the database computes).
  for (const [name, column] of table.columns) {
    if (column.onUpdateFn === undefined || name in updated) continue;
    updated[name] = isGenerated(column) ? sql`default` : sql`${column}`;
  }
  /**
   * A cell's placeholders: whether the member is missing (its SQL fill applies), and its value
   * as the driver takes it. Drizzle would hand a placeholder's null to the column's encoder (a
   * nullable timestamp then fails): NULL stays NULL, but in JSON, where null is the JSON value.
   */
  const setCell = (values: Values, { column, json }: ValueColumn, flag: string, value: string, cell: unknown) => {
    values[flag] = cell === undefined;
    values[value] = cell === undefined || (cell === null && !json) ? null : column.mapToDriverValue(cell);
  };
  const writeValues = (key: unknown, write: DriverWrite<unknown>, kind: WriteKind): Values => {
    const values = keyValues(key, { now: write.now, incarnation: write.incarnation, hash: write.hash });
    // Only the branches the statement has: each fill runs once per write, as Drizzle runs it.
    const forInsert = kind === 'update' ? undefined : codec.cells(write.value, 'insert');
    const forUpdate = kind === 'insert' ? undefined : codec.cells(write.value, 'update');
    codec.columns.forEach((c, i) => {
      if (forInsert) setCell(values, c, `o${i}`, `v${i}`, forInsert[c.name]);
      if (forUpdate && c.onUpdate) setCell(values, c, `u${i}`, `w${i}`, forUpdate[c.name]);
      else if (forUpdate && c.member && !forInsert) setCell(values, c, `o${i}`, `v${i}`, forUpdate[c.name]);
    });
    return values;
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

  const build = {
    read: () => sql`select ${columnList} from ${table.table} where ${matchKey}`,
    insert: () => withCurrent(db.insert(table.table).values(inserted).onConflictDoNothing({ target }).returning()),
    update: (c: DriverCondition) => {
      const where = conditionSql(c);
      return withCurrent(
        db
          .update(table.table)
          .set(updated)
          .where(where ? and(matchKey, where) : matchKey)
          .returning(),
      );
    },
    upsert: (c: DriverCondition) => {
      const where = conditionSql(c);
      return withCurrent(
        db
          .insert(table.table)
          .values(inserted)
          .onConflictDoUpdate({ target, set: updated, ...(where ? { setWhere: where } : {}) })
          .returning(),
      );
    },
    delete: (c: DriverCondition) => {
      const where = conditionSql(c);
      return withCurrent(
        db
          .delete(table.table)
          .where(where ? and(matchKey, where) : matchKey)
          .returning(),
      );
    },
  };

  const statement = statementCache((kind: keyof typeof build, c): PreparedStatement => {
    const query = dialect.sqlToQuery(build[kind](c));
    return prepareQuery(query, `ifmatch_${hashEtag(query.sql)}`);
  });

  return {
    read: (key) => [statement('read', NO_CONDITION), keyValues(key)],
    write: (key, write, condition) => {
      const kind = writeKind(condition);
      return [statement(kind, condition), conditionValues(condition, writeValues(key, write, kind))];
    },
    remove: (key, condition) => [statement('delete', condition), conditionValues(condition, keyValues(key))],
  };
}
