import murmur from 'murmurhash3js-revisited';
import { describe, expect, it } from 'vitest';
import { base64url, fromBase64url } from '../src/base64url.js';
import { canonicalJson, jsonText } from '../src/driver.js';
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
