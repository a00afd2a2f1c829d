/**
 * Every SQL statement the store runs, built in this one place with named parameters, so the
 * SQL and the values bound to it cannot drift apart. Statements are prepared once per shape;
 * the number of shapes is bounded by construction (a tag list is ONE JSON parameter, read
 * with `json_each`, so its length never changes the text).
 */
import {
  type DriverCondition,
  type DriverRecord,
  type DriverWrite,
  pinnedVersion,
  type StateSet,
  stateKeys,
  statementCache,
  writeKind,
} from '@ifmatch/core/driver';
import type { Database } from 'better-sqlite3';
import type { RowCodec } from './codec.js';
import { type NamedStatement, prepareNamed, type Slots } from './named.js';
import { quote, type SystemColumns, storedNumber, storedNumberSql } from './schema.js';

/**
 * The slot of each named parameter in a write's values (`Slots`); the value columns' cells,
 * `@c0`, `@c1`…, follow from `FIRST_CELL` on. Every statement below uses these names only.
 */
const SLOT = {
  key: 0,
  now: 1,
  incarnation: 2,
  hash: 3,
  anyOf: 4,
  anyOfIncarnation: 5,
  noneOf: 6,
  noneOfIncarnation: 7,
  since: 8,
  version: 9,
} as const;
const FIRST_CELL = Object.keys(SLOT).length;

/**
 * Puts `key` and the write's own fields in their slots of `values` (every slot unset but the
 * cells'), and returns it.
 */
function withWrite(values: unknown[], key: unknown, write?: DriverWrite<unknown>): unknown[] {
  values[SLOT.key] = key;
  if (write !== undefined) {
    values[SLOT.now] = write.now;
    values[SLOT.incarnation] = write.incarnation;
    values[SLOT.hash] = write.hash;
  }
  return values;
}

function slotOf(name: string): number {
  if (Object.hasOwn(SLOT, name)) return SLOT[name as keyof typeof SLOT];
  if (/^c\d+$/.test(name)) return FIRST_CELL + Number(name.slice(1));
  throw new TypeError(`no slot for the parameter @${name}`);
}

/**
 * A write: `statement` returns the system columns of the row it wrote (RETURNING), nothing
 * when its condition fails. `quick`, when present, is the same write without RETURNING, for
 * the common case whose outcome is known beforehand (a create, or an update pinned to one
 * version): if it changes the row, the record is `written`; if not, `statement` decides.
 * RETURNING costs SQLite about a fifth of a one-row UPDATE, paid on every write otherwise.
 */
export interface SqliteWrite {
  readonly statement: NamedStatement;
  readonly values: Slots;
  readonly quick?: NamedStatement;
  /** The record `quick` writes when it changes the row, as a read would return it. */
  readonly written?: DriverRecord<unknown, unknown>;
}

export interface SqliteStatements {
  /** Where a write's cells go in its values (`RowCodec.encode`'s `at`). */
  readonly firstCell: number;
  /**
   * A new array of values for one write or delete, every slot unset, sized for the cells:
   * `RowCodec.encode` puts the cells in, `write` the rest. Packed, so that reading an unset
   * slot never looks at Array.prototype.
   */
  slots(): unknown[];
  /** The row for `key`, or undefined. */
  select(key: unknown): Record<string, unknown> | undefined;
  /** The statements writing `key` under `condition`, with `values` (`slots`, its cells in). */
  write<T>(key: unknown, write: DriverWrite<T>, values: unknown[], condition: DriverCondition): SqliteWrite;
  /** The statement deleting `key` under `condition`, and its parameters. */
  remove(key: unknown, condition: DriverCondition): SqliteWrite;
}

