/**
 * Records holding bigints, as tables the library did not create hold them: an INTEGER past
 * 2^53 read by `@ifmatch/sqlite` (better-sqlite3, a real file), and a PostgreSQL
 * `bigint(…, { mode: 'bigint' })` column read through Drizzle (PGlite). Each row is written by
 * plain driver SQL and every check of what was persisted reads it back the same way, past the
 * store. A GET answers the bigint as an exact JSON number (RFC 8259 §6 sets no precision
 * limit); a PATCH applies to a document in which it is still a bigint, so a member the patch
 * does not touch is written back with every digit, and the patch's own integers are read
 * exactly (request-integers.test.ts has PUT and POST).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { applyJsonPatch, createResource } from '@ifmatch/http';
import { addSystemColumnsSql, createPostgresStore, ifmatchColumns } from '@ifmatch/postgres';
import { addSystemColumns, createSqliteStore } from '@ifmatch/sqlite';
import Database from 'better-sqlite3';
import { bigint, jsonb, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { drizzle } from 'drizzle-orm/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** 2^53 + 1: the first integer a double cannot hold (as a number it reads 9007199254740992). */
const BIG = 9007199254740993n;
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';

type Send = (method: string, key: string, init?: { etag?: string; type?: string; body?: unknown }) => Promise<Response>;

function sender(resource: { handle(request: Request, key: string): Promise<Response> }): Send {
  return (method, key, init = {}) => {
    const headers: Record<string, string> = {};
    if (init.etag !== undefined) headers['If-Match'] = init.etag;
    if (init.type !== undefined) headers['Content-Type'] = init.type;
    return resource.handle(
      new Request(`http://localhost/items/${key}`, {
        method,
        headers,
        // A string is the body's text as sent; anything else is written with JSON.stringify.
        ...(init.body === undefined
          ? {}
          : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
      }),
      key,
    );
  };
}

function present<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('missing');
  return value;
}

