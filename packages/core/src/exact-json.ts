/**
 * JSON text read without rounding its integers. `JSON.parse` reads every number as a double,
 * so an integer past 2^53 comes back changed: `9007199254740993` reads as 9007199254740992,
 * and a value read, changed and written back would store an integer nobody wrote. A JSON
 * number has no precision limit (RFC 8259 §6): only a reader that makes it a double rounds it.
 * Here an integer token can become a bigint instead, under one of two rules:
 * - `'unsafe'`: every integer token outside ±(2^53 − 1). The type then says the range (a
 *   number is always a safe integer or a fraction, so arithmetic on it never rounds quietly):
 *   what a program reading values wants (`@ifmatch/client` reads responses so);
 * - `'inexact'`: only an integer token whose double is not exactly that integer
 *   (`9007199254740993`; `9007199254740992` and `100000000000000000000` are doubles exactly,
 *   and stay numbers). Every value then is what `JSON.parse` gives except where `JSON.parse`
 *   would have changed it: what a server writing request bodies to a store wants
 *   (`@ifmatch/http`), since no body a store took exactly before becomes a bigint it refuses.
 * Only integer tokens (digits and an optional minus) count: a fraction or an exponent
 * (`9007199254740993.0`, `1e20`) says its writer meant a number, and it is read as the double
 * `JSON.parse` reads, under both rules.
 *
 * The cost is bounded: `JSON.parse` validates the text first (what is not JSON throws its
 * SyntaxError); text with no run of 16 digits (the fewest an integer past 2^53 has) is its
 * result as it is; otherwise one more pass (json-text.ts, iterative) builds the value, linear
 * in the text. Converting digits to a bigint costs more than linear in their number, so an
 * integer is read as a bigint up to `MAX_INTEGER_DIGITS` digits: a longer one that needs it
 * throws a RangeError rather than take a hostile text's time.
 */
import { scanJsonText } from './json-text.js';

/**
 * The longest integer read as a bigint, in digits: CPython's default limit on converting
 * between decimal text and integers (`sys.int_info.default_max_str_digits`), set for the same
 * reason (CVE-2020-10735). A PostgreSQL or SQLite integer has at most 19.
 */
export const MAX_INTEGER_DIGITS = 4300;

/** Which integer tokens `parseJsonExactly` reads as bigints (see above). */
export type ExactIntegers = 'unsafe' | 'inexact';

/**
 * The JSON text of a finite number, which every reader parses back to that same double:
 * `JSON.stringify`'s, except for a magnitude from 2^53 up to (not including) 1e21, where
 * `JSON.stringify` writes the shortest digits that identify the double, padded with zeros
 * (2^60 as `1152921504606847000`). Those digits are another integer than the double, which an
 * exact reader (`parseJsonExactly`) reads as that integer: here the double's own digits (at most
 * 21) are written instead. From 1e21 `JSON.stringify` writes an exponent, read as a double.
 */
export function exactNumberText(value: number): string {
  const magnitude = Math.abs(value);
  return magnitude >= 2 ** 53 && magnitude < 1e21 ? BigInt(value).toString() : JSON.stringify(value);
}

/** Every integer past 2^53 has at least 16 digits (2^53 = 9007199254740992). */
const SIXTEEN_DIGITS = /\d{16}/;
const INTEGER = /^-?\d+$/;

/**
 * The value of JSON `text`: `JSON.parse`'s, but for integer tokens `bigints` says a double
 * cannot carry, which are bigints. Throws `JSON.parse`'s SyntaxError for what is not JSON, and
 * a RangeError for an integer that needs a bigint and has more than `MAX_INTEGER_DIGITS` digits.
 */
export function parseJsonExactly(text: string, options: { readonly bigints: ExactIntegers }): unknown {
  const { bigints } = options;
  if (bigints !== 'unsafe' && bigints !== 'inexact') {
    throw new TypeError(`bigints is 'unsafe' or 'inexact', not ${String(bigints)}`);
  }
  const value: unknown = JSON.parse(text);
  return SIXTEEN_DIGITS.test(text) ? readExactly(text, bigints) : value;
}

/**
 * The value of `text`, which `JSON.parse` accepted, built as `JSON.parse` builds it: members
 * defined, never assigned (a member named `__proto__` stays data), a repeated name keeping the
 * last value at the place of the first.
 */
function readExactly(text: string, bigints: ExactIntegers): unknown {
  const open: (unknown[] | Record<string, unknown>)[] = [];
  let root: unknown;
  // The name of the member whose value comes next: a name token is always followed by its value.
  let name = '';
  const place = (value: unknown): void => {
    const top = open.at(-1);
    if (top === undefined) root = value;
    else if (Array.isArray(top)) top.push(value);
    else Object.defineProperty(top, name, { value, writable: true, enumerable: true, configurable: true });
  };
  scanJsonText(text, {
    open(array) {
      const container = array ? [] : {};
      place(container);
      open.push(container);
    },
    close() {
      open.pop();
    },
    name(next) {
      name = next;
    },
    scalar(start, end, escaped) {
      place(scalarOf(text, start, end, escaped, bigints));
    },
  });
  return root;
}

/** The value of one scalar token. */
function scalarOf(text: string, start: number, end: number, escaped: boolean, bigints: ExactIntegers): unknown {
  switch (text.charCodeAt(start)) {
    case 0x22 /* " */:
      return escaped ? JSON.parse(text.slice(start, end)) : text.slice(start + 1, end - 1);
    case 0x74 /* t */:
      return true;
    case 0x66 /* f */:
      return false;
    case 0x6e /* n */:
      return null;
    default:
      return numberOf(text.slice(start, end), bigints);
  }
}

/** A number token's value: a bigint for an integer the rule says a double cannot carry, else `JSON.parse`'s double. */
function numberOf(token: string, bigints: ExactIntegers): number | bigint {
  const value = Number(token);
  if (Number.isSafeInteger(value) || !INTEGER.test(token)) return value;
  // A double this large is an integer; its exact digits are those of the bigint it converts to
  // (at most 309 of them), and a JSON integer token has no leading zeros to tell apart.
  if (bigints === 'inexact' && Number.isFinite(value) && BigInt(value).toString() === token) return value;
  const digits = token.length - (token.startsWith('-') ? 1 : 0);
  if (digits > MAX_INTEGER_DIGITS) {
    throw new RangeError(
      `the JSON holds an integer of ${digits} digits, longer than the ${MAX_INTEGER_DIGITS} read exactly (as a bigint)`,
    );
  }
  return BigInt(token);
}