export function sqliteStatements(
  db: Database,
  table: string,
  system: SystemColumns,
  codec: RowCodec<unknown>,
  options: {
    readonly hasHash: boolean;
    /** The key is unique on an ordinary table: a statement's count of changes is the truth (`keyUniqueness`). */
    readonly countsChanges: boolean;
  },
): SqliteStatements {
  const { hasHash, countsChanges } = options;
  const t = quote(table);
  const q = (name: string) => `${t}.${quote(name)}`;
  const key = quote(system.key);
  const cellParams = codec.columns.map((_, i) => `@c${i}`);
  const written = [...codec.columns, ...(hasHash ? [system.hash] : [])].map(quote);
  const writtenParams = [...cellParams, ...(hasHash ? ['@hash'] : [])];
  const fieldColumn = { version: system.version, modifiedAt: system.modifiedAt, hash: system.hash } as const;
  const storedModifiedAt = storedNumberSql(q(system.modifiedAt));

  /**
   * "In one of the states", as SQL with its parameters under `name`. One state (every
   * If-Match a client sends, every pinned write) compares the columns directly; a list is one
   * JSON parameter of state keys (`stateKeys`), compared with the record's state as one text.
   * A version or time that is missing, or no number the store counts on from, is 0
   * (`storedNumberSql`); a missing hash stays NULL, so it is in no state and out of none (a
   * comparison with NULL is never true, and NOT of it neither).
   */
  const inStates = (set: StateSet, name: 'anyOf' | 'noneOf'): string => {
    const field = q(fieldColumn[set.field]);
    if (set.states.length === 1) {
      return set.field === 'hash'
        ? `${field} = @${name}`
        : `(${q(system.incarnation)} IS @${name}Incarnation AND ${storedNumberSql(field)} = @${name})`;
    }
    // Spelled as the state keys spell it: 3, not 3.0 (a stored number is a whole one).
    const state =
      set.field === 'hash'
        ? field
        : `coalesce(${q(system.incarnation)}, '') || ':' || CAST(${storedNumberSql(field)} AS INTEGER)`;
    return `${state} IN (SELECT value FROM json_each(@${name}))`;
  };
  /** Puts a state set's values in its slots: `slot` for the value (or the list), `incarnationSlot`. */
  const stateParams = (set: StateSet, slot: number, incarnationSlot: number, values: unknown[]) => {
    const [only] = set.states;
    if (set.states.length === 1 && only !== undefined) {
      values[slot] = only.value;
      values[incarnationSlot] = only.incarnation;
    } else values[slot] = JSON.stringify(stateKeys(set));
  };

  /**
   * The condition as SQL. `pinned`: for the quick form of a write pinned to one version the
   * store reads as itself (`pinnedVersion`, and `write` sends no other: not −(2^53 − 1), which
   * `storedNumberSql` reads as 0), whose pin is then compared plainly, `version = @anyOf`,
   * which SQLite runs in a fraction of `storedNumberSql`'s steps. It holds
   * only where `storedNumberSql(version) = @anyOf` does (a real 3.0 equals 3 both ways; text,
   * a blob, NULL or a fraction equals no whole number; a column of TEXT affinity, which would
   * turn 3 into '3', is refused by `checkSystemColumns`), so it may refuse a row the full
   * form takes (a missing version pinned as 0), never take one the full form refuses: the
   * full form decides whenever the quick one changes nothing.
   */
  const conditionSql = (c: DriverCondition, pinned = false): string => {
    const parts: string[] = [];
    if (c.anyOf && pinned)
      parts.push(`${q(system.incarnation)} IS @anyOfIncarnation AND ${q(system.version)} = @anyOf`);
    else if (c.anyOf) parts.push(inStates(c.anyOf, 'anyOf'));
    if (c.noneOf) parts.push(`NOT ${inStates(c.noneOf, 'noneOf')}`);
    if (c.modifiedAtMost !== undefined) parts.push(`${storedModifiedAt} <= @since`);
    return parts.length === 0 ? '1' : parts.join(' AND ');
  };
  const conditionValues = (c: DriverCondition, values: unknown[]): unknown[] => {
    if (c.anyOf) stateParams(c.anyOf, SLOT.anyOf, SLOT.anyOfIncarnation, values);
    if (c.noneOf) stateParams(c.noneOf, SLOT.noneOf, SLOT.noneOfIncarnation, values);
    if (c.modifiedAtMost !== undefined) values[SLOT.since] = c.modifiedAtMost;
    return values;
  };

  const insert = `INSERT INTO ${t} (${key}, ${written.join(', ')}, ${quote(system.version)}, ${quote(system.modifiedAt)}, ${quote(system.incarnation)})
    VALUES (@key, ${writtenParams.join(', ')}, 1, @now, @incarnation)`;
  // An update never sets the incarnation: a record keeps the one it was created with (or none).
  const bumped = [
    `${quote(system.version)} = ${storedNumberSql(q(system.version))} + 1`,
    `${quote(system.modifiedAt)} = max(@now, ${storedModifiedAt} + 1)`,
  ];
  // A write returns only the system columns: the value is the one just written.
  const returning = `RETURNING ${[system.version, system.modifiedAt, system.incarnation, ...(hasHash ? [system.hash] : [])].map(quote).join(', ')}`;
  const assigned = written.map((name, i) => `${name} = ${writtenParams[i]}`);
  const sqlFor = {
    insert: () => `${insert} ON CONFLICT (${key}) DO NOTHING ${returning}`,
    update: (c: DriverCondition) =>
      `UPDATE ${t} SET ${[...assigned, ...bumped].join(', ')}
        WHERE ${key} = @key AND ${conditionSql(c)} ${returning}`,
    // The quick forms. An insert's row is known. An update pinned to one version sets the next
    // one and `now`, which is `max(now, modifiedAt + 1)` whenever the stored time is before
    // `now` (or, when the clock need not be strict, not after it: `strict` is the store's
    // strategy's, one form each): otherwise it changes nothing and the full update runs. Its
    // comparisons are plain (see `conditionSql`): with `now` at 1 or later (`write` keeps an
    // earlier clock, a test's, to the full form), a stored time that is a number before `now`
    // is one `storedNumberSql` reads as before it too (as it is, or as 0), and anything else
    // (NULL, text, a blob) compares as not before it, which the full form then writes as
    // `max(now, 0 + 1)`: `now`, as the quick form would have.
    quickInsert: () => `${insert} ON CONFLICT (${key}) DO NOTHING`,
    quickUpdate: (c: DriverCondition, strict: boolean) =>
      `UPDATE ${t} SET ${[...assigned, `${quote(system.version)} = @version`, `${quote(system.modifiedAt)} = @now`].join(', ')}
        WHERE ${key} = @key AND ${conditionSql(c, true)} AND ${q(system.modifiedAt)} ${strict ? '<' : '<='} @now`,
    upsert: (c: DriverCondition) =>
      `${insert} ON CONFLICT (${key}) DO UPDATE SET ${[...written.map((name, i) => `${name} = ${writtenParams[i]}`), ...bumped].join(', ')}
        WHERE ${conditionSql(c)} ${returning}`,
    delete: (c: DriverCondition) => `DELETE FROM ${t} WHERE ${key} = @key AND ${conditionSql(c)} RETURNING *`,
  };

  /** The statements of one shape: the full one, and its quick form where there is one. */
  interface Shape {
    readonly full: NamedStatement;
    quick?: NamedStatement;
    /** The quick form of an update under a strict clock (the timestamp strategy's). */
    quickStrict?: NamedStatement;
  }
  const shapeOf = statementCache(
    (kind: 'insert' | 'update' | 'upsert' | 'delete', c): Shape =>
      // A delete returns the whole row: integers as bigints, so a value past 2^53 is read
      // exactly. A write returns only system columns, which numbers hold.
      ({ full: prepareNamed(db, sqlFor[kind](c), slotOf, kind === 'delete') }),
  );

  /** A shape's quick form: the insert's, or the pinned update's under the store's clock. */
  const quickOf = (shape: Shape, condition: DriverCondition, pinned: boolean, strict: boolean): NamedStatement => {
    if (!pinned) {
      shape.quick ??= prepareNamed(db, sqlFor.quickInsert(), slotOf);
      return shape.quick;
    }
    if (strict) {
      shape.quickStrict ??= prepareNamed(db, sqlFor.quickUpdate(condition, true), slotOf);
      return shape.quickStrict;
    }
    shape.quick ??= prepareNamed(db, sqlFor.quickUpdate(condition, false), slotOf);
    return shape.quick;
  };

  const unset: readonly unknown[] = new Array(FIRST_CELL + codec.columns.length).fill(undefined);
  const slots = () => unset.slice();
  const select = db.prepare(`SELECT * FROM ${t} WHERE ${key} = ?`).safeIntegers(true);
  return {
    firstCell: FIRST_CELL,
    slots,
    select: (id) => select.get(id) as Record<string, unknown> | undefined,
    write(id, write, values, condition) {
      withWrite(values, id, write);
      conditionValues(condition, values);
      const kind = writeKind(condition);
      const shape = shapeOf(kind, condition);
      const pin = kind === 'update' ? pinnedVersion(condition) : undefined;
      // No quick form: the key may name several rows, the write is not pinned, or to a version
      // the store does not read as itself (−(2^53 − 1), which a tag can name: the plain
      // `version = @anyOf` would match a cell the store reads as 0), or a clock before 1 (see
      // `sqlFor.quickUpdate`).
      if (!countsChanges) return { statement: shape.full, values };
      if (kind !== 'insert' && (pin === undefined || storedNumber(pin.version) !== pin.version || !(write.now >= 1)))
        return { statement: shape.full, values };
      // The record the quick form writes, as a read would return it.
      const written: DriverRecord<unknown, unknown> = {
        key: id,
        value: write.value,
        version: pin === undefined ? 1 : pin.version + 1,
        modifiedAt: write.now,
        incarnation: pin === undefined ? write.incarnation : pin.incarnation,
        hash: hasHash ? write.hash : null,
      };
      if (pin !== undefined) values[SLOT.version] = pin.version + 1;
      const quick = quickOf(shape, condition, pin !== undefined, write.strictClock);
      return { statement: shape.full, values, quick, written };
    },
    remove: (id, condition) => ({
      statement: shapeOf('delete', condition).full,
      values: conditionValues(condition, withWrite(slots(), id)),
    }),
  };
}
