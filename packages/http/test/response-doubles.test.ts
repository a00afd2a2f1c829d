/**
 * Doubles past 2^53 in what the server answers. Every double that large is an integer, and
 * `JSON.stringify` writes its shortest digits padded with zeros (2^60 as `1152921504606847000`):
 * text that is not 2^60, and that the server's exact reading of request bodies (rule
 * `'inexact'`) would take for that other integer, a bigint, were a client to PUT it back
 * unchanged. So a representation writes such a double with its own digits
 * (`1152921504606846976`), which every reader parses to the same double and the server reads
 * as a number: GET, then PUT of the very text, stores the same double. From 1e21 the text has
 * an exponent (`1.5e+300`), a double to every reader already. Checked through a real SQLite file
 * (REAL and JSON columns, read back by plain driver SQL) and the memory store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createMemoryStore, parseJsonExactly } from '@ifmatch/core';
import { createResource, type Resource } from '@ifmatch/http';
import { addSystemColumns, createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { representationText } from '../src/json-representation.js';

/** Each double and the text a representation writes for it (JSON.stringify's where it differs). */
const DOUBLES: [string, number, string][] = [
  ['2^60', 2 ** 60, '1152921504606846976'], // JSON.stringify: 1152921504606847000
  ['2^53 + 2', 2 ** 53 + 2, '9007199254740994'],
  ['-(2^60)', -(2 ** 60), '-1152921504606846976'],
  ['1e20', 1e20, '100000000000000000000'],
  ['1.5e300', 1.5e300, '1.5e+300'],
];

function send(resource: Resource<string>, method: string, key: string, headers: Record<string, string>, body?: string) {
  return resource.handle(
    new Request(`http://localhost/measures/${key}`, {
      method,
      headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body }),
    }),
    key,
  );
}

/** GET `key`, then PUT the very text it answered under its tag: the PUT's answer and that text. */
async function readAndWriteBack(resource: Resource<string>, key: string) {
  const read = await send(resource, 'GET', key, {});
  expect(read.status).toBe(200);
  const text = await read.text();
  const etag = read.headers.get('etag') ?? '';
  const put = await send(resource, 'PUT', key, { 'If-Match': etag }, text);
  return { text, etag, put };
}

describe('doubles past 2^53 on a SQLite file (REAL and JSON columns)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ifmatch-http-response-doubles-'));
  const db = new Database(join(dir, 'measures.db'));
  db.exec('CREATE TABLE measures (id TEXT PRIMARY KEY, rate REAL, meta JSON)');
  addSystemColumns(db, 'measures');
  const resource = createResource({
    store: createSqliteStore<Record<string, unknown>, string>({ db, table: 'measures' }),
  });
  /** The row as the plain driver reads it, with SQLite's own type of each cell. */
  const row = (key: string) =>
    db
      .prepare('SELECT rate, typeof(rate) AS rateType, meta, typeof(meta) AS metaType FROM measures WHERE id = ?')
      .get(key) as { rate: number; rateType: string; meta: string; metaType: string };
  let n = 0;
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(DOUBLES)(
    'GET writes %s with its exact digits; PUT of that text stores the same double: 200',
    async (_, d, digits) => {
      const key = `m${++n}`;
      const meta = JSON.stringify({ n: d });
      db.prepare('INSERT INTO measures (id, rate, meta) VALUES (?, ?, ?)').run(key, d, meta);
      const { text, put } = await readAndWriteBack(resource, key);
      expect(text).toBe(`{"rate":${digits},"meta":{"n":${digits}}}`);
      expect(put.status).toBe(200);
      expect(await put.text()).toBe(text);
      // The REAL cell holds the same double, and the JSON cell the same text (JSON.stringify's).
      expect(row(key)).toEqual({ rate: d, rateType: 'real', meta, metaType: 'text' });
      expect((JSON.parse(row(key).meta) as { n: number }).n).toBe(d);
    },
  );
});

describe('doubles past 2^53 on the memory store', () => {
  it.each(['version', 'hash'] as const)(
    'GET → PUT of the same text stores the same double (%s strategy)',
    async (strategy) => {
      const store = createMemoryStore<unknown, string>({ strategy });
      const resource = createResource({ store });
      // Named in sorted order: the memory store keeps its values' members sorted.
      const value = Object.fromEntries(DOUBLES.map(([, d], index) => [`d${index}`, d]));
      const created = await send(resource, 'PUT', 'm', { 'If-None-Match': '*' }, representationText(value));
      expect(created.status).toBe(201);
      const { text, etag, put } = await readAndWriteBack(resource, 'm');
      expect(text).toBe(`{${DOUBLES.map(([, , digits], index) => `"d${index}":${digits}`).join(',')}}`);
      expect(put.status).toBe(200);
      expect((await store.get('m'))?.value).toEqual(value);
      // The hash strategy hashes the stored value, not the text answered: same content, same tag.
      if (strategy === 'hash') expect(put.headers.get('etag')).toBe(etag);
    },
  );

  it('writes a double past 2^53 next to a bigint (the bigint-aware road) with its exact digits too', async () => {
    const text = representationText({ big: 9007199254740993n, d: 2 ** 60, list: [-(2 ** 60), 1.5e300] });
    expect(text).toBe('{"big":9007199254740993,"d":1152921504606846976,"list":[-1152921504606846976,1.5e+300]}');
    expect(parseJsonExactly(text as string, { bigints: 'inexact' })).toEqual({
      big: 9007199254740993n,
      d: 2 ** 60,
      list: [-(2 ** 60), 1.5e300],
    });
  });
});

