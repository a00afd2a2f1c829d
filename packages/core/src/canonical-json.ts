/**
 * Canonical JSON: object keys sorted at every level, so two values that are equal as JSON
 * give the same text whatever order their keys were inserted in.
 */
import { base64url } from './base64url.js';
import { IfMatchError } from './errors.js';

/**
 * JSON with sorted keys. Otherwise it follows `JSON.stringify` (toJSON, undefined members
 * dropped, undefined in arrays as null). Throws `INVALID_VALUE` for what JSON cannot hold
 * faithfully: bigint, non-finite numbers, cycles, and a top-level undefined.
 */
export function canonicalJson(value: unknown): string {
  const text = write(value, new Set(), false);
  if (text === undefined) throw new IfMatchError('INVALID_VALUE', 'the value is not representable as JSON');
  return text;
}

/**
 * JSON text for storing a value: `JSON.stringify` (the value's own key order), with the same
 * refusals as `canonicalJson`. Those checks walk the value only when the text says they may
 * be needed: `JSON.stringify` throws on a bigint (unless a `toJSON` shim is installed) or a
 * cycle, and writes a non-finite number as `null`, so text without "null" in it holds none.
 */
export function jsonText(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // A bigint or a cycle: canonicalJson names it in an INVALID_VALUE.
    return canonicalJson(value);
  }
  if (text === undefined) throw new IfMatchError('INVALID_VALUE', 'the value is not representable as JSON');
  // A `BigInt.prototype.toJSON` shim makes stringify write bigints instead of throwing.
  if (text.includes('null') || typeof (BigInt.prototype as { toJSON?: unknown }).toJSON === 'function') {
    canonicalJson(value);
  }
  return text;
}

/** Deeper than any document a request can carry (the HTTP layer bounds nesting lower). */
const MAX_COPY_DEPTH = 256;

/**
 * A deep copy of `value` when it is plain JSON data, undefined otherwise. Plain: null,
 * booleans, strings, finite numbers other than -0, arrays without holes and objects of
 * `Object.prototype` without a `__proto__` member, none with a `toJSON`, all of it plain, at most
 * `MAX_COPY_DEPTH` deep (so a cycle is not plain). For plain data the copy is exactly what
 * `JSON.parse(jsonText(value))` returns, built without writing and parsing text: adapters
 * return the value as it reads back on every write, and this is most of its cost. Anything
 * else (undefined members, dates, bigints…) gets undefined: take the text road then.
 */
export function jsonCopy(value: unknown): unknown {
  return copy(value, 0);
}

function copy(value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0) ? value : undefined;
  if (typeof value !== 'object' || depth >= MAX_COPY_DEPTH) return undefined;
  // JSON.stringify writes what toJSON returns (an array's own, or one a polyfill put on
  // Array.prototype, as an object's): not plain.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return undefined;
  if (Array.isArray(value)) {
    if (Object.getPrototypeOf(value) !== Array.prototype) return undefined;
    // Filled by push, so the copy is a packed array: JSON.stringify writes those faster.
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      if (!(i in value)) return undefined; // a hole reads back as null
      const item = copy(value[i], depth + 1);
      if (item === undefined) return undefined;
      out.push(item);
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    // Assigning "__proto__" would set the copy's prototype, not a member.
    if (key === '__proto__') return undefined;
    const member = copy((value as Record<string, unknown>)[key], depth + 1);
    if (member === undefined) return undefined;
    out[key] = member;
  }
  return out;
}

/**
 * The text the hash strategy hashes: canonical JSON extended to every value a database
 * hands back, so a record read from a table the store did not write can always be hashed:
 * a bigint is its digits and `n`, a non-finite number `NaN` / `Infinity` / `-Infinity`, bytes
 * `b"<base64url>"` (none of which JSON text can contain, so no two values share a text).
 */
export function hashableJson(value: unknown): string {
  return write(value, new Set(), true) ?? 'undefined';
}

function write(value: unknown, seen: Set<object>, extended: boolean): string | undefined {
  // Before toJSON: a Buffer and a Uint8Array of the same bytes are the same content.
  if (extended && value instanceof Uint8Array) return `b"${base64url(value)}"`;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (Number.isFinite(value)) return JSON.stringify(value);
      if (extended) return String(value);
      throw new IfMatchError('INVALID_VALUE', `${value} is not representable as JSON`);
    case 'bigint':
      if (extended) return `${value}n`;
      throw new IfMatchError('INVALID_VALUE', 'a bigint is not representable as JSON');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return 'null';
  const object = value as object;
  if (seen.has(object)) throw new IfMatchError('INVALID_VALUE', 'the value contains a cycle');
  seen.add(object);
  let out: string;
  if (Array.isArray(object)) {
    out = `[${object.map((item) => write(item, seen, extended) ?? 'null').join(',')}]`;
  } else {
    const parts: string[] = [];
    for (const key of Object.keys(object).sort()) {
      const member = write((object as Record<string, unknown>)[key], seen, extended);
      if (member !== undefined) parts.push(`${JSON.stringify(key)}:${member}`);
    }
    out = `{${parts.join(',')}}`;
  }
  seen.delete(object);
  return out;
}
