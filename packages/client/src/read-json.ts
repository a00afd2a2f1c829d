/**
 * The value of a response's JSON text. `@ifmatch/http` answers a stored bigint (an SQLite
 * INTEGER, a PostgreSQL `bigint`) with all its digits, as RFC 8259 §6 allows; `JSON.parse`
 * would round such an integer past 2^53, and `update` would then write back an integer nobody
 * wrote. By default this reads every integer token outside ±(2^53 − 1) as a bigint: core's
 * `parseJsonExactly` under its `'unsafe'` rule, so the type of what the client hands back says
 * the range (a number is always safe to compute with). Everything else is what `JSON.parse`
 * gives; the work is bounded as core bounds it (an integer of more than `MAX_INTEGER_DIGITS`
 * digits throws a RangeError).
 */
import { MAX_INTEGER_DIGITS, parseJsonExactly } from '@ifmatch/core';

export { MAX_INTEGER_DIGITS };

/** Reads response JSON; `'bigint'` reads integers outside the safe range as bigints. */
export function readJson(text: string, largeIntegers: 'bigint' | 'number'): unknown {
  if (largeIntegers === 'number') return JSON.parse(text);
  try {
    return parseJsonExactly(text, { bigints: 'unsafe' });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw new RangeError(`${error.message}: the client's largeIntegers: 'number' reads it as JSON.parse does`, {
      cause: error,
    });
  }
}
