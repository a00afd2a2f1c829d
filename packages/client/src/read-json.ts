/**
 * The value of a response's JSON text. `JSON.parse` reads every number as a double, so an
 * integer past 2^53 comes back rounded: `9007199254740993` reads as 9007199254740992, and a
 * value read, changed and written back would store the rounded integer, a change nobody made.
 * `@ifmatch/http` answers a stored bigint (an SQLite INTEGER, a PostgreSQL `bigint`) with all
 * its digits, as RFC 8259 §6 allows; by default this reads such an integer back as a bigint.
 *
 * Only an integer token (digits, an optional minus: no fraction, no exponent) outside the safe
 * range (±(2^53 − 1)) becomes a bigint; every other value is exactly what `JSON.parse` gives.
 * The cost is bounded: `JSON.parse` validates the text first (what is not JSON throws its
 * SyntaxError, as before); text with no run of 16 digits (the fewest an unsafe integer has) is
 * its result as it is; otherwise one more left-to-right pass with an explicit stack builds the
 * value, linear in the text. Converting digits to a bigint costs more than linear in their
 * number, so an integer is read as a bigint up to `MAX_INTEGER_DIGITS` digits: a longer one
 * throws a RangeError rather than take a hostile body's time.
 */

/**
 * The longest integer read as a bigint, in digits: CPython's default limit on converting
 * between decimal text and integers (`sys.int_info.default_max_str_digits`), set for the same
 * reason (CVE-2020-10735). A PostgreSQL or SQLite integer has at most 19.
 */
export const MAX_INTEGER_DIGITS = 4300;

/** Every unsafe integer has at least 16 digits (2^53 = 9007199254740992). */
const SIXTEEN_DIGITS = /\d{16}/;
const INTEGER = /^-?\d+$/;

/** Reads response JSON; `'bigint'` reads integers outside the safe range as bigints. */
export function readJson(text: string, largeIntegers: 'bigint' | 'number'): unknown {
  const value: unknown = JSON.parse(text);
  if (largeIntegers === 'number' || !SIXTEEN_DIGITS.test(text)) return value;
  return readExactly(text);
}

/** An object or array being read; `name` is the member the next value belongs to. */
interface Open {
  readonly target: unknown[] | Record<string, unknown>;
  name: string | undefined;
}

/**
 * The value of `text`, which `JSON.parse` accepted, so only tokens are told apart here: no
 * error can remain to find. Objects are built as `JSON.parse` builds them: members defined,
 * never assigned (a member named `__proto__` stays data), a repeated name keeping the last value
 * at the place of the first.
 */
function readExactly(text: string): unknown {
  const stack: Open[] = [];
  let root: unknown;
  const place = (value: unknown): void => {
    const top = stack.at(-1);
    if (top === undefined) root = value;
    else if (Array.isArray(top.target)) top.target.push(value);
    else {
      Object.defineProperty(top.target, top.name as string, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
      top.name = undefined;
    }
  };
  for (let at = 0; at < text.length; ) {
    const code = text.charCodeAt(at);
    if (code === 0x22 /* " */) {
      let end = at + 1;
      let escaped = false;
      for (; text.charCodeAt(end) !== 0x22; end++) {
        if (text.charCodeAt(end) === 0x5c /* \ */) {
          escaped = true;
          end++;
        }
      }
      const string = escaped ? (JSON.parse(text.slice(at, end + 1)) as string) : text.slice(at + 1, end);
      const top = stack.at(-1);
      // In an object, a string with no name pending is the next member's name.
      if (top !== undefined && !Array.isArray(top.target) && top.name === undefined) top.name = string;
      else place(string);
      at = end + 1;
    } else if (code === 0x7b /* { */ || code === 0x5b /* [ */) {
      const target = code === 0x7b ? {} : [];
      place(target);
      stack.push({ target, name: undefined });
      at++;
    } else if (code === 0x7d /* } */ || code === 0x5d /* ] */) {
      stack.pop();
      at++;
    } else if (code === 0x2d /* - */ || (code >= 0x30 && code <= 0x39)) {
      let end = at + 1;
      while (end < text.length && isNumberPart(text.charCodeAt(end))) end++;
      place(numberOf(text.slice(at, end)));
      at = end;
    } else if (code === 0x74 /* t */) {
      place(true);
      at += 4;
    } else if (code === 0x66 /* f */) {
      place(false);
      at += 5;
    } else if (code === 0x6e /* n */) {
      place(null);
      at += 4;
    } else {
      at++; // whitespace, ':' and ','
    }
  }
  return root;
}

/** Digits, sign, decimal point, exponent. */
function isNumberPart(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || code === 0x2d || code === 0x2b || code === 0x2e || code === 0x65 || code === 0x45
  );
}

/** A number token's value: a bigint for an integer outside the safe range, else what `JSON.parse` reads. */
function numberOf(token: string): number | bigint {
  const value = Number(token);
  if (Number.isSafeInteger(value) || !INTEGER.test(token)) return value;
  const digits = token.length - (token.startsWith('-') ? 1 : 0);
  if (digits > MAX_INTEGER_DIGITS) {
    throw new RangeError(
      `the response holds an integer of ${digits} digits, longer than the ${MAX_INTEGER_DIGITS} ` +
        "read as a bigint (the client's largeIntegers: 'number' reads it as JSON.parse does)",
    );
  }
  return BigInt(token);
}
