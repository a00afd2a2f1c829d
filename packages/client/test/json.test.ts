/**
 * The client's JSON, both ways: what it writes is `JSON.stringify`'s text but for bigints
 * (their digits) and refusals (what JSON cannot carry); what it reads is `JSON.parse`'s value
 * but for integers outside the safe range (bigints). Both walks are iterative and linear.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { isIfMatchError, parseJsonExactly } from '@ifmatch/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_INTEGER_DIGITS, readJson } from '../src/read-json.js';
import { writeJson } from '../src/write-json.js';

/** `leaf` nested `depth` arrays deep: far past what a recursive walk survives. */
function nested(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** How many arrays deep `value`'s first item is, and that item (a loop: `toEqual` would recurse). */
function unnest(value: unknown): { depth: number; leaf: unknown } {
  let depth = 0;
  for (; Array.isArray(value) && value.length === 1; depth++) value = value[0];
  return { depth, leaf: value };
}

/** JSON values whose every number reads back as itself: no -0, no double past 2^53 (those read as bigints), bigints past it. */
const exact = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.string(),
    fc.stringMatching(/^-?\d{16,20}$/), // digits in a string stay a string
    fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0) && Math.abs(d) < 2 ** 53),
    fc.maxSafeInteger(),
    fc.oneof(fc.bigInt({ min: 2n ** 53n }), fc.bigInt({ max: -(2n ** 53n) })),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', '', 'a"b')), tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('writeJson', () => {
  it('writes what JSON.stringify writes for any value without a bigint, but doubles from 2^53 to 1e21 exactly', () => {
    // JSON.stringify pads such a double's shortest digits with zeros: the same double back to
    // JSON.parse, another integer to the server's exact reader.
    const padded = (value: unknown): boolean =>
      typeof value === 'number'
        ? Math.abs(value) >= 2 ** 53 && Math.abs(value) < 1e21
        : typeof value === 'object' && value !== null && Object.values(value).some(padded);
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = writeJson(value);
        expect(JSON.parse(text as string)).toEqual(JSON.parse(JSON.stringify(value)));
        if (!padded(value)) expect(text).toBe(JSON.stringify(value));
        else expect(parseJsonExactly(text as string, { bigints: 'inexact' })).toEqual(JSON.parse(text as string));
      }),
    );
  });

  it('writes a double from 2^53 up to 1e21 with its own digits, so an exact reader gets the same double', () => {
    for (const double of [2 ** 60, -(2 ** 60), 2 ** 53 + 2, 1e20, 123456789012345680000]) {
      const text = writeJson({ n: double }) as string;
      expect(text).toBe(`{"n":${BigInt(double)}}`);
      expect(parseJsonExactly(text, { bigints: 'inexact' })).toEqual({ n: double });
    }
    expect(writeJson(1e21)).toBe('1e+21');
    expect(writeJson(2 ** 53 - 1)).toBe('9007199254740991');
  });

  it('writes a bigint as its digits, a JSON number, wherever it is', () => {
    expect(writeJson(9007199254740993n)).toBe('9007199254740993');
    expect(writeJson({ a: [-9007199254740993n, Object(2n)] })).toBe('{"a":[-9007199254740993,2]}');
  });

  it('writes a bigint as its digits even under a BigInt.prototype.toJSON shim (never quoted)', () => {
    const prototype = BigInt.prototype as { toJSON?: () => string };
    prototype.toJSON = function (this: bigint) {
      return this.toString();
    };
    try {
      expect(JSON.stringify({ n: 1n })).toBe('{"n":"1"}');
      expect(writeJson({ n: 1n, w: Object(2n) })).toBe('{"n":1,"w":2}');
    } finally {
      delete prototype.toJSON;
    }
  });

  it("follows JSON.stringify's steps: toJSON(key), wrappers unwrapped, undefined members absent, undefined items null", () => {
    const value = {
      at: new Date('2025-03-04T05:06:07.089Z'),
      keyed: { toJSON: (key: string) => `key ${key}` },
      wrapped: [Object(1), Object('s'), Object(false)],
      absent: undefined,
      // biome-ignore lint/suspicious/noSparseArray: a hole is written null
      items: [undefined, , -0],
      ['__proto__']: { kept: true }, // computed: an own member, not the prototype
    };
    expect(writeJson(value)).toBe(JSON.stringify(value));
    expect(writeJson(value)).toContain('"__proto__":{"kept":true}');
  });

  it('writes an object met twice, not inside itself, twice: only a cycle is refused', () => {
    const shared = { n: 1n };
    expect(writeJson({ a: shared, b: [shared] })).toBe('{"a":{"n":1},"b":[{"n":1}]}');
  });

  it('walks a value nested 100,000 deep without overflowing the stack', () => {
    const text = writeJson(nested(100_000, 1n));
    expect(text).toBe(`${'['.repeat(100_000)}1${']'.repeat(100_000)}`);
  });

  it.each([
    ['a function at the top', () => {}, 'the value is a function'],
    ['a symbol member', { s: Symbol('s') }, 'the member at /s is a symbol'],
    ['a function item', [1, () => {}], 'the member at /1 is a function'],
    ['Infinity', { deep: [{ x: Number.POSITIVE_INFINITY }] }, 'the member at /deep/0/x is Infinity'],
    ['a toJSON returning a function', { t: { toJSON: () => () => {} } }, 'the member at /t is a function'],
    ['a member named with / and ~', { 'a/b~c': Symbol() }, 'the member at /a~1b~0c is a symbol'],
  ])('refuses %s with INVALID_VALUE, naming where it is', (_, value, message) => {
    expect(() => writeJson(value)).toThrow(message);
    expect(() => writeJson(value)).toThrow(expect.toSatisfy((error) => isIfMatchError(error, 'INVALID_VALUE')));
  });

  it('refuses a cycle, naming the member that closes it', () => {
    const list: unknown[] = [];
    const value = { items: [{ list }] };
    list.push(value);
    expect(() => writeJson(value)).toThrow('the member at /items/0/list/0 is one of its own ancestors');
  });
});