describe('@ifmatch/http on a SQLite INTEGER past 2^53 (better-sqlite3, a real file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ifmatch-http-bigint-'));
  const db = new Database(join(dir, 'accounts.db'));
  db.exec('CREATE TABLE accounts (id TEXT PRIMARY KEY, balance INTEGER NOT NULL, owner TEXT NOT NULL)');
  addSystemColumns(db, 'accounts');
  const store = createSqliteStore<{ balance: number | bigint; owner: string }, string>({ db, table: 'accounts' });
  const send = sender(createResource({ store }));
  const insert = db.prepare('INSERT INTO accounts (id, balance, owner) VALUES (?, ?, ?)');
  /** The row as the plain driver reads it, integers as bigints so nothing rounds. */
  const row = (key: string) =>
    db.prepare('SELECT balance, owner FROM accounts WHERE id = ?').safeIntegers().get(key) as {
      balance: bigint;
      owner: string;
    };
  let n = 0;
  /** A row written by plain SQL, as an application or a migration before ifmatch wrote it. */
  const seeded = () => {
    const key = `a${++n}`;
    insert.run(key, BIG, 'alice');
    return key;
  };
  afterAll(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('GET answers 200 with the bigint as its exact digits, a JSON number', async () => {
    const key = seeded();
    const response = await send('GET', key);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe('{"balance":9007199254740993,"owner":"alice"}');
  });

  it('HEAD answers 200 with the validators GET sends, and no content', async () => {
    const key = seeded();
    const [head, get] = [await send('HEAD', key), await send('GET', key)];
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    expect(await head.text()).toBe('');
  });

  it('a merge patch of another member keeps the bigint exact in the database and in the answer', async () => {
    const key = seeded();
    const etag = present((await send('GET', key)).headers.get('etag'));
    const response = await send('PATCH', key, { etag, type: MERGE, body: { owner: 'bob' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"balance":9007199254740993,"owner":"bob"}');
    expect(row(key)).toEqual({ balance: BIG, owner: 'bob' });
  });

  it('a JSON Patch of another member keeps the bigint exact in the database', async () => {
    const key = seeded();
    const etag = present((await send('GET', key)).headers.get('etag'));
    const response = await send('PATCH', key, {
      etag,
      type: JSON_PATCH,
      body: [
        { op: 'test', path: '/owner', value: 'alice' },
        { op: 'replace', path: '/owner', value: 'carol' },
      ],
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"balance":9007199254740993,"owner":"carol"}');
    expect(row(key)).toEqual({ balance: BIG, owner: 'carol' });
  });

  it('a JSON Patch test of the bigint against its digits passes: the patch is read exactly', async () => {
    const key = seeded();
    const etag = present((await send('GET', key)).headers.get('etag'));
    const patch = (value: string, owner: string) =>
      `[{"op":"test","path":"/balance","value":${value}},{"op":"replace","path":"/owner","value":"${owner}"}]`;
    // The double nearest 2^53 + 1 is 2^53: written as a fraction, the client wrote a double, and
    // that double is not the stored integer.
    const rounded = await send('PATCH', key, { etag, type: JSON_PATCH, body: patch('9007199254740993.0', 'mallory') });
    expect(rounded.status).toBe(409);
    expect(row(key)).toEqual({ balance: BIG, owner: 'alice' });
    const exact = await send('PATCH', key, { etag, type: JSON_PATCH, body: patch('9007199254740993', 'dave') });
    expect(exact.status).toBe(200);
    expect(row(key)).toEqual({ balance: BIG, owner: 'dave' });
  });

  it('a merge patch that sets the bigint to another integer past 2^53 writes its exact digits', async () => {
    const key = seeded();
    const etag = present((await send('GET', key)).headers.get('etag'));
    const response = await send('PATCH', key, { etag, type: MERGE, body: '{"balance":9007199254740995}' });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"balance":9007199254740995,"owner":"alice"}');
    expect(row(key)).toEqual({ balance: BIG + 2n, owner: 'alice' });
  });

  it('a merge patch that replaces the bigint writes the number the patch carried', async () => {
    const key = seeded();
    const etag = present((await send('GET', key)).headers.get('etag'));
    const response = await send('PATCH', key, { etag, type: MERGE, body: { balance: 12 } });
    expect(response.status).toBe(200);
    expect(row(key)).toEqual({ balance: 12n, owner: 'alice' });
  });
});

const ledgers = pgTable('ledgers', {
  id: text('id').primaryKey(),
  total: bigint('total', { mode: 'bigint' }).notNull(),
  entries: bigint('entries', { mode: 'bigint' }).notNull(),
  note: text('note').notNull(),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  details: jsonb('details'),
  ...ifmatchColumns(),
});
type Ledger = typeof ledgers.$inferSelect;

/** The application's parse: the JSON form of `openedAt` (an ISO string) back to the Date the column takes. */
function parseLedger(body: unknown): Omit<Ledger, 'id' | 'version' | 'modifiedAt' | 'incarnation'> {
  const { openedAt, ...rest } = body as Ledger & { openedAt: string };
  return { ...rest, openedAt: new Date(openedAt) };
}

const OPENED = '2025-03-04T05:06:07.089Z';

describe("@ifmatch/http on a PostgreSQL bigint column in Drizzle's bigint mode (PGlite)", () => {
  const client = new PGlite();
  const db = drizzle(client);
  const store = createPostgresStore({ db, table: ledgers });
  const send = sender(createResource({ store, parse: parseLedger }));
  let n = 0;
  beforeAll(async () => {
    await client.exec(
      `create table ledgers (id text primary key, total bigint not null, entries bigint not null, note text not null,
        opened_at timestamptz not null, details jsonb)`,
    );
    await db.execute(addSystemColumnsSql('ledgers'));
  });
  afterAll(() => client.close());

  /**
   * A row written by plain SQL. `entries` is small, so Drizzle reads it as the bigint 3n; the
   * timestamp reads as a Date and `details` holds a member named `__proto__`: the rest of the
   * representation stays what JSON.stringify writes.
   */
  async function seeded() {
    const key = `l${++n}`;
    await client.query(
      `insert into ledgers (id, total, entries, note, opened_at, details)
       values ($1, $2::bigint, 3, 'opening', $3::timestamptz, '{"__proto__": {"admin": true}}')`,
      [key, BIG.toString(), OPENED],
    );
    return key;
  }
  /** The row as the plain driver reads it, the bigints as their text so nothing rounds. */
  async function row(key: string) {
    const result = await client.query<Record<string, string>>(
      'select total::text, entries::text, note, opened_at::text, details::text from ledgers where id = $1',
      [key],
    );
    return result.rows[0];
  }
  const untouched = {
    total: '9007199254740993',
    entries: '3',
    opened_at: '2025-03-04 05:06:07.089+00',
    details: '{"__proto__": {"admin": true}}',
  };
  const body = (note: string) =>
    `{"total":9007199254740993,"entries":3,"note":"${note}","openedAt":"${OPENED}","details":{"__proto__":{"admin":true}}}`;

  it('GET answers 200 with the exact digits of every bigint, the rest as JSON.stringify writes it', async () => {
    const key = await seeded();
    const response = await send('GET', key);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(body('opening'));
    const head = await send('HEAD', key);
    expect([head.status, head.headers.get('etag'), await head.text()]).toEqual([200, response.headers.get('etag'), '']);
  });

  it('a merge patch of another member writes both bigints back exactly', async () => {
    const key = await seeded();
    const etag = present((await send('GET', key)).headers.get('etag'));
    const response = await send('PATCH', key, { etag, type: MERGE, body: { note: 'audited' } });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(body('audited'));
    expect(await row(key)).toEqual({ ...untouched, note: 'audited' });
  });

  it('a JSON Patch tests a small bigint against the number in the patch, and keeps the large one exact', async () => {
    const key = await seeded();
    const etag = present((await send('GET', key)).headers.get('etag'));
    const response = await send('PATCH', key, {
      etag,
      type: JSON_PATCH,
      body: [
        { op: 'test', path: '/entries', value: 3 },
        { op: 'replace', path: '/note', value: 'closed' },
      ],
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(body('closed'));
    expect(await row(key)).toEqual({ ...untouched, note: 'closed' });
  });
});

describe('a JSON Patch test of a bigint', () => {
  it('equals a safe integer of the same value (or the same bigint), and nothing else', () => {
    const target = { small: 5n, large: BIG };
    const test = (path: string, value: unknown) => () => applyJsonPatch(target, [{ op: 'test', path, value }]);
    expect(test('/small', 5)).not.toThrow();
    expect(test('/small', 5n)).not.toThrow();
    expect(test('/small', 5.5)).toThrow();
    expect(test('/small', 6)).toThrow();
    expect(test('/small', '5')).toThrow();
    // The double nearest 2^53 + 1 is 2^53: another integer.
    expect(test('/large', Number(BIG))).toThrow();
    expect(test('/large', BIG)).not.toThrow();
    expect(test('/large', Number(BIG) + 0.5)).toThrow();
  });

  it('equals a double that is exactly its integer, past 2^53 too (the patch reads 1e20 so)', () => {
    const target = { huge: 10n ** 20n, even: 2n ** 53n };
    const test = (path: string, value: unknown) => () => applyJsonPatch(target, [{ op: 'test', path, value }]);
    expect(test('/huge', 1e20)).not.toThrow();
    expect(test('/even', 2 ** 53)).not.toThrow();
    expect(test('/even', 2 ** 53 + 2)).toThrow();
    expect(() => applyJsonPatch({ n: 1e20 }, [{ op: 'test', path: '/n', value: 10n ** 20n }])).not.toThrow();
  });
});
