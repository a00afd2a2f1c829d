/**
 * @ifmatch/client against a real server holding doubles past 2^53 in an SQLite REAL column
 * (@ifmatch/http over node:http, @ifmatch/sqlite on a real file; rows seeded and checked with
 * plain driver SQL). The server writes such a double with its exact digits (2^60 as
 * `1152921504606846976`, not `JSON.stringify`'s `1152921504606847000`), so the client, which
 * reads an integer outside ±(2^53 − 1) as a bigint, hands the user that double's exact value
 * as a bigint (`1152921504606846976n`), and `update` writes those digits back, which the server
 * reads as the same double: the REAL cell is unchanged. From 1e21 the text has an exponent,
 * and the client reads a number.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@ifmatch/client';
import { createResource } from '@ifmatch/http';
import { nodeListener } from '@ifmatch/http/node';
import { addSystemColumns, createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

interface Measure {
  rate: number | bigint;
  owner: string;
}

const dir = mkdtempSync(join(tmpdir(), 'ifmatch-client-doubles-'));
const db = new Database(join(dir, 'measures.db'));
db.exec('CREATE TABLE measures (id TEXT PRIMARY KEY, rate REAL NOT NULL, owner TEXT NOT NULL)');
addSystemColumns(db, 'measures');
const resource = createResource({ store: createSqliteStore<Measure, string>({ db, table: 'measures' }) });

/** The bodies of the writes the server received, as sent. */
let received: string[] = [];
const server = createServer(
  nodeListener(async (request) => {
    if (request.method !== 'GET') received.push(await request.clone().text());
    return resource.handle(request, decodeURIComponent(new URL(request.url).pathname.slice('/measures/'.length)));
  }),
);
let base: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/measures`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  db.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  received = [];
});

/** The row as the plain driver reads it, with SQLite's type of the rate. */
const row = (key: string) =>
  db.prepare('SELECT rate, typeof(rate) AS type, owner FROM measures WHERE id = ?').get(key) as {
    rate: number;
    type: string;
    owner: string;
  };
let n = 0;

describe('@ifmatch/client reading and writing back a double past 2^53', () => {
  it.each([
    ['2^60', 2 ** 60, 1152921504606846976n],
    ['-(2^60)', -(2 ** 60), -1152921504606846976n],
    ['2^53 + 2', 2 ** 53 + 2, 9007199254740994n],
    ['1e20', 1e20, 100000000000000000000n],
    ['1.5e300 (written with an exponent: a number)', 1.5e300, 1.5e300],
  ])('update of another member keeps %s: the REAL cell holds the same double', async (_, d, read) => {
    const key = `m${++n}`;
    db.prepare("INSERT INTO measures (id, rate, owner) VALUES (?, ?, 'alice')").run(key, d);
    const client = createClient();
    // What the user sees: the double's exact value, a bigint when it is an integer past 2^53.
    expect((await client.get<Measure>(`${base}/${key}`))?.value).toEqual({ rate: read, owner: 'alice' });
    const updated = await client.update<Measure>(`${base}/${key}`, (measure) => ({ ...measure, owner: 'bob' }));
    expect(received).toEqual([`{"rate":${typeof read === 'bigint' ? read : '1.5e+300'},"owner":"bob"}`]);
    expect(row(key)).toEqual({ rate: d, type: 'real', owner: 'bob' });
    expect(updated.value).toEqual({ rate: read, owner: 'bob' });
  });
});

describe("@ifmatch/client with largeIntegers: 'number' writing back a double past 2^53", () => {
  it.each([
    ['2^60', 2 ** 60],
    ['-(2^60)', -(2 ** 60)],
    ['123456789012345680000', 123456789012345680000],
  ])(
    'update of another member keeps %s: its own digits are sent, the REAL cell holds the same double',
    async (_, d) => {
      const key = `m${++n}`;
      db.prepare("INSERT INTO measures (id, rate, owner) VALUES (?, ?, 'alice')").run(key, d);
      const client = createClient({ largeIntegers: 'number' });
      expect((await client.get<Measure>(`${base}/${key}`))?.value).toEqual({ rate: d, owner: 'alice' });
      // JSON.stringify would send the shortest digits padded with zeros (2^60 as
      // 1152921504606847000), which the server reads as that other integer: a 422 on REAL.
      const updated = await client.update<Measure>(`${base}/${key}`, (measure) => ({ ...measure, owner: 'bob' }));
      expect(received).toEqual([`{"rate":${BigInt(d)},"owner":"bob"}`]);
      expect(row(key)).toEqual({ rate: d, type: 'real', owner: 'bob' });
      expect(updated.value).toEqual({ rate: d, owner: 'bob' });
    },
  );
});
