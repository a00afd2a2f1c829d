/**
 * Values and rows: a value is either one JSON document in one column (document mode) or an
 * object whose members are the table's value columns (row mode). Every value is checked so
 * that it reads back exactly as the store reports it; what SQLite would change on the way
 * (a number in a TEXT column comes back "5.0", a numeric-looking string in a numeric column
 * comes back a number, a bigint past 2^53 rounds) is refused with INVALID_VALUE instead.
 */
import { IfMatchError } from '@ifmatch/core';
import { checkMembers, jsonCopy, jsonText } from '@ifmatch/core/driver';
import type { Affinity } from './schema.js';

type Row = Record<string, unknown>;

/** Converts between a value and the cells of the table's value columns. */
export interface RowCodec<T> {
  /** The value columns, in a fixed order. */
  readonly columns: readonly string[];
  /**
   * Puts the cells to bind in `cells`, column by column from `at`, and returns the value as a
   * read will return it, in one pass (checked: a value that would not read back as given is
   * refused). Every write returns its record, so this runs on every write: no text is parsed
   * back where a copy is known to be the same, and the cells go straight into the array of
   * the statement's parameters.
   */
  encode(value: T, key: unknown, cells: unknown[], at: number): T;
  /** The value from a row as SQLite returns it. */
  fromRow(row: Row): T;
}

/**
 * JSON for a column: its text, and the value it reads back as. Plain data is copied (and the
 * text written from the copy, so the two cannot differ); anything else is written as text,
 * checked, and parsed back.
 */
function encodeJson(member: unknown): { text: string; value: unknown } {
  const copy = jsonCopy(member);
  if (copy !== undefined) return { text: JSON.stringify(copy), value: copy };
  const text = jsonText(member);
  return { text, value: JSON.parse(text) };
}

/** Integers come back as bigints (the statements run with safe integers): a number when safe. */
export function fromInteger(cell: unknown): unknown {
  if (typeof cell !== 'bigint') return cell;
  return cell >= BigInt(Number.MIN_SAFE_INTEGER) && cell <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(cell) : cell;
}

export function documentCodec<T>(column: string): RowCodec<T> {
  return {
    columns: [column],
    encode(value, _key, cells, at) {
      const json = encodeJson(value);
      cells[at] = json.text;
      return json.value as T;
    },
    fromRow: (row) => JSON.parse(String(row[column])) as T,
  };
}

/** A well-formed numeric literal, which a column of numeric affinity turns into a number. */
const NUMERIC_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function refuse(column: string, why: string): never {
  throw new IfMatchError('INVALID_VALUE', `column ${column} ${why}`);
}

/** The cell for one member of a column not declared JSON, or a refusal if SQLite would not give it back unchanged. */
function toCell(column: string, affinity: Affinity, member: unknown): unknown {
  if (member === null) return null;
  if (typeof member === 'boolean' || typeof member === 'object') {
    if (member instanceof Uint8Array && (affinity === 'blob' || affinity === 'text')) return member;
    refuse(column, `cannot hold ${member instanceof Uint8Array ? 'bytes' : typeof member}; declare it as JSON`);
  }
  if (typeof member === 'string') {
    if (affinity === 'text' || affinity === 'blob' || !NUMERIC_TEXT.test(member)) return member;
    refuse(column, `is numeric: ${JSON.stringify(member)} would come back as a number`);
  }
  if (typeof member === 'number') {
    if (!Number.isFinite(member)) refuse(column, `cannot hold ${member}`);
    if (affinity === 'text') refuse(column, `is TEXT: the number ${member} would come back as a string`);
    return member;
  }
  if (typeof member === 'bigint') {
    if (affinity === 'text') refuse(column, 'is TEXT: a bigint would come back as a string');
    const safe = member >= BigInt(Number.MIN_SAFE_INTEGER) && member <= BigInt(Number.MAX_SAFE_INTEGER);
    if (!safe && affinity === 'real') refuse(column, 'is REAL: a bigint past 2^53 would lose digits');
    return member;
  }
  return refuse(column, `cannot hold ${typeof member}`);
}

/**
 * The cell as the column stores it. A column of integer or numeric affinity turns a whole
 * number that fits 64 bits into an INTEGER: past 2^53 it then reads back as a bigint.
 */
function storedAs(affinity: Affinity, cell: unknown): unknown {
  if (typeof cell !== 'number' || (affinity !== 'integer' && affinity !== 'numeric')) return cell;
  if (Number.isSafeInteger(cell) || !Number.isInteger(cell) || cell < -(2 ** 63) || cell >= 2 ** 63) return cell;
  return BigInt(cell);
}

function fromCell(affinity: Affinity, cell: unknown): unknown {
  if (cell === null) return null;
  if (affinity === 'json') return JSON.parse(typeof cell === 'string' ? cell : String(fromInteger(cell)));
  return fromInteger(cell);
}

export function columnsCodec<T>(
  columns: ReadonlyMap<string, Affinity>,
  system: ReadonlySet<string>,
  keyColumn: string,
): RowCodec<T> {
  const valueColumns = [...columns.keys()].filter((name) => !system.has(name));
  const affinities = valueColumns.map((name) => columns.get(name) ?? 'blob');
  const members = new Set(valueColumns);
  /**
   * A value with every column as its own member, in column order: each value read or written
   * is a copy of it with the members filled in, which V8 makes in one step with its final
   * shape (and a column named "__proto__" stays a member, never a prototype).
   */
  const blank: Row = Object.fromEntries(valueColumns.map((name) => [name, null]));
  const rules = {
    noun: 'column',
    isMember: (name: string) => members.has(name),
    keyPart: (name: string, key: unknown) => (name === keyColumn ? key : undefined),
    order: valueColumns,
  };
  return {
    columns: valueColumns,
    encode(value, key, cells, at) {
      checkMembers(value, rules, key);
      // A put replaces the whole row: a member left out (or undefined) is stored as NULL.
      const readBack: Row = { ...blank };
      for (let i = 0; i < valueColumns.length; i++) {
        const name = valueColumns[i] ?? '';
        const affinity = affinities[i] ?? 'blob';
        const member = value[name] ?? null;
        if (affinity === 'json' && member !== null) {
          const json = encodeJson(member);
          cells[at + i] = json.text;
          readBack[name] = json.value;
          continue;
        }
        const cell = toCell(name, affinity, member);
        cells[at + i] = cell;
        // As SQLite hands it back: bytes as a Buffer, a safe integer as a number.
        readBack[name] =
          cell instanceof Uint8Array && !Buffer.isBuffer(cell)
            ? Buffer.from(cell)
            : fromInteger(storedAs(affinity, cell));
      }
      return readBack as T;
    },
    fromRow(row) {
      const value: Row = { ...blank };
      for (let i = 0; i < valueColumns.length; i++) {
        const name = valueColumns[i] ?? '';
        value[name] = fromCell(affinities[i] ?? 'blob', row[name]);
      }
      return value as T;
    },
  };
}
