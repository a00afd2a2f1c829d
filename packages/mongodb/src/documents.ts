/**
 * Documents keep their own shape: the value's members are the document's fields, beside the
 * key and the system fields. Checked at the boundary: a value is a plain object; a member
 * named like a system field, or starting with `$` (an operator, not data), is INVALID_VALUE;
 * undefined members are dropped (the driver would store them as null), so what is hashed,
 * stored and read back is one thing.
 */
import { IfMatchError } from '@ifmatch/core';
import { checkMembers, storedTime } from '@ifmatch/core/driver';
import type { Document } from 'mongodb';
import type { FieldNames } from './filters.js';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const DOLLAR = 0x24;

/** MongoDB refuses documents nested deeper than this. */
const MAX_DEPTH = 100;

/**
 * The value without undefined members, at every level (BSON types such as ObjectId kept as
 * they are); a cycle, a nesting MongoDB refuses or a bigint it would not give back is
 * INVALID_VALUE, found before anything is sent. `bigints`: the collection reads Int64 as bigints.
 */
function withoutUndefined(value: unknown, bigints: boolean, depth = 0): unknown {
  if (typeof value === 'bigint') return storableBigint(value, bigints);
  if (typeof value !== 'object' || value === null) return value;
  if (!Array.isArray(value) && !isPlainObject(value)) return value;
  if (depth >= MAX_DEPTH)
    throw new IfMatchError('INVALID_VALUE', `a document nests at most ${MAX_DEPTH} levels (or it has a cycle)`);
  if (Array.isArray(value)) {
    return value.map((item) => (item === undefined ? null : withoutUndefined(item, bigints, depth + 1)));
  }
  const out: Record<string, unknown> = {};
  for (const name in value) {
    if (!Object.hasOwn(value, name)) continue;
    const member = value[name];
    if (member === undefined) continue;
    refuseProtoName(name);
    out[name] = withoutUndefined(member, bigints, depth + 1);
  }
  return out;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const SAFE_MIN = BigInt(Number.MIN_SAFE_INTEGER);
const SAFE_MAX = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * A bigint is stored as an Int64 (what `@ifmatch/http` hands over for a request's integer a
 * double cannot hold). BSON keeps only its low 64 bits, so one outside the Int64 range would
 * be stored as another integer: refused. Past 2^53 the driver reads an Int64 back as a `Long`
 * object, not a bigint, unless the collection reads with `useBigInt64`: refused then too.
 */
function storableBigint(value: bigint, bigints: boolean): bigint {
  if (value < INT64_MIN || value > INT64_MAX) {
    throw new IfMatchError('INVALID_VALUE', `MongoDB cannot hold the integer ${value}: it is outside the Int64 range`);
  }
  if (!bigints && (value < SAFE_MIN || value > SAFE_MAX)) {
    throw new IfMatchError(
      'INVALID_VALUE',
      `the integer ${value} is past 2^53: MongoDB stores it as an Int64, which this collection reads back as a Long, not a bigint (give the MongoClient useBigInt64: true)`,
    );
  }
  return value;
}

/**
 * A member named `__proto__` (JSON.parse makes one from a request body) would set the copy's
 * prototype instead of a field: its members would then reach the stored document unchecked,
 * system fields included. Refused, as an operator is.
 */
function refuseProtoName(name: string): void {
  if (name === '__proto__') throw new IfMatchError('INVALID_VALUE', 'a field cannot be named __proto__');
}

/** BSON's numbers as the driver may hand them over, when it does not make JavaScript numbers of them. */
const BSON_NUMBERS = new Set(['Long', 'Int32', 'Double', 'Decimal128']);

/** A number of any of BSON's numeric types: what `$type: 'number'` matches, and `{ version: 3 }` compares with 3. */
function isBsonNumber(value: unknown): boolean {
  if (typeof value === 'number' || typeof value === 'bigint') return true;
  const type = (value as { _bsontype?: unknown } | null | undefined)?._bsontype;
  return typeof type === 'string' && BSON_NUMBERS.has(type);
}

/*
 * A version or modification time another writer left may be anything: a string "3", a
 * boolean, a date, an array. The filters compare numbers, so each is read as they match it:
 * - a number of any BSON numeric type is that number (`{ version: 3 }` matches them all);
 * - an array, as MongoDB compares arrays element by element: its one number if it holds
 *   exactly one (`{ version: 3 }` matches `[3]`), none if it holds none;
 * - anything else is none (version 0, no time), which the filters' state 0 matches with
 *   `$not: { $type: 'number' }` (that is: no number, nor an array holding one).
 * Read as `Number` reads them, "3" was version 3, which no filter on 3 matched: a write under
 * its tag was refused and tried again until RETRIES_EXHAUSTED; a date was a time no filter
 * compared with (MongoDB compares a date with dates only); and `["3"]` read as 3 but matched
 * state 0, so a stale tag of version 0 could overwrite it. An array holding several numbers
 * matches several versions at once: it reads as NaN, which no tag names.
 */

/** The numbers an array holds (or the value itself, when it is one), as the filters compare them. */
function numbersOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value.filter(isBsonNumber) : isBsonNumber(value) ? [value] : [];
}

