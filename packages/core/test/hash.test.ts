import fc from 'fast-check';
import murmur from 'murmurhash3js-revisited';
import { describe, expect, it } from 'vitest';
import { base64url, fromBase64url } from '../src/base64url.js';
import { canonicalJson, jsonCopy, jsonText } from '../src/driver.js';
import { murmur3x86128 } from '../src/hash.js';
import { hashEtag, IfMatchError, importEtagSecret, keyedHashEtag } from '../src/index.js';

describe('murmur3x86128', () => {
  it('equals the reference MurmurHash3_x86_128 for every tail length', () => {
    for (let length = 0; length < 70; length++) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 37 + length * 11 + 200) & 255);
      const ours = murmur3x86128(bytes)
        .map((word) => word.toString(16).padStart(8, '0'))
        .join('');
      expect(ours, `length ${length}`).toBe(murmur.x86.hash128(bytes, 0));
    }
  });
});

describe('hashEtag', () => {
  it('gives golden 22-character base64url tags', () => {
    expect(hashEtag('')).toBe('AAAAAAAAAAAAAAAAAAAAAA');
    expect(hashEtag('hello')).toBe(hashEtag(new TextEncoder().encode('hello')));
    expect(hashEtag('hello')).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('hashes strings as UTF-8', () => {
    expect(hashEtag('é')).toBe(hashEtag(new Uint8Array([0xc3, 0xa9])));
  });

  it('differs for different content, including a long body after a short one', () => {
    const long = 'x'.repeat(1 << 20);
    expect(hashEtag(long)).not.toBe(hashEtag(`${long}y`));
    expect(hashEtag('a')).not.toBe(hashEtag('b'));
  });
});

describe('keyedHashEtag', () => {
  it('depends on the secret and not only on the content', async () => {
    const one = await importEtagSecret('a'.repeat(32));
    const two = await importEtagSecret('b'.repeat(32));
    const tag = await keyedHashEtag('content', one);
    expect(tag).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(await keyedHashEtag('content', one)).toBe(tag);
    expect(await keyedHashEtag('content', two)).not.toBe(tag);
    expect(tag).not.toBe(hashEtag('content'));
  });

  it('refuses a short secret at once', () => {
    expect(() => importEtagSecret('short')).toThrow(TypeError);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 1, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[1,{"x":2,"y":1}]},"b":1}',
    );
  });

  it('follows JSON.stringify for undefined and toJSON', () => {
    expect(canonicalJson({ a: undefined, b: [undefined], c: new Date(0) })).toBe(
      '{"b":[null],"c":"1970-01-01T00:00:00.000Z"}',
    );
  });

  it.each([
    ['a bigint', { n: 1n }],
    ['NaN', { n: Number.NaN }],
    ['undefined', undefined],
  ])('refuses %s with INVALID_VALUE', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(IfMatchError);
    try {
      canonicalJson(value);
    } catch (error) {
      expect((error as IfMatchError).code).toBe('INVALID_VALUE');
    }
  });

  it('refuses cycles but accepts a shared subtree', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: shared })).toBe('{"a":{"x":1},"b":{"x":1}}');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
  });
});

describe('jsonText', () => {
  it("keeps the value's key order and reads back as JSON.stringify writes it", () => {
    const value = { b: 1, a: { d: [1, null, undefined], c: 'null and void' }, e: new Date(0) };
    expect(jsonText(value)).toBe(JSON.stringify(value));
  });

  it.each([
    ['a bigint', { n: [1n] }],
    ['NaN', { a: { n: Number.NaN } }],
    ['Infinity in an array', [1, Number.POSITIVE_INFINITY]],
    ['-Infinity from toJSON', { toJSON: () => ({ n: Number.NEGATIVE_INFINITY }) }],
    ['undefined', undefined],
    ['a function', () => 1],
  ])('refuses %s with INVALID_VALUE, as canonicalJson does', (_name, value) => {
    expect(() => jsonText(value)).toThrow(expect.objectContaining({ code: 'INVALID_VALUE' }));
  });

  it('refuses a bigint even with a BigInt.prototype.toJSON shim installed', () => {
    const prototype = BigInt.prototype as { toJSON?: () => string };
    prototype.toJSON = function (this: bigint) {
      return this.toString();
    };
    try {
      expect(() => jsonText({ n: 1n })).toThrow(expect.objectContaining({ code: 'INVALID_VALUE' }));
    } finally {
      delete prototype.toJSON;
    }
  });

  it('refuses a cycle with INVALID_VALUE', () => {
    const cyclic: Record<string, unknown> = { list: [] };
    (cyclic.list as unknown[]).push(cyclic);
    expect(() => jsonText(cyclic)).toThrow(expect.objectContaining({ code: 'INVALID_VALUE' }));
  });
});