describe('the text of a double', () => {
  /** A double in the range JSON.stringify pads with zeros (m · 2^k, 2^53 ≤ |m · 2^k| < 1e21). */
  const padded = fc
    .tuple(fc.integer({ min: 2 ** 20, max: 2 ** 31 - 1 }), fc.integer({ min: 33, max: 38 }), fc.boolean())
    .map(([m, k, negative]) => (negative ? -1 : 1) * m * 2 ** k)
    .filter((d) => Math.abs(d) >= 2 ** 53 && Math.abs(d) < 1e21);
  const double = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), padded);

  it('is read back as that double by JSON.parse, and as a number by the server (rule inexact)', () => {
    fc.assert(
      fc.property(double, (d) => {
        const text = representationText(d) as string;
        expect(JSON.parse(text) === d).toBe(true);
        const exact = parseJsonExactly(text, { bigints: 'inexact' });
        expect(typeof exact).toBe('number');
        expect(exact === d).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves everything but such integer tokens as JSON.stringify writes it (digits in strings stay)', () => {
    const value = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.stringMatching(/^-?\d{14,24}$/),
        double,
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(fc.oneof(fc.string(), fc.stringMatching(/^\d{16,20}$/)), tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(
      fc.property(value, (v) => {
        const text = representationText(v) as string;
        const expected = JSON.stringify(v).replace(/(?<=[[:,]|^)-?\d{16,21}(?=[\],}]|$)/g, (token) =>
          BigInt(Number(token)).toString(),
        );
        expect(text).toBe(expected);
        expect(parseJsonExactly(text, { bigints: 'inexact' })).toEqual(JSON.parse(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('costs no pass when no run of 16 digits is there, and changes nothing', () => {
    const value = { n: 2 ** 53 - 1, f: 0.1, s: '123456789012345', e: 1e21 };
    expect(representationText(value)).toBe(JSON.stringify(value));
  });

  it('is written by an iterative pass: as deep as JSON.stringify goes', () => {
    let value: unknown = 2 ** 60;
    for (let depth = 0; depth < 2000; depth++) value = [value];
    expect(representationText(value)).toBe(`${'['.repeat(2000)}1152921504606846976${']'.repeat(2000)}`);
  });
});

/**
 * `JSON` with `rawJSON` (ES2025), and the `BigInt.prototype` its `stringify` consults: this
 * runtime's, or else (Node 20) a fresh realm's, with V8's flag for it, which a new context
 * picks up.
 */
function realmWithRawJson(): { json: JSON & { rawJSON(text: string): unknown }; bigint: { toJSON?: unknown } } {
  if (typeof (JSON as { rawJSON?: unknown }).rawJSON === 'function') {
    return {
      json: JSON as JSON & { rawJSON(text: string): unknown },
      bigint: BigInt.prototype as { toJSON?: unknown },
    };
  }
  setFlagsFromString('--harmony-json-parse-with-source');
  return runInNewContext('({ json: JSON, bigint: BigInt.prototype })');
}

describe('where JSON.rawJSON exists (Node 21 and later)', () => {
  it("keeps the digits of a bigint that MDN's BigInt.prototype.toJSON shim writes as raw JSON", () => {
    const { json, bigint } = realmWithRawJson();
    const global = globalThis as { JSON: JSON };
    const own = global.JSON;
    global.JSON = json;
    bigint.toJSON = function (this: bigint) {
      return json.rawJSON(this.toString());
    };
    let text: string | undefined;
    try {
      text = representationText({
        id: 9007199254740993n,
        round: 1152921504606847000n,
        raw: { toJSON: () => json.rawJSON('12345678901234567890123') },
        double: 2 ** 60,
        wrapped: [Object(2 ** 60), -(2 ** 60), 1e21, 1234567890123456.5],
        s: '1152921504606847000',
      });
    } finally {
      global.JSON = own;
      delete bigint.toJSON;
    }
    expect(text).toBe(
      '{"id":9007199254740993,"round":1152921504606847000,"raw":12345678901234567890123,' +
        '"double":1152921504606846976,"wrapped":[1152921504606846976,-1152921504606846976,1e+21,1234567890123456.5],' +
        '"s":"1152921504606847000"}',
    );
  });
});
