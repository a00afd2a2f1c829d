/**
 * Request JSON, parsed so that it costs bounded work and means one thing:
 * - an integer is read exactly: one a double cannot hold (`9007199254740993`, a PostgreSQL
 *   int8 or an SQLite INTEGER a client read and writes back) becomes a bigint, where
 *   `JSON.parse` would round it and the store would write an integer nobody sent. Every other
 *   number is `JSON.parse`'s double, fractions and exponents included (core's
 *   `parseJsonExactly`, rule `'inexact'`: a body a store took exactly before is read the same);
 * - nesting deeper than `maxDepth` is refused (422), so nothing downstream (a merge patch, a
 *   store's serialiser, `JSON.stringify` on the way out) can overflow the stack;
 * - a repeated member name is refused (400): RFC 8259 §4 leaves its meaning to the parser,
 *   and a proxy that reads the first `"op"` while we read the last is a smuggling channel
 *   (RFC 6902 appendix A.13 is exactly that case);
 * - `__proto__` stays ordinary data: `JSON.parse` defines members, it never assigns them, and
 *   so does the exact reading, so the parsed value's prototype is always `Object.prototype`.
 */
import { type JsonTextVisitor, parseJsonExactly, scanJsonText } from '@ifmatch/core';
import { problem } from './problem.js';

/** The default `maxDepth`: as deep as ASP.NET's default, far deeper than any API document. */
export const DEFAULT_MAX_DEPTH = 64;

/** Parses request JSON text under the rules above; throws an `HttpProblem` (400 or 422). */
export function parseJson(text: string, maxDepth: number = DEFAULT_MAX_DEPTH): unknown {
  let value: unknown;
  try {
    value = parseJsonExactly(text, { bigints: 'inexact' });
  } catch (error) {
    // An integer longer than core's MAX_INTEGER_DIGITS (4300) that a double cannot hold (any
    // past 309 digits) is refused like malformed JSON, not read as JSON.parse's double: that
    // double (Infinity, or a rounded value) is a silent change of what the client sent, the
    // very thing exact reading prevents, and no store holds such an integer. Reading it as a
    // bigint would cost time superlinear in its digits: a hostile body's.
    if (error instanceof RangeError) throw problem(400, 'Bad Request', `the body is refused: ${error.message}`);
    throw problem(400, 'Bad Request', 'the body is not valid JSON');
  }
  // The text is valid JSON now, so one scan of its brackets, names and numbers is exact.
  scanJsonText(text, structureCheck(text, maxDepth));
  return value;
}

/**
 * Checks a value a body parser already produced (`express.json()`), or a patched document: its
 * nesting depth, and that it is JSON data at all. Iterative, so a deep value cannot overflow
 * the stack here. `bigints` admits bigints, which no framework's body parser makes but a
 * patched document holds: kept from the stored value it was applied to (json-representation.ts)
 * or carried by the patch (`parseJson` reads an integer a double cannot hold as one).
 */
export function checkJsonValue(
  value: unknown,
  maxDepth: number = DEFAULT_MAX_DEPTH,
  { bigints = false }: { readonly bigints?: boolean } = {},
): unknown {
  const stack: [unknown, number][] = [[value, 0]];
  // A parser never shares a node between two places: a shared (or cyclic) one is not parsed
  // JSON, and refusing it keeps this walk linear.
  const seen = new Set<object>();
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node === 'string' || typeof node === 'boolean') continue;
    if (typeof node === 'bigint' && bigints) continue;
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) throw problem(400, 'Bad Request', 'the body is not valid JSON');
      continue;
    }
    if (typeof node !== 'object' || !(Array.isArray(node) || isPlainPrototype(Object.getPrototypeOf(node)))) {
      throw problem(400, 'Bad Request', 'the body is not valid JSON');
    }
    if (depth + 1 > maxDepth) throw tooDeep(maxDepth);
    if (seen.has(node)) throw problem(400, 'Bad Request', 'the body is not valid JSON');
    seen.add(node);
    for (const child of Array.isArray(node) ? node : Object.values(node)) stack.push([child, depth + 1]);
  }
  return value;
}

/** A parsed JSON object has `Object.prototype` (or none, from some parsers); a `Date` or a `Map` is not JSON. */
function isPlainPrototype(prototype: unknown): boolean {
  return prototype === null || prototype === Object.prototype;
}

function tooDeep(maxDepth: number) {
  return problem(422, 'Unprocessable Content', `the JSON nests deeper than ${maxDepth} levels`);
}

/**
 * The check of the text's structure, as a visitor of core's one pass over it: the nesting
 * depth, the member names of each object (decoded, so `"a"` and `"\u0061"` are the same name),
 * and its numbers: one that no double holds (`1e400`, which `JSON.parse` reads as Infinity) is
 * refused, as RFC 8259 §6 allows. Stored, it would be Infinity, which JSON cannot carry: a GET
 * would answer `null` for the number the client sent.
 */
function structureCheck(text: string, maxDepth: number): JsonTextVisitor {
  // One entry per open container: the names seen so far for an object, null for an array.
  const open: (Set<string> | null)[] = [];
  return {
    open(array) {
      if (open.length + 1 > maxDepth) throw tooDeep(maxDepth);
      open.push(array ? null : new Set());
    },
    close() {
      open.pop();
    },
    name(name) {
      const names = open.at(-1) as Set<string>;
      if (names.has(name)) {
        throw problem(400, 'Bad Request', `the member name ${JSON.stringify(name)} appears twice in one object`);
      }
      names.add(name);
    },
    scalar(start, end) {
      // The shortest number past a double's range has five characters (1e309); a string,
      // true, false and null never pass as a number. An integer token is read exactly (a
      // bigint where a double cannot hold it, for the store to take or refuse): only a
      // fraction or an exponent is read as a double.
      if (end - start < 5 || !isNumberStart(text.charCodeAt(start))) return;
      const token = text.slice(start, end);
      if (!FRACTION_OR_EXPONENT.test(token) || Number.isFinite(Number(token))) return;
      throw problem(400, 'Bad Request', `the body holds a number no double can hold: ${preview(token)}`);
    },
  };
}

const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** Whether a JSON token starting with `code` is a number (a minus or a digit; no other token starts so). */
export function isNumberStart(code: number): boolean {
  return code === MINUS || (code >= DIGIT_0 && code <= DIGIT_9);
}

const FRACTION_OR_EXPONENT = /[.eE]/;

/** A token for a message: at most 40 characters of it (a hostile one may be megabytes long). */
function preview(token: string): string {
  return token.length <= 40 ? token : `${token.slice(0, 37)}…`;
}
