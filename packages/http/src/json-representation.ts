/**
 * A stored value as a client sees it: the JSON a GET answers, and the same document as data
 * for a patch to apply to. Both are `JSON.stringify`'s: a `Date` from a timestamp column is its
 * ISO string, anything with a `toJSON` is what that returns, a member holding `undefined` is
 * absent, NaN is null.
 *
 * One addition: a bigint, which `JSON.stringify` refuses with a TypeError, is a JSON number
 * written with all its digits. Drivers hand bigints back for integers past 2^53 (an SQLite
 * INTEGER through `@ifmatch/sqlite`, a PostgreSQL `bigint` in Drizzle's `mode: 'bigint'`), and
 * a JSON number has no precision limit (RFC 8259 §6): only a reader that parses it into a
 * double rounds it. Values without bigints take `JSON.stringify` alone; the bigint-aware walk
 * below runs only after it threw.
 *
 * And one change in the text: a double of magnitude 2^53 to 1e21 (an integer, as every double
 * that large is) is written with its exact digits, where `JSON.stringify` writes its shortest
 * ones padded with zeros (2^60 as `1152921504606847000`, which is not 2^60). Every reader gets
 * the same double from either text, but the padded one is an integer no double holds, and
 * `@ifmatch/http` reads request bodies exactly (json.ts, core's rule `'inexact'`): written back
 * unchanged, it would arrive as a bigint, another integer. The exact digits arrive as the
 * double. From 1e21 `JSON.stringify` writes an exponent (`1e+21`), read as a double already.
 */
import { exactNumberText, scanJsonText } from '@ifmatch/core';
import { isNumberStart } from './json.js';
import { setMember } from './patch/json-value.js';

/** Every integer past 2^53 has at least 16 digits (2^53 = 9007199254740992), as in core's exact-json.ts. */
const SIXTEEN_DIGITS = /\d{16}/;
const INTEGER = /^-?\d+$/;

/**
 * The body a GET answers for `value`: `JSON.stringify`'s text, with bigints as their digits and
 * doubles from 2^53 up to 1e21 as their exact ones.
 */
export function representationText(value: unknown): string | undefined {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    return withBigints(error, () => {
      const document = toDocument(value, '', new Set());
      return document === undefined ? undefined : documentText(document);
    });
  }
  // A double past 2^53 has at least 16 digits: text without such a run is written as it is.
  if (text === undefined || !SIXTEEN_DIGITS.test(text)) return text;
  const raw = (JSON as { rawJSON?: (text: string) => unknown }).rawJSON;
  return typeof raw === 'function' ? JSON.stringify(value, exactDoubles(raw)) : withExactDoubles(text);
}

/**
 * A replacer writing each double from 2^53 up to 1e21 with its exact digits (`exactNumberText`),
 * as raw JSON. Taken where `JSON.rawJSON` exists (ES2025; Node 21 and later): there a `toJSON`
 * may return raw JSON text, as MDN's `BigInt.prototype.toJSON` shim does
 * (`JSON.rawJSON(this.toString())`), so an integer token in `JSON.stringify`'s text is not
 * always a double's, and rewriting it as one (`withExactDoubles`) would change a stored
 * bigint's digits (9007199254740993 written 9007199254740992). The replacer sees the doubles
 * themselves, after any `toJSON`.
 */
function exactDoubles(raw: (text: string) => unknown) {
  return (_: string, item: unknown): unknown => {
    const number = item instanceof Number ? Number(item) : item;
    if (typeof number !== 'number') return item;
    const magnitude = Math.abs(number);
    return magnitude >= 2 ** 53 && magnitude < 1e21 ? raw(exactNumberText(number)) : item;
  };
}

/**
 * `JSON.stringify`'s `text` with every integer token of 16 digits or more written by
 * `exactNumberText`: one pass of core's iterative scanner (digits in a string are a string token,
 * left alone), linear in the text. Without `JSON.rawJSON`, a number token in this text is a
 * number's: `JSON.stringify` throws on a bigint (a `toJSON` shim on bigints can only return a
 * string then), so its value is `Number(token)`.
 */
