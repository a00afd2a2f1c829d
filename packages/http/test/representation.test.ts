/**
 * The JSON representation of a stored value (json-representation.ts): exactly what
 * `JSON.stringify` writes, and what `JSON.parse` makes of it, except that a bigint is a JSON
 * number with all its digits in the text and stays a bigint in the document a patch applies to,
 * and a double from 2^53 to 1e21 is written with its exact digits.
 */
import { describe, expect, it } from 'vitest';
import { jsonRepresentation, representationText } from '../src/json-representation.js';

const BIG = 9007199254740993n;

describe('the JSON representation of a stored value', () => {
  // 2^64 with its own digits: JSON.stringify's 18446744073709552000 is another integer
  // (response-doubles.test.ts).
  it('is what JSON.stringify writes, with a bigint as its digits', () => {
    const value = {
      at: new Date('2025-03-04T05:06:07.089Z'),
      gone: undefined,
      big: -BIG,
      list: [1n, undefined, () => 0, Number.NaN, -0],
      nested: { __proto__: null, n: 2 ** 64 },
      wrapped: Object(BIG) as unknown,
    };
    expect(representationText(value)).toBe(
      '{"at":"2025-03-04T05:06:07.089Z","big":-9007199254740993,"list":[1,null,null,null,0],"nested":{"n":18446744073709551616},"wrapped":9007199254740993}',
    );
    const document = jsonRepresentation(value);
    expect(document).toEqual({
      at: '2025-03-04T05:06:07.089Z',
      big: -BIG,
      list: [1n, null, null, null, 0],
      nested: { n: 2 ** 64 },
      wrapped: BIG,
    });
    expect(Object.getPrototypeOf((document as { nested: object }).nested)).toBe(Object.prototype);
    expect(Object.is((document as { list: unknown[] }).list[4], 0)).toBe(true);
  });

  // Next to a bigint, every other value takes the bigint-aware road: it must write what
  // JSON.stringify writes, and make what JSON.parse makes of that.
  const others: [string, unknown][] = [
    ['a toJSON given its key', { at: { toJSON: (key: string) => `key ${key}` }, list: [{ toJSON: String }] }],
    ['wrapper objects', [Object(1.5), Object('s'), Object(false)]],
    ['bytes (a Buffer has a toJSON, a Uint8Array has not)', [Buffer.from('hi'), new Uint8Array([1, 2])]],
    ['a sparse array and undefined elements', Object.assign(new Array(4), { 0: 1, 2: undefined, 3: 3 })],
    ['integer-like member names, which come first', { b: 1, 2: 'two', a: 2, 1: 'one' }],
    ['strings to escape', ['"\\\n\u2028', '\ud800 lone', 'é ☃ 😀', '\u0000']],
    ['numbers', [0.1, 1e21, -1e-7, 5e-324, Number.MAX_VALUE, Number.POSITIVE_INFINITY]],
    ['what JSON has no place for', { f() {}, s: Symbol('s'), [Symbol('k')]: 1, m: new Map([[1, 2]]) }],
    [
      'a getter and a non-enumerable member',
      Object.defineProperty(
        {
          get g() {
            return 'got';
          },
        },
        'hidden',
        { value: 1 },
      ),
    ],
    ['a shared (not cyclic) object', ((shared) => ({ a: shared, b: [shared] }))({ n: 1 })],
    ['null', null],
  ];
  for (const [name, other] of others) {
    it(`writes ${name} as JSON.stringify does`, () => {
      const text = JSON.stringify(other);
      expect(representationText({ big: 1n, other })).toBe(`{"big":1,"other":${text}}`);
      expect(jsonRepresentation({ big: 1n, other })).toEqual({ big: 1n, other: JSON.parse(text) });
    });
  }

  it('keeps a member named __proto__ as a member, as JSON.parse does', () => {
    const value = JSON.parse('{"__proto__":{"admin":true}}') as Record<string, unknown>;
    value.big = BIG;
    const document = jsonRepresentation(value) as Record<string, unknown>;
    expect(Object.hasOwn(document, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(document)).toBe(Object.prototype);
    expect(representationText(value)).toBe('{"__proto__":{"admin":true},"big":9007199254740993}');
  });

  it('still refuses a cycle with a TypeError, as JSON.stringify does', () => {
    const value: Record<string, unknown> = { big: BIG };
    value.self = value;
    expect(() => representationText(value)).toThrow(/circular/);
    expect(() => jsonRepresentation(value)).toThrow(/circular/);
  });

  it('passes on what a toJSON throws, as JSON.stringify does', () => {
    const failure = new RangeError('no');
    const value = {
      big: BIG,
      bad: {
        toJSON: () => {
          throw failure;
        },
      },
    };
    expect(() => representationText(value)).toThrow(failure);
    expect(() => jsonRepresentation(value)).toThrow(failure);
  });
});
