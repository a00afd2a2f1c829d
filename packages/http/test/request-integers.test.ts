/**
 * Integers in request bodies are read exactly: one a double cannot hold (2^53 + 1, a
 * PostgreSQL int8 or an SQLite INTEGER a client read) arrives at the store as a bigint, where
 * `JSON.parse` would have rounded it; every other number is `JSON.parse`'s. Checked through a
 * real SQLite file, every row read back by plain driver SQL with integers as bigints, so no
 * check rounds; a store that cannot hold the integer refuses it with 422, never a 500 and
 * never a rounded write. Hostile bodies (a megabyte of digits, nesting 100,000 deep) are
 * answered at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, MAX_INTEGER_DIGITS } from '@ifmatch/core';
import { createResource, isHttpProblem, type Resource } from '@ifmatch/http';
import { addSystemColumns, createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJson } from '../src/json.js';

/** 2^53 + 1: the first integer a double cannot hold (`JSON.parse` reads it 9007199254740992). */
const BIG = 9007199254740993n;
/** The int8 (SQLite INTEGER, PostgreSQL bigint) bounds. */
const INT8_MAX = 2n ** 63n - 1n;
const INT8_MIN = -(2n ** 63n);

/** A write or a read of `key` (or a POST to the collection, without one), the body as its exact text. */
function send(
  resource: Resource<string>,
  method: string,
  key: string | undefined,
  headers: Record<string, string>,
  body?: string,
) {
  const url = `http://localhost/accounts${key === undefined ? '' : `/${key}`}`;
  const type = body === undefined ? {} : { 'Content-Type': 'application/json' };
  const request = new Request(url, {
    method,
    headers: { ...type, ...headers },
    ...(body === undefined ? {} : { body }),
  });
  return key === undefined ? resource.create(request) : resource.handle(request, key);
}

describe('request integers on a SQLite file (INTEGER, REAL and JSON columns)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ifmatch-http-request-integers-'));
  const db = new Database(join(dir, 'accounts.db'));
  db.exec('CREATE TABLE accounts (id TEXT PRIMARY KEY, balance INTEGER, rate REAL, meta JSON, owner TEXT)');
  addSystemColumns(db, 'accounts');
  let n = 0;
  const resource = createResource({
    store: createSqliteStore<Record<string, unknown>, string>({ db, table: 'accounts' }),
    newKey: () => `posted${++n}`,
  });
  /** The row as the plain driver reads it, integers as bigints so nothing rounds. */
  const row = (key: string) =>
    db.prepare('SELECT balance, rate, meta, owner FROM accounts WHERE id = ?').safeIntegers().get(key);
  const seeded = (balance: bigint) => {
    const key = `a${++n}`;
    db.prepare("INSERT INTO accounts (id, balance, owner) VALUES (?, ?, 'alice')").run(key, balance);
    return key;
  };
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['2^53 + 1', BIG],
    ['-(2^53 + 1)', -BIG],
    ['the int8 maximum', INT8_MAX],
    // -2^63 itself is a double exactly, so it stays a number (which SQLite stores as REAL).
    ['the int8 minimum + 1', INT8_MIN + 1n],
  ])('PUT stores %s exactly, and answers it with the same digits', async (_, balance) => {
    const key = `put${++n}`;
    const body = `{"balance":${balance},"owner":"alice"}`;
    const created = await send(resource, 'PUT', key, { 'If-None-Match': '*' }, body);
    expect(created.status).toBe(201);
    expect(await created.text()).toBe(`{"balance":${balance},"rate":null,"meta":null,"owner":"alice"}`);
    expect(row(key)).toEqual({ balance, rate: null, meta: null, owner: 'alice' });
  });

  it('POST on the collection stores 2^53 + 1 exactly', async () => {
    const created = await send(resource, 'POST', undefined, {}, `{"balance":${BIG},"owner":"bob"}`);
    expect(created.status).toBe(201);
    const key = created.headers.get('location')?.split('/').at(-1) ?? '';
    expect(row(key)).toMatchObject({ balance: BIG, owner: 'bob' });
  });

  it('GET, then PUT of the very text it answered, changes nothing: every digit survives the round trip', async () => {
    const key = seeded(BIG);
    const read = await send(resource, 'GET', key, {});
    const text = await read.text();
    expect(text).toContain('"balance":9007199254740993');
    const put = await send(resource, 'PUT', key, { 'If-Match': read.headers.get('etag') ?? '' }, text);
    expect(put.status).toBe(200);
    expect(row(key)).toEqual({ balance: BIG, rate: null, meta: null, owner: 'alice' });
    expect(await (await send(resource, 'GET', key, {})).text()).toBe(text);
  });

  it('a JSON Patch tests the stored integer with its digits, and replaces it exactly', async () => {
    const key = seeded(BIG);
    const etag = (await send(resource, 'GET', key, {})).headers.get('etag') ?? '';
    const patch = `[{"op":"test","path":"/balance","value":${BIG}},{"op":"replace","path":"/balance","value":${BIG + 2n}}]`;
    const request = new Request(`http://localhost/accounts/${key}`, {
      method: 'PATCH',
      headers: { 'If-Match': etag, 'Content-Type': 'application/json-patch+json' },
      body: patch,
    });
    expect((await resource.handle(request, key)).status).toBe(200);
    expect(row(key)).toMatchObject({ balance: BIG + 2n });
  });

  it.each([
    ['in a REAL column (a double there would lose digits)', `{"rate":${BIG}}`],
    ['in a JSON column (its text would read back rounded)', `{"meta":{"n":${BIG}}}`],
    // 2^63 itself is a double exactly: a number, which SQLite stores as REAL. One more is not.
    ['past the int8 range, in an INTEGER column', `{"balance":${INT8_MAX + 2n}}`],
  ])('a store that cannot hold the integer refuses it: 422 INVALID_VALUE, the row untouched — %s', async (_, body) => {
    const key = seeded(5n);
    const etag = (await send(resource, 'GET', key, {})).headers.get('etag') ?? '';
    const response = await send(resource, 'PUT', key, { 'If-Match': etag }, body);
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'INVALID_VALUE' });
    expect(row(key)).toEqual({ balance: 5n, rate: null, meta: null, owner: 'alice' });
  });
});