function withExactDoubles(text: string): string {
  const parts: string[] = [];
  let copied = 0;
  const ignore = (): void => {};
  scanJsonText(text, {
    open: ignore,
    close: ignore,
    name: ignore,
    scalar(start, end) {
      if (end - start < 16) return;
      if (!isNumberStart(text.charCodeAt(start))) return;
      const token = text.slice(start, end);
      if (!INTEGER.test(token)) return;
      const exact = exactNumberText(Number(token));
      if (exact === token) return;
      parts.push(text.slice(copied, start), exact);
      copied = end;
    },
  });
  if (copied === 0) return text;
  parts.push(text.slice(copied));
  return parts.join('');
}

/**
 * The document a patch applies to (RFC 7396 and RFC 6902 patch a JSON document, and the client
 * wrote its patch against the one it read): `JSON.parse` of the GET's body, except that a
 * bigint stays a bigint. A member the patch does not touch is then written back with every
 * digit, where a double would silently round it; the stores take bigints back (an SQLite
 * INTEGER column, a PostgreSQL `bigint` column).
 */
export function jsonRepresentation(value: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    return withBigints(error, () => toDocument(value, '', new Set()));
  }
  return text === undefined ? undefined : JSON.parse(text);
}

/**
 * The bigint-aware road, taken after `JSON.stringify` threw a TypeError: a bigint, which the
 * road writes, or a cycle, which it refuses with a TypeError of its own. Anything else
 * `JSON.stringify` threw (from a `toJSON` or a getter) is the caller's, as before. On that road,
 * what still cannot be written throws its own reason (a cycle, a `toJSON` that throws).
 */
function withBigints<R>(error: unknown, write: () => R): R {
  if (!(error instanceof TypeError)) throw error;
  return write();
}

/**
 * What `JSON.parse(JSON.stringify(value))` gives, bigints kept, following `JSON.stringify`'s
 * steps (ECMA-262 SerializeJSONProperty): `toJSON(key)`, wrapper objects unwrapped, undefined,
 * functions and symbols absent from objects and null in arrays, non-finite numbers null, -0
 * as 0, members defined (a member named `__proto__` stays one), objects as `Object.prototype`
 * ones. A cycle throws a TypeError.
 */
function toDocument(value: unknown, key: string, open: Set<object>): unknown {
  if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') value = toJSON.call(value, key);
  }
  if (value instanceof Number) value = Number(value);
  else if (value instanceof String) value = String(value);
  else if (value instanceof Boolean || value instanceof BigInt) value = value.valueOf();
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'bigint':
      return value;
    case 'number':
      return Number.isFinite(value) ? (value === 0 ? 0 : value) : null; // -0 is written 0
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
  }
  if (value === null) return null;
  const object = value as object;
  if (open.has(object)) throw new TypeError('Converting circular structure to JSON');
  open.add(object);
  let document: unknown[] | Record<string, unknown>;
  if (Array.isArray(object)) {
    document = [];
    for (let index = 0; index < object.length; index++) {
      document.push(toDocument(object[index], String(index), open) ?? null);
    }
  } else {
    document = {};
    for (const name of Object.keys(object)) {
      const member = toDocument((object as Record<string, unknown>)[name], name, open);
      if (member !== undefined) setMember(document, name, member);
    }
  }
  open.delete(object);
  return document;
}

/** The text of a document `toDocument` made: plain JSON data and bigints, numbers as `exactNumberText` writes them. */
function documentText(document: unknown): string {
  if (typeof document === 'bigint') return document.toString();
  if (typeof document === 'number') return exactNumberText(document);
  if (typeof document !== 'object' || document === null) return JSON.stringify(document);
  if (Array.isArray(document)) return `[${document.map(documentText).join(',')}]`;
  const members = Object.keys(document).map(
    (name) => `${JSON.stringify(name)}:${documentText((document as Record<string, unknown>)[name])}`,
  );
  return `{${members.join(',')}}`;
}
