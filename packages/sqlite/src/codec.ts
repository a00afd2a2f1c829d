/**
 * Values and rows: a value is either one JSON document in one column (document mode) or an
 * object whose members are the table's value columns (row mode). Every value is checked so
 * that it reads back exactly as the store reports it; what SQLite would change on the way
 * (a number in a TEXT column comes back "5.0", a numeric-looking string in a numeric column
 * comes back a number, a bigint past 2^53 rounds) is refused with INVALID_VALUE instead.
 */
import { IfMatchError } from '@ifmatch/core';
import { checkMembers, jsonText } from '@ifmatch/core/driver';
import type { Affinity } from './schema.js';

type Row = Record<string, unknown>;

/** Converts between a value and the cells of the table's value columns. */
export interface RowCodec<T> {
  /** The value columns, in a fixed order. */
  readonly columns: readonly string[];
  /** The cells to bind, by column (checked: a value that would not read back as given is refused). */
  toCells(value: T, key: unknown): unknown[];
  /** The value from a row as SQLite returns it. */
  fromRow(row: Row): T;
}

/** Integers come back as bigints (the statements run with safe integers): a number when safe. */
export function fromInteger(cell: unknown): unknown {
  if (typeof cell !== 'bigint') return cell;
  return cell >= BigInt(Number.MIN_SAFE_INTEGER) && cell <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(cell) : cell;
}

export function documentCodec<T>(column: string): RowCodec<T> {
  return {
    columns: [column],
    toCells: (value) => [jsonText(value)],
    fromRow: (row) => JSON.parse(String(row[column])) as T,
  };
}

/** A well-formed numeric literal, which a column of numeric affinity turns into a number. */
const NUMERIC_TEXT = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

function refuse(column: string, why: string): never {
  throw new IfMatchError('INVALID_VALUE', `column ${column} ${why}`);
}

/** The cell for one member, or a refusal if SQLite would not give it back unchanged. */
function toCell(column: string, affinity: Affinity, member: unknown): unknown {
  if (member === null) return null;
  if (affinity === 'json') return jsonText(member);
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
  const rules = {
    noun: 'column',
    isMember: (name: string) => columns.has(name) && !system.has(name),
    keyPart: (name: string, key: unknown) => (name === keyColumn ? key : undefined),
  };
  return {
    columns: valueColumns,
    toCells(value, key) {
      checkMembers(value, rules, key);
      // A put replaces the whole row: a member left out (or undefined) is stored as NULL.
      const cells: unknown[] = new Array(valueColumns.length);
      for (let i = 0; i < valueColumns.length; i++) {
        const name = valueColumns[i] ?? '';
        cells[i] = toCell(name, affinities[i] ?? 'blob', value[name] ?? null);
      }
      return cells;
    },
    fromRow(row) {
      const value: Row = {};
      for (let i = 0; i < valueColumns.length; i++) {
        const name = valueColumns[i] ?? '';
        value[name] = fromCell(affinities[i] ?? 'blob', row[name]);
      }
      return value as T;
    },
  };
}

/**
 * The value as it will read back (the cells decoded as SQLite hands them back, bytes as a
 * Buffer), and the cells to bind for it.
 */
export function prepared<T>(codec: RowCodec<T>, value: T, key: unknown): { value: T; cells: unknown[] } {
  const cells = codec.toCells(value, key);
  const row: Row = {};
  for (let i = 0; i < codec.columns.length; i++) {
    const cell = cells[i];
    row[codec.columns[i] ?? ''] = cell instanceof Uint8Array && !Buffer.isBuffer(cell) ? Buffer.from(cell) : cell;
  }
  return { value: codec.fromRow(row), cells };
}