describe('request integers on the memory store (values kept as JSON)', () => {
  const resource = createResource({ store: createMemoryStore<unknown, string>() });

  it('refuses an integer a double cannot hold with 422 INVALID_VALUE, instead of storing it rounded', async () => {
    const response = await send(resource, 'PUT', 'm1', { 'If-None-Match': '*' }, `{"balance":${BIG}}`);
    expect(response.status).toBe(422);
    expect(await response.json()).toMatchObject({ code: 'INVALID_VALUE' });
    expect((await send(resource, 'GET', 'm1', {})).status).toBe(404);
  });

  it.each([
    ['1e400', '{"n":1e400}'],
    ['-1E+309', '{"n":[1,-1E+309]}'],
    ['a fraction of 400 digits', `{"n":${'1'.repeat(400)}.5}`],
  ])(
    'refuses %s (JSON.parse reads Infinity, which JSON cannot carry) with 400, writing nothing',
    async (_what, body) => {
      const response = await send(resource, 'PUT', 'inf', { 'If-None-Match': '*' }, body);
      expect(response.status).toBe(400);
      expect((await response.json()).detail).toContain('a number no double can hold');
      expect((await send(resource, 'GET', 'inf', {})).status).toBe(404);
    },
  );

  it('takes the largest and smallest doubles, and one that underflows to 0 (1e-400), as JSON.parse reads them', async () => {
    const body = '{"max":1.7976931348623157e308,"min":5e-324,"under":1e-400}';
    expect((await send(resource, 'PUT', 'edge', { 'If-None-Match': '*' }, body)).status).toBe(201);
    expect(await (await send(resource, 'GET', 'edge', {})).json()).toEqual({
      max: Number.MAX_VALUE,
      min: 5e-324,
      under: 0,
    });
  });

  it('stores an integer past 2^53 that a double holds exactly as that number (100000000000000000000, 2^53)', async () => {
    const body = '{"a":100000000000000000000,"b":9007199254740992,"c":-9007199254740994}';
    expect((await send(resource, 'PUT', 'm2', { 'If-None-Match': '*' }, body)).status).toBe(201);
    expect(await (await send(resource, 'GET', 'm2', {})).text()).toBe(body);
  });
});