describe('jsonCopy', () => {
  /** What a value reads back as from a JSON column: the reference jsonCopy must equal. */
  const readBack = (value: unknown) => JSON.parse(jsonText(value)) as unknown;

  it('copies plain JSON data exactly as it reads back, never sharing an object with it', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copied = jsonCopy(value);
        if (Object.is(copied, undefined)) {
          // Only -0 or an own __proto__ member anywhere in it makes JSON data not plain.
          const text = JSON.stringify(value, (_k, v) => (Object.is(v, -0) ? '-0' : v));
          expect(text.includes('"-0"') || text.includes('"__proto__":')).toBe(true);
          return;
        }
        expect(copied).toStrictEqual(readBack(value));
        if (typeof value === 'object' && value !== null) expect(copied).not.toBe(value);
      }),
      { numRuns: 500 },
    );
  });

  it('never disagrees with the text road, whatever the value', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBigInt: true, withDate: true, withNullPrototype: true, withSparseArray: true }),
        (value) => {
          const copied = jsonCopy(value);
          if (copied !== undefined) expect(copied).toStrictEqual(readBack(value));
        },
      ),
      { numRuns: 500 },
    );
  });

  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  it.each([
    ['an undefined member', { a: undefined }],
    ['undefined in an array', [1, undefined]],
    // biome-ignore lint/suspicious/noSparseArray: the hole is the case
    ['a hole in an array', [1, , 3]],
    ['-0', { n: -0 }],
    ['NaN', [Number.NaN]],
    ['a bigint', { n: 1n }],
    ['a date', { at: new Date(0) }],
    ['a toJSON member', { toJSON: () => 1 }],
    ['an array with its own toJSON', { tags: Object.assign(['a', 'b'], { toJSON: () => 'a,b' }) }],
    ['an own __proto__ member', JSON.parse('{"__proto__": {"admin": true}}')],
    ['an object without a prototype', Object.create(null)],
    [
      'a class instance',
      new (class Point {
        x = 1;
      })(),
    ],
    ['bytes', { b: new Uint8Array(2) }],
    ['a cycle', cyclic],
    ['nesting deeper than 256', JSON.parse(`${'['.repeat(300)}${']'.repeat(300)}`)],
  ])('is undefined for %s (the text road decides)', (_name, value) => {
    expect(jsonCopy(value)).toBeUndefined();
  });

  it('is undefined for an array when a polyfill put toJSON on Array.prototype', () => {
    const prototype = Array.prototype as { toJSON?: () => string };
    prototype.toJSON = function (this: unknown[]) {
      return this.join(',');
    };
    try {
      expect(jsonCopy({ tags: ['a', 'b'] })).toBeUndefined();
    } finally {
      delete prototype.toJSON;
    }
  });

  it('copies what it can to the depth bound, member order kept', () => {
    const value = { b: [1, 'two', true, null, { c: 2.5 }], a: { 10: 'ten', 2: 'two' } };
    const copied = jsonCopy(value) as typeof value;
    expect(copied).toStrictEqual(value);
    expect(Object.keys(copied)).toEqual(['b', 'a']);
    expect(copied.b).not.toBe(value.b);
    expect(jsonCopy(JSON.parse(`${'['.repeat(256)}${']'.repeat(256)}`))).toBeDefined();
  });
});

describe('base64url', () => {
  it('agrees with Node for every length around its chunk size, and round-trips', () => {
    // The text is built in chunks of 4096 characters (3072 bytes): cross both boundaries.
    for (const length of [0, 1, 2, 3, 16, 3071, 3072, 3073, 6144, 6145, 100_000]) {
      const bytes = new Uint8Array(length).map((_, i) => (i * 131 + 7) & 0xff);
      const text = base64url(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64url'));
      expect(fromBase64url(text)).toEqual(bytes);
    }
  });
});
