import { createClient } from '@ifmatch/client';
import { describe, expect, it } from 'vitest';
import { servedTable } from './served-table.js';

interface Measure {
  rate: number | bigint;
  owner: string;
}

const served = servedTable<Measure>('measures', 'id TEXT PRIMARY KEY, rate REAL NOT NULL, owner TEXT NOT NULL');
const { db } = served;

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
    expect((await client.get<Measure>(`${served.base}/${key}`))?.value).toEqual({ rate: read, owner: 'alice' });
    const updated = await client.update<Measure>(`${served.base}/${key}`, (measure) => ({ ...measure, owner: 'bob' }));
    expect(served.received.map((write) => write.body)).toEqual([
      `{"rate":${typeof read === 'bigint' ? read : '1.5e+300'},"owner":"bob"}`,
    ]);
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
      expect((await client.get<Measure>(`${served.base}/${key}`))?.value).toEqual({ rate: d, owner: 'alice' });
      // JSON.stringify would send the shortest digits padded with zeros (2^60 as
      // 1152921504606847000), which the server reads as that other integer: a 422 on REAL.
      const updated = await client.update<Measure>(`${served.base}/${key}`, (measure) => ({
        ...measure,
        owner: 'bob',
      }));
      expect(served.received.map((write) => write.body)).toEqual([`{"rate":${BigInt(d)},"owner":"bob"}`]);
      expect(row(key)).toEqual({ rate: d, type: 'real', owner: 'bob' });
      expect(updated.value).toEqual({ rate: d, owner: 'bob' });
    },
  );
});
