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
 */
import { setMember } from './patch/json-value.js';

/** The body a GET answers for `value`: `JSON.stringify`'s text, with bigints as their digits. */
export function representationText(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch (error) {
    return withBigints(error, () => {
      const document = toDocument(value, '', new Set());
      return document === undefined ? undefined : documentText(document);
    });
  }
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

/** The text of a document `toDocument` made: plain JSON data and bigints, nothing else. */
function documentText(document: unknown): string {
  if (typeof document === 'bigint') return document.toString();
  if (typeof document !== 'object' || document === null) return JSON.stringify(document);
  if (Array.isArray(document)) return `[${document.map(documentText).join(',')}]`;
  const members = Object.keys(document).map(
    (name) => `${JSON.stringify(name)}:${documentText((document as Record<string, unknown>)[name])}`,
  );
  return `{${members.join(',')}}`;
}