describe('readJson', () => {
  it('reads what writeJson writes back as it was, bigints included', () => {
    fc.assert(
      fc.property(exact, (value) => {
        expect(readJson(writeJson(value), 'bigint')).toEqual(value);
      }),
    );
  });

  it("reads what JSON.parse reads for text without an unsafe integer, and always with 'number'", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value, null, 1);
        expect(readJson(text, 'number')).toEqual(JSON.parse(text));
        if (!/\d{16}/.test(text)) expect(readJson(text, 'bigint')).toEqual(JSON.parse(text));
      }),
    );
  });

  it('reads an integer token outside ±(2^53 − 1) as a bigint, and nothing else', () => {
    expect(readJson('[9007199254740991,9007199254740992,-9007199254740993]', 'bigint')).toEqual([
      9007199254740991,
      9007199254740992n,
      -9007199254740993n,
    ]);
    // A fraction or an exponent says the writer meant a double.
    expect(readJson('[9007199254740993.0,9007199254740993e0,1.5e300,-0]', 'bigint')).toEqual(
      JSON.parse('[9007199254740993.0,9007199254740993e0,1.5e300,-0]'),
    );
    expect(readJson('{"card":"12345678901234567","n":12345678901234567}', 'bigint')).toEqual({
      card: '12345678901234567',
      n: 12345678901234567n,
    });
  });

  it('builds objects as JSON.parse does: __proto__ is data, a repeated name keeps the last value at the first place', () => {
    const text = '{"__proto__":{"admin":true},"a":1,"\\u0062":"x\\"y","a":2,"big":12345678901234567890}';
    const value = readJson(text, 'bigint') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(Object.keys(JSON.parse(text)));
    expect(value).toEqual({ ...JSON.parse(text), big: 12345678901234567890n });
    expect(({} as { admin?: boolean }).admin).toBeUndefined();
  });

  it('throws SyntaxError for what is not JSON, as JSON.parse does', () => {
    expect(() => readJson('{"n":12345678901234567890', 'bigint')).toThrow(SyntaxError);
  });

  it('reads text nested 100,000 deep without overflowing the stack', () => {
    const text = `${'['.repeat(100_000)}9007199254740993${']'.repeat(100_000)}`;
    expect(unnest(readJson(text, 'bigint'))).toEqual({ depth: 100_000, leaf: 9007199254740993n });
  });

  it(`reads an integer of ${MAX_INTEGER_DIGITS} digits as a bigint and refuses a longer one (RangeError)`, () => {
    const longest = `-${'9'.repeat(MAX_INTEGER_DIGITS)}`;
    expect(readJson(`[${longest}]`, 'bigint')).toEqual([BigInt(longest)]);
    expect(() => readJson(`[${longest}9]`, 'bigint')).toThrow(RangeError);
    expect(readJson(`[${longest}9]`, 'number')).toEqual([Number.NEGATIVE_INFINITY]);
  });

  it('reads 4 MB of the longest integers it accepts in bounded time (linear, not quadratic)', () => {
    const one = '9'.repeat(MAX_INTEGER_DIGITS);
    const text = `[${Array.from({ length: 1000 }, () => one).join(',')}]`;
    const started = performance.now();
    const value = readJson(text, 'bigint') as bigint[];
    expect(value).toHaveLength(1000);
    expect(value[999]).toBe(BigInt(one));
    // Generous for a slow machine: the work is linear in the text (well under a second here).
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

/** `JSON` with `rawJSON` (ES2025): this runtime's, or else (Node 20) a fresh realm's with V8's flag for it. */
function jsonWithRawJson(): JSON & { rawJSON(text: string): unknown } {
  if (typeof (JSON as { rawJSON?: unknown }).rawJSON === 'function')
    return JSON as JSON & { rawJSON(text: string): unknown };
  setFlagsFromString('--harmony-json-parse-with-source');
  return runInNewContext('JSON');
}

describe('writeJson where JSON.rawJSON exists (Node 21 and later)', () => {
  it('writes raw JSON a toJSON returns as it is, as JSON.stringify does', () => {
    const json = jsonWithRawJson();
    const decimal = (digits: string) => ({ toJSON: () => json.rawJSON(digits) });
    const value = { price: decimal('1.10'), id: decimal('9007199254740993'), items: [decimal('-0.5')] };
    const global = globalThis as { JSON: JSON };
    const own = global.JSON;
    global.JSON = json;
    let text: string;
    let expected: string;
    try {
      text = writeJson(value);
      expected = json.stringify(value);
    } finally {
      global.JSON = own;
    }
    expect(text).toBe('{"price":1.10,"id":9007199254740993,"items":[-0.5]}');
    expect(text).toBe(expected);
  });
});