/** Whether a stored version or time holds a number at all: what `$type: 'number'` matches (see above). */
export function holdsNumber(value: unknown): boolean {
  return numbersOf(value).length > 0;
}

/** A stored version as the store reads it (see above). */
export function storedVersion(value: unknown): number {
  if (typeof value === 'number') return value; // what the store writes: no array made
  const numbers = numbersOf(value);
  return numbers.length === 0 ? 0 : numbers.length === 1 ? Number(numbers[0]) : Number.NaN;
}

/**
 * A stored modification time as the store reads it (see above): milliseconds, or none. One
 * beyond ±(2^53 − 1) is none too: another writer's nanoseconds, say, an Int64 that no double
 * holds, which no write's time could be at or after (the filters let a write over it, see
 * `filterFor`); read as the double nearest it, each write was refused and tried again until
 * RETRIES_EXHAUSTED.
 */
export function storedModifiedAt(value: unknown): number | null {
  const numbers = typeof value === 'number' ? undefined : numbersOf(value);
  const time = numbers === undefined ? storedTime(value) : numbers.length === 1 ? storedTime(numbers[0]) : null;
  return time !== null && Math.abs(time) <= Number.MAX_SAFE_INTEGER ? time : null;
}

/** Refuses a key that is, or holds, a query operator or a pattern: it would select other documents. */
export function checkKey(key: unknown): void {
  if (key instanceof RegExp) throw new TypeError('a key cannot be a regular expression');
  if (Array.isArray(key)) throw new TypeError('a key cannot be an array');
  if (isPlainObject(key)) {
    for (const [name, part] of Object.entries(key)) {
      if (name.startsWith('$')) throw new TypeError(`a key cannot hold the operator ${name}`);
      checkKey(part);
    }
  }
}

/** `bigints`: the collection reads an Int64 back as a bigint (`useBigInt64`), so one is stored exactly. */
export function documentCodec(fields: FieldNames, bigints: boolean) {
  const system = new Set([fields.key, fields.version, fields.modifiedAt, fields.incarnation, fields.hash]);
  const memberRules = {
    noun: 'field the store does not keep for itself',
    isMember: (name: string) => !system.has(name),
    keyPart: (name: string, key: unknown) => (name === fields.key ? key : undefined),
  };
  return {
    /** The value as it will be stored and read back; INVALID_VALUE when it cannot be. */
    prepare(value: unknown, key: unknown): Document {
      if (!isPlainObject(value)) {
        throw new IfMatchError('INVALID_VALUE', 'a value is a document: an object whose members are its fields');
      }
      checkMembers(value, memberRules, key);
      // One pass: operators refused, undefined members dropped, the key (checked above) left out.
      const out: Document = {};
      for (const name in value) {
        if (!Object.hasOwn(value, name)) continue;
        const member = value[name];
        if (member === undefined) continue;
        if (name.charCodeAt(0) === DOLLAR) {
          throw new IfMatchError('INVALID_VALUE', `a field name cannot start with $: ${name}`);
        }
        refuseProtoName(name);
        if (name !== fields.key) out[name] = withoutUndefined(member, bigints, 1);
      }
      return out;
    },
    /**
     * The stored document: the value, the key, and the system fields (a null one left out).
     * `replacing`: it replaces a stored document, which keeps its `_id`: left out then (sent
     * again, the server only compares it: about 1% of a write's time on the stand-in). A key under
     * another field name is always sent, or the replacement would drop it.
     */
    toDocument(
      key: unknown,
      value: Document,
      version: number,
      modifiedAt: number,
      incarnation: string | null,
      hash: string | null,
      replacing: boolean,
    ): Document {
      const document: Document = {};
      // Own members only: a polluted Object.prototype must not reach the database.
      for (const name in value) {
        if (!Object.hasOwn(value, name)) continue;
        refuseProtoName(name); // `prepare` refused it already: assigning it would set the prototype
        document[name] = value[name];
      }
      if (!replacing || fields.key !== '_id') document[fields.key] = key;
      document[fields.version] = version;
      document[fields.modifiedAt] = modifiedAt;
      if (incarnation !== null) document[fields.incarnation] = incarnation;
      if (hash !== null) document[fields.hash] = hash;
      return document;
    },
    /** The value: every field but the key and the system fields. */
    valueOf(document: Document): Document {
      const value: Document = {};
      for (const [name, member] of Object.entries(document)) {
        if (system.has(name)) continue;
        // A stored field named __proto__ (the store refuses to write one; others may have)
        // stays a field of the value, not its prototype.
        if (name === '__proto__')
          Object.defineProperty(value, name, { value: member, enumerable: true, writable: true, configurable: true });
        else value[name] = member;
      }
      return value;
    },
  };
}
