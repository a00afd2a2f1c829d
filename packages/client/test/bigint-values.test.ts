import { createClient } from '@ifmatch/client';
import { isIfMatchError } from '@ifmatch/core';
import { describe, expect, it } from 'vitest';
import { servedTable } from './served-table.js';

/** 2^53 + 1: the first integer a double cannot hold (`JSON.parse` reads it 9007199254740992). */
const ODD = 9007199254740993n;
/** 2^53 + 2: past the safe range, yet a double holds it exactly. */
const EVEN = 9007199254740994n;

interface Account {
  balance: bigint;
  owner: string;
}

const served = servedTable<{ balance: number | bigint; owner: string }>(
  'accounts',
  'id TEXT PRIMARY KEY, balance INTEGER NOT NULL, owner TEXT NOT NULL',
);
const { db } = served;

/** The row as the plain driver reads it, integers as bigints so nothing rounds. */
const row = (key: string) =>
  db.prepare('SELECT balance, owner FROM accounts WHERE id = ?').safeIntegers().get(key) as Account | undefined;
let n = 0;
/** A row written by plain SQL, as an application or a migration wrote it before ifmatch did. */
function seeded(balance: bigint): string {
  const key = `a${++n}`;
  db.prepare('INSERT INTO accounts (id, balance, owner) VALUES (?, ?, ?)').run(key, balance, 'alice');
  return key;
}

describe('@ifmatch/client reading integers past 2^53', () => {
  it('get reads a stored 2^53 + 1 as that bigint, not the double JSON.parse rounds it to', async () => {
    const key = seeded(ODD);
    const read = await createClient().get<Account>(`${served.base}/${key}`);
    expect(read?.value).toEqual({ balance: ODD, owner: 'alice' });
    expect(typeof read?.value.balance).toBe('bigint');
  });

  it("with largeIntegers: 'number' it reads what JSON.parse reads", async () => {
    const key = seeded(ODD);
    const read = await createClient({ largeIntegers: 'number' }).get<{ balance: number }>(`${served.base}/${key}`);
    expect(read?.value.balance).toBe(9007199254740992);
  });
});

describe('@ifmatch/client writing integers past 2^53', () => {
  it('put writes a bigint as its digits, a JSON number; get reads it back exactly', async () => {
    const url = `${served.base}/created-${++n}`;
    const client = createClient();
    const created = await client.put<Account>(url, { balance: EVEN, owner: 'alice' }, { create: true });
    expect(created).toMatchObject({ ok: true, status: 201 });
    expect(served.received).toEqual([{ method: 'PUT', body: '{"balance":9007199254740994,"owner":"alice"}' }]);
    expect(row(url.slice(served.base.length + 1))).toEqual({ balance: EVEN, owner: 'alice' });
    // The answer to the PUT, and a fresh read, are the same bigint.
    expect(created.ok && created.representation?.value).toEqual({ balance: EVEN, owner: 'alice' });
    expect((await createClient().get<Account>(url))?.value).toEqual({ balance: EVEN, owner: 'alice' });
  });

  it('update reads the bigint exactly, so a change to it is exact: 2^53 + 1, plus one, is 2^53 + 2', async () => {
    const key = seeded(ODD);
    const updated = await createClient().update<Account>(`${served.base}/${key}`, (account) => ({
      ...account,
      balance: account.balance + 1n,
    }));
    expect(served.received).toEqual([{ method: 'PUT', body: '{"balance":9007199254740994,"owner":"alice"}' }]);
    expect(row(key)).toEqual({ balance: EVEN, owner: 'alice' });
    expect(updated.value).toEqual({ balance: EVEN, owner: 'alice' });
  });

  it('update of another member sends the bigint it did not touch with every digit', async () => {
    const key = seeded(ODD);
    await createClient().update<Account>(`${served.base}/${key}`, (account) => ({ ...account, owner: 'bob' }));
    expect(served.received).toEqual([{ method: 'PUT', body: '{"balance":9007199254740993,"owner":"bob"}' }]);
  });

  it('@ifmatch/http reads that PUT body exactly, so the row keeps the integer a double cannot hold', async () => {
    const key = seeded(ODD);
    const updated = await createClient().update<Account>(`${served.base}/${key}`, (account) => ({
      ...account,
      owner: 'bob',
    }));
    expect(served.received[0]?.body).toBe('{"balance":9007199254740993,"owner":"bob"}');
    expect(row(key)).toEqual({ balance: ODD, owner: 'bob' });
    expect(updated.value).toEqual({ balance: ODD, owner: 'bob' });
  });
});

describe('@ifmatch/client refusing what JSON cannot carry, before sending anything', () => {
  const cycle: Record<string, unknown> = { owner: 'alice' };
  cycle.self = cycle;

  it.each([
    ['a function member', { owner: 'alice', audit: () => {} }, 'the member at /audit is a function'],
    ['a symbol in an array', { tags: ['a', Symbol('b')] }, 'the member at /tags/1 is a symbol'],
    ['NaN', { balance: Number.NaN }, 'the member at /balance is NaN'],
    ['a cycle', cycle, 'the member at /self is one of its own ancestors'],
    ['undefined', undefined, 'the value is undefined'],
  ])('put of a value holding %s rejects with INVALID_VALUE', async (_, value, message) => {
    const url = `${served.base}/refused-${++n}`;
    const write = createClient().put(url, value, { create: true });
    await expect(write).rejects.toSatisfy((error) => isIfMatchError(error, 'INVALID_VALUE'));
    await expect(write).rejects.toThrow(message);
    expect(served.received).toEqual([]);
    expect(row(url.slice(served.base.length + 1))).toBeUndefined();
  });

  it('update whose change returns a cycle rejects with INVALID_VALUE after its read, writing nothing', async () => {
    const key = seeded(ODD);
    const update = createClient().update<Account>(`${served.base}/${key}`, (account) => {
      const next: Record<string, unknown> = { ...account };
      next.previous = next;
      return next as unknown as Account;
    });
    await expect(update).rejects.toSatisfy((error) => isIfMatchError(error, 'INVALID_VALUE'));
    expect(served.received).toEqual([]);
    expect(row(key)).toEqual({ balance: ODD, owner: 'alice' });
  });
});