describe('parseJson reads integers exactly', () => {
  it('reads an integer token as a bigint exactly when its double is another integer', () => {
    expect(
      parseJson('[9007199254740993,9007199254740992,9007199254740991,-9007199254740993,100000000000000000001]'),
    ).toEqual([BIG, 9007199254740992, 9007199254740991, -BIG, 100000000000000000001n]);
    expect(typeof (parseJson('[100000000000000000000]') as unknown[])[0]).toBe('number');
  });

  it("reads a fraction or an exponent as JSON.parse's double, whatever its digits", () => {
    const text = '[9007199254740993.0,9007199254740993e0,1e308,-0,12345678901234567890.5,1e-400]';
    expect(parseJson(text)).toEqual(JSON.parse(text));
  });

  it('builds objects as JSON.parse does when it reads exactly: __proto__ is data, the prototype intact', () => {
    const value = parseJson('{"__proto__":{"admin":true},"n":9007199254740993}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'n']);
    expect(value.n).toBe(BIG);
    expect(({} as { admin?: unknown }).admin).toBeUndefined();
  });

  it('keeps refusing a repeated name (400) and deep nesting (422) in a text it reads exactly', () => {
    const status = (text: string) => {
      try {
        parseJson(text);
      } catch (error) {
        return isHttpProblem(error) ? error.problem.status : 'not a problem';
      }
    };
    expect(status('{"a":9007199254740993,"a":1}')).toBe(400);
    expect(status(`${'['.repeat(65)}9007199254740993${']'.repeat(65)}`)).toBe(422);
    expect(status('{"n":9007199254740993')).toBe(400);
  });

  it('is JSON.parse for any JSON text without an integer a double cannot hold', () => {
    // A double past 2^53 that is a double exactly (m · 2^k), written with its exact digits:
    // JSON.stringify would write 2^60 as 1152921504606847000, an integer a double cannot hold,
    // so it is spliced into the text in place of a marker string.
    const exactDouble = fc
      .tuple(fc.bigInt({ min: -(2n ** 20n), max: 2n ** 20n }), fc.integer({ min: 53, max: 70 }))
      .map(([m, k]) => `\u0000${m * 2n ** BigInt(k)}`);
    const written = (d: number) => Math.abs(d) < 2 ** 53 || Math.abs(d) >= 1e21 || BigInt(d).toString() === String(d);
    const value = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        fc.constant(null),
        fc.boolean(),
        fc.string(),
        fc.stringMatching(/^-?\d{16,40}$/), // digits in a string: the exact pass runs, and they stay a string
        fc.double({ noNaN: true, noDefaultInfinity: true }).filter(written),
        fc.maxSafeInteger(),
        exactDouble,
        fc.array(tie('value'), { maxLength: 5 }),
        fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'a"b', '\\')), tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(
      fc.property(value, fc.constantFrom(undefined, 1, '\t'), (v, space) => {
        const text = JSON.stringify(v, null, space).replace(/"\\u0000(-?\d+)"/g, '$1');
        expect(parseJson(text, 1000)).toEqual(JSON.parse(text));
      }),
      { numRuns: 500 },
    );
  });
});

describe('hostile bodies are answered at once', () => {
  const resource = createResource({ store: createMemoryStore<unknown, string>() });
  const put = (body: string) => send(resource, 'PUT', 'h', { 'If-None-Match': '*' }, body);
  /** The status and the milliseconds taken. */
  const timed = async (body: string) => {
    const started = performance.now();
    const response = await put(body);
    return { status: response.status, ms: performance.now() - started, detail: (await response.json()).detail };
  };

  it('refuses a run of 1,000,000 digits with 400, not a superlinear bigint conversion', async () => {
    const answer = await timed(`{"n":${'9'.repeat(1_000_000)}}`);
    expect(answer.status).toBe(400);
    expect(answer.detail).toContain(`longer than the ${MAX_INTEGER_DIGITS}`);
    // Generous for a slow machine: the work is linear (milliseconds here).
    expect(answer.ms).toBeLessThan(2_000);
  });

  it(`reads an integer of ${MAX_INTEGER_DIGITS} digits (the store then refuses it, 422) and refuses one digit more (400)`, async () => {
    expect((await timed(`{"n":${'9'.repeat(MAX_INTEGER_DIGITS)}}`)).status).toBe(422);
    expect((await timed(`{"n":${'9'.repeat(MAX_INTEGER_DIGITS + 1)}}`)).status).toBe(400);
    // A fraction is read as a double however long: Infinity here, which no double holds (400).
    const fraction = await timed(`{"n":${'9'.repeat(MAX_INTEGER_DIGITS + 1)}.5}`);
    expect(fraction.status).toBe(400);
    expect(fraction.detail).toContain('a number no double can hold: 9999');
    expect(fraction.detail.length).toBeLessThan(200);
  });

  it('reads a megabyte of the longest integers it accepts in bounded time', async () => {
    const one = '9'.repeat(MAX_INTEGER_DIGITS);
    const text = `[${Array.from({ length: 240 }, () => one).join(',')}]`;
    const started = performance.now();
    expect((parseJson(text) as bigint[])[239]).toBe(BigInt(one));
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('refuses nesting 100,000 deep around an integer past 2^53 with 422, without overflowing the stack', async () => {
    const answer = await timed(`${'['.repeat(100_000)}9007199254740993${']'.repeat(100_000)}`);
    expect(answer.status).toBe(422);
    expect(answer.ms).toBeLessThan(2_000);
    const objects = await timed(`${'{"a":'.repeat(100_000)}9007199254740993${'}'.repeat(100_000)}`);
    expect(objects.status).toBe(422);
  });

  it('reads text nested 100,000 deep exactly when the depth is allowed (an iterative pass)', () => {
    const value = parseJson(`${'['.repeat(100_000)}9007199254740993${']'.repeat(100_000)}`, 100_000);
    let depth = 0;
    let leaf: unknown = value;
    for (; Array.isArray(leaf); depth++) leaf = leaf[0];
    expect({ depth, leaf }).toEqual({ depth: 100_000, leaf: BIG });
  });
});
