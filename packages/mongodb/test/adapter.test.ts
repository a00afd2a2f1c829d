import { errorCodeOf } from '@ifmatch/contract';
import { UNCONDITIONAL } from '@ifmatch/core';
import type { DriverCondition } from '@ifmatch/core/driver';
import { createMongoStore } from '@ifmatch/mongodb';
import { type Db, Decimal128, Int32, Long, MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toIfMatchError } from '../src/errors.js';
import { conditionFilters, fieldNamesOf } from '../src/filters.js';
import { type MongoServer, mongoAvailable, startMongo } from './mongo-server.js';

describe.runIf(mongoAvailable())('@ifmatch/mongodb', () => {
  let server: MongoServer;
  let client: MongoClient;
  let db: Db;
  beforeAll(async () => {
    server = await startMongo();
    client = new MongoClient(server.url);
    await client.connect();
    db = client.db('ifmatch_adapter');
  });
  afterAll(async () => {
    await client?.close();
    await server?.stop();
  });

  it('keeps the documents’ own shape: the value’s members are the document’s fields', async () => {
    type Order = { customer: string; lines: { sku: string; qty: number }[]; placedAt: Date; meta: { tags: string[] } };
    const orders = createMongoStore<Order, ObjectId>({ db, collection: 'orders' });
    const id = new ObjectId();
    const value: Order = {
      customer: 'Ada',
      lines: [{ sku: 'tea', qty: 2 }],
      placedAt: new Date('2026-11-21T10:00:00.123Z'),
      meta: { tags: ['a', ''] },
    };
    const created = await orders.create(id, value);
    expect(created.ok && created.record.key).toEqual(id);
    const raw = await db.collection('orders').findOne({ _id: id });
    expect(raw).toEqual({
      _id: id,
      ...value,
      version: 1,
      modifiedAt: expect.any(Number),
      incarnation: expect.any(String),
    });
    const read = await orders.get(id);
    expect(read?.value).toEqual(value);
    expect(read?.value.placedAt).toBeInstanceOf(Date);
  });

  it('uses the key and system field names it is given', async () => {
    const store = createMongoStore<{ n: number }, string>({
      db: client,
      database: 'ifmatch_adapter',
      collection: 'named',
      fields: { key: 'sku', version: '__v', modifiedAt: 'changedAt', hash: 'digest' },
      strategy: 'hash',
    });
    await db.collection('named').createIndex({ sku: 1 }, { unique: true });
    const created = await store.create('tea', { n: 1 });
    expect((await store.create('tea', { n: 2 })).ok).toBe(false);
    const raw = await db.collection('named').findOne({ sku: 'tea' });
    expect(raw).toMatchObject({ sku: 'tea', n: 1, __v: 1 });
    expect(created.ok && created.record.etag.opaque).toBe(raw?.digest);
    // A replacement keeps a key under its own field name (only _id stays by itself).
    const tag = (await store.get('tea'))?.etag;
    const replaced = await store.put('tea', { n: 3 }, { etagIn: tag ? [tag] : [] });
    expect(replaced.ok).toBe(true);
    expect(await db.collection('named').findOne({ sku: 'tea' })).toMatchObject({ _id: raw?._id, sku: 'tea', n: 3 });
    expect((await store.get('tea'))?.value).toEqual({ _id: raw?._id, n: 3 }); // _id is a field of the value here
  });

  it('refuses a value that would overwrite the store’s own fields, or is not a document', async () => {
    const store = createMongoStore<Record<string, unknown>, string>({ db, collection: 'guarded' });
    expect(await errorCodeOf(store.create('a', { version: 99 }))).toBe('INVALID_VALUE');
    expect(await errorCodeOf(store.create('a', [1, 2] as never))).toBe('INVALID_VALUE');
    expect(await store.get('a')).toBeUndefined();
    expect((await store.put('b', { _id: 'b', n: 1 }, UNCONDITIONAL)).ok).toBe(true);
  });

  describe('integers past 2^53 (bigints, as @ifmatch/http reads them from a request)', () => {
    const big = 2n ** 53n + 1n;

    it('refuses one the collection would read back as a Long, and one past Int64 (BSON would wrap it)', async () => {
      const store = createMongoStore<Record<string, unknown>, string>({ db, collection: 'bigints' });
      expect(await errorCodeOf(store.put('b', { n: big }, UNCONDITIONAL))).toBe('INVALID_VALUE');
      expect(await errorCodeOf(store.put('b', { a: [{ n: -big }] }, UNCONDITIONAL))).toBe('INVALID_VALUE');
      expect(await db.collection('bigints').countDocuments()).toBe(0);
    });

    it('stores one exactly, as an Int64, where the client reads Int64 as bigints (useBigInt64)', async () => {
      const exact = new MongoClient(server.url, { useBigInt64: true });
      try {
        const store = createMongoStore<Record<string, unknown>, string>({
          db: exact.db('ifmatch_adapter'),
          collection: 'exact-bigints',
        });
        expect((await store.put('b', { n: big, small: 5 }, UNCONDITIONAL)).ok).toBe(true);
        expect((await store.get('b'))?.value).toEqual({ n: big, small: 5 });
        expect(await errorCodeOf(store.put('c', { n: 2n ** 63n }, UNCONDITIONAL))).toBe('INVALID_VALUE');
        expect(await exact.db('ifmatch_adapter').collection('exact-bigints').countDocuments()).toBe(1n); // useBigInt64 here too
      } finally {
        await exact.close();
      }
    });
  });

  it('replaces the whole document on put: members left out are gone', async () => {
    const store = createMongoStore<Record<string, unknown>, string>({ db, collection: 'replace' });
    await store.create('r', { a: 1, b: 2 });
    await store.put('r', { a: 3 }, UNCONDITIONAL);
    expect(await db.collection('replace').findOne({ _id: 'r' as never })).toEqual({
      _id: 'r',
      a: 3,
      version: 2,
      modifiedAt: expect.any(Number),
      incarnation: expect.any(String),
    });
  });

  describe('keys and values at the boundary', () => {
    it.each([
      ['{ $ne: null }', { $ne: null }],
      ['{ $gt: "" }', { $gt: '' }],
      ['{ $regex: "." }', { $regex: '.' }],
      ['a regular expression', /./],
      ['an operator inside a compound key', { tenant: { $exists: true } }],
    ])('refuses %s as a key, and reads or deletes nobody else’s document', async (_what, key) => {
      const store = createMongoStore<Record<string, unknown>, unknown>({ db, collection: 'victims' });
      await db.collection('victims').insertOne({ _id: 'someone-else' as never, secret: 1 });
      await expect(store.get(key)).rejects.toThrow(TypeError);
      await expect(store.delete(key, UNCONDITIONAL)).rejects.toThrow(TypeError);
      await expect(store.put(key, { x: 1 }, UNCONDITIONAL)).rejects.toThrow(TypeError);
      expect(await db.collection('victims').findOne({ _id: 'someone-else' as never })).toMatchObject({ secret: 1 });
      await db.collection('victims').deleteMany({});
    });

    it('refuses a __proto__ member at any depth (as JSON.parse makes from a body), and stores nothing', async () => {
      const store = createMongoStore<Record<string, unknown>, string>({ db, collection: 'proto' });
      const hostile = [
        '{"name":"x","__proto__":{"role":"admin","incarnation":"forged","etagHash":"forged"}}',
        '{"name":"x","inner":{"__proto__":{"role":"admin"}}}',
      ];
      for (const body of hostile) {
        expect(await errorCodeOf(store.put('p', JSON.parse(body), UNCONDITIONAL))).toBe('INVALID_VALUE');
      }
      expect(await db.collection('proto').countDocuments()).toBe(0);
    });

    it('stores only the value’s own members, whatever Object.prototype carries', async () => {
      const store = createMongoStore<Record<string, unknown>, string>({ db, collection: 'polluted' });
      const prototype = Object.prototype as Record<string, unknown>;
      prototype.isAdmin = true;
      try {
        expect((await store.create('p', { name: 'x' })).ok).toBe(true);
      } finally {
        delete prototype.isAdmin;
      }
      const stored = await db.collection('polluted').findOne({ _id: 'p' as never });
      expect(Object.hasOwn(stored ?? {}, 'isAdmin')).toBe(false);
    });

    it('accepts a compound key (a plain document without operators)', async () => {
      const store = createMongoStore<{ n: number }, { tenant: string; id: number }>({ db, collection: 'compound' });
      const key = { tenant: 'acme', id: 1 };
      expect((await store.create(key, { n: 1 })).ok).toBe(true);
      expect((await store.get(key))?.value).toEqual({ n: 1 });
      expect(await store.get({ tenant: 'acme', id: 2 })).toBeUndefined();
    });

    it.each([
      ['a top-level $ member', { $set: { a: 1 } }],
      ['a $ member beside data', { a: 1, $where: 'true' }],
    ])('refuses a value with %s as INVALID_VALUE, not STORE_ERROR', async (_what, value) => {
      const store = createMongoStore<Record<string, unknown>, string>({ db, collection: 'dollars' });
      expect(await errorCodeOf(store.put('d', value, UNCONDITIONAL))).toBe('INVALID_VALUE');
      expect(await db.collection('dollars').findOne({ _id: 'd' as never })).toBeNull();
    });
  });

  it('reads a modification time that is a string (another writer’s ISO date) as none, and writes the document under its tag', async () => {
    await db
      .collection('foreign-times')
      .insertOne({ _id: 't' as never, name: 'tea', version: 2, modifiedAt: '2024-05-01T10:00:00Z' });
    const store = createMongoStore<{ name: string }, string>({ db, collection: 'foreign-times' });
    const read = await store.get('t');
    expect(read).toMatchObject({ version: 2, value: { name: 'tea' } });
    expect(read?.lastModified).toBeUndefined(); // it used to be NaN
    const written = await store.put('t', { name: 'green tea' }, { etagIn: [read?.etag as never] });
    expect(written.ok && written.record.version).toBe(3);
    expect((await store.get('t'))?.lastModified).toEqual(expect.any(Number));
  });

  describe('the clock of a pinned write', () => {
    it('never goes back: a stored time ahead of this clock (another writer’s) is passed, not overwritten with an earlier one', async () => {
      const ahead = Date.now() + 3_600_000;
      await db
        .collection('clock-ahead')
        .insertOne({ _id: 'k' as never, n: 1, version: 2, modifiedAt: ahead, incarnation: 'Q2hU8tXa0lE' });
      const store = createMongoStore<{ n: number }, string>({ db, collection: 'clock-ahead' });
      const read = await store.get('k');
      const written = await store.put('k', { n: 2 }, { etagIn: [read?.etag as never] });
      expect(written.ok && written.record).toMatchObject({ version: 3, lastModified: ahead + 1 });
    });

    it('refuses a tag of a state this store wrote but another writer moved on from', async () => {
      const store = createMongoStore<{ n: number }, string>({ db, collection: 'clock-stale' });
      const created = await store.create('k', { n: 1 });
      if (!created.ok) throw new Error('seed failed');
      // Another process moves the record on.
      const other = createMongoStore<{ n: number }, string>({ db, collection: 'clock-stale' });
      expect((await other.put('k', { n: 2 }, { etagIn: [created.record.etag] })).ok).toBe(true);
      const stale = await store.put('k', { n: 3 }, { etagIn: [created.record.etag] });
      expect(stale).toMatchObject({ ok: false, reason: 'precondition-failed', current: { value: { n: 2 } } });
    });
  });

  describe('system fields of another type, left by another writer', () => {
    it.each([
      ['a string', '3'],
      ['a boolean', true],
      ['a date', new Date('2024-05-01T10:00:00Z')],
      ['an object', { n: 3 }],
      // No number in it: `{ version: 3 }` does not match it, `$not: { $type: 'number' }` does.
      // (Read as Number read it, 3: then a stale tag of version 0 overwrote it.)
      ['an array of strings', ['3']],
    ])('reads a version that is %s as none (0), and writes the document under its tag', async (what, version) => {
      const collection = db.collection('foreign-versions');
      const key = `v-${what.replaceAll(' ', '-')}`;
      await collection.insertOne({ _id: key as never, name: 'tea', version, modifiedAt: 1_700_000_000_000 });
      const store = createMongoStore<{ name: string }, string>({ db, collection: 'foreign-versions' });
      const read = await store.get(key);
      // "3" used to read as version 3, which no filter on the number 3 matches: every write
      // under its tag was refused and tried again, until RETRIES_EXHAUSTED.
      expect(read).toMatchObject({ version: 0, value: { name: 'tea' } });
      const written = await store.put(key, { name: 'green tea' }, { etagIn: [read?.etag as never] });
      expect(written.ok && written.record).toMatchObject({ version: 1, value: { name: 'green tea' } });
      expect(await collection.findOne({ _id: key as never })).toMatchObject({ name: 'green tea', version: 1 });
      // The tag read before the write is stale now.
      const stale = await store.put(key, { name: 'milk' }, { etagIn: [read?.etag as never] });
      expect(stale).toMatchObject({ ok: false, reason: 'precondition-failed' });
    });

    it('keeps a version of another numeric BSON type (Int64, Int32), or an array of one number, as that number', async () => {
      const collection = db.collection('foreign-versions');
      await collection.insertOne({ _id: 'int64' as never, name: 'tea', version: Long.fromNumber(4) });
      await collection.insertOne({ _id: 'int32' as never, name: 'tea', version: new Int32(5) });
      await collection.insertOne({ _id: 'one-number' as never, name: 'tea', version: ['x', 6] });
      const store = createMongoStore<{ name: string }, string>({ db, collection: 'foreign-versions' });
      expect(await store.get('int64')).toMatchObject({ version: 4 });
      for (const [key, version] of [
        ['int32', 5],
        ['one-number', 6],
      ] as const) {
        const read = await store.get(key);
        expect(read).toMatchObject({ version });
        // `{ version: 6 }` matches ["x", 6]: the write under its tag goes through, once.
        const written = await store.put(key, { name: 'green tea' }, { etagIn: [read?.etag as never] });
        expect(written.ok && written.record.version).toBe(version + 1);
        const stale = await store.put(key, { name: 'milk' }, { etagIn: [read?.etag as never] });
        expect(stale).toMatchObject({ ok: false, reason: 'precondition-failed' });
      }
    });

    it.each([
      ['an Int64 past 2^53 (another writer’s nanoseconds)', Long.fromString('1700000000000000001')],
      ['a double past 2^53', 1.7e18 + 512],
      ['a double far ahead', 1e300],
    ])('writes over a modification time that is %s, at once', async (what, modifiedAt) => {
      const collection = db.collection('foreign-times');
      const key = `t-${what.replaceAll(' ', '-')}`;
      await collection.insertOne({ _id: key as never, name: 'tea', version: 1, modifiedAt });
      const store = createMongoStore<{ name: string }, string>({ db, collection: 'foreign-times' });
      const started = performance.now();
      const read = await store.get(key);
      const written = await store.put(key, { name: 'green tea' }, { etagIn: [read?.etag as never] });
      expect(written.ok).toBe(true);
      expect((await store.update(key, (value) => ({ ...value, name: 'milk' }), UNCONDITIONAL)).ok).toBe(true);
      expect(performance.now() - started).toBeLessThan(2000); // not a hundred retries
      expect(await collection.findOne({ _id: key as never })).toMatchObject({ name: 'milk', version: 3 });
    });

    it('passes over a time it reads as none when pinned to such a record, never over one it reads as a time', async () => {
      const collection = db.collection('foreign-times-bound');
      await collection.insertMany([
        { _id: 'nanos' as never, modifiedAt: Long.fromString('1700000000000000001') },
        { _id: '2^53' as never, modifiedAt: Long.fromString('9007199254740992') },
        { _id: 'readable' as never, modifiedAt: Number.MAX_SAFE_INTEGER },
        // Reads as 9007199254740991 (Number of its text): a time, though past 2^53 − 1.
        { _id: 'decimal' as never, modifiedAt: Decimal128.fromString('9007199254740991.4') },
        { _id: 'past' as never, modifiedAt: 1_000 },
      ]);
      const { filterFor } = conditionFilters(fieldNamesOf(undefined));
      const pinnedToNone = { pinned: { modifiedAt: null } } as unknown as DriverCondition;
      const passing = async (condition: DriverCondition) => {
        const ids = ['2^53', 'decimal', 'nanos', 'past', 'readable'];
        const counts = await Promise.all(
          ids.map((id) => collection.countDocuments(filterFor(id, condition, Date.now()))),
        );
        return ids.filter((_, i) => counts[i] === 1);
      };
      // Pinned to a record whose time reads as none: what reads as none passes, a readable time ahead does not.
      expect(await passing(pinnedToNone)).toEqual(['2^53', 'nanos', 'past']);
      // Not pinned (or pinned to a time): only times at or before now.
      expect(await passing({})).toEqual(['past']);
    });

    it('refuses to write a version one more than which is the same double (2^53): two writers would both win', async () => {
      const collection = db.collection('foreign-versions');
      await collection.insertOne({ _id: 'huge' as never, name: 'tea', version: 2 ** 53, modifiedAt: 5 });
      const store = createMongoStore<{ name: string }, string>({ db, collection: 'foreign-versions' });
      const [a, b] = await Promise.allSettled([
        store.update('huge', (value) => ({ ...value, name: 'a' }), UNCONDITIONAL),
        store.update('huge', (value) => ({ ...value, name: 'b' }), UNCONDITIONAL),
      ]);
      for (const outcome of [a, b]) {
        expect(outcome).toMatchObject({ status: 'rejected', reason: { code: 'INVALID_VALUE' } });
      }
      expect(await collection.findOne({ _id: 'huge' as never })).toMatchObject({ name: 'tea', version: 2 ** 53 });
    });

    it('reads a modification time that is a date as none: under the timestamp strategy its tag still writes it', async () => {
      const collection = db.collection('foreign-dates');
      await collection.insertOne({
        _id: 'd' as never,
        name: 'tea',
        version: 2,
        modifiedAt: new Date('2024-05-01T10:00:00Z'),
      });
      const store = createMongoStore<{ name: string }, string>({
        db,
        collection: 'foreign-dates',
        strategy: 'timestamp',
      });
      const read = await store.get('d');
      // MongoDB compares a date with dates only: a tag made of the date's milliseconds matched
      // no filter, and every write under it was refused and tried again, until RETRIES_EXHAUSTED.
      expect(read).toMatchObject({ version: 2, value: { name: 'tea' } });
      expect(read?.lastModified).toBeUndefined();
      const written = await store.put('d', { name: 'green tea' }, { etagIn: [read?.etag as never] });
      expect(written.ok && written.record).toMatchObject({ version: 3, lastModified: expect.any(Number) });
      expect((await collection.findOne({ _id: 'd' as never }))?.modifiedAt).toEqual(expect.any(Number));
    });
  });

  describe('documents written by Mongoose (its __v as the version)', () => {
    it('serves them, writes them under their tag, and keeps counting __v', async () => {
      // What Mongoose writes: the fields and __v: 0, no ifmatch fields.
      await db.collection('mongoose').insertMany([
        { _id: 'm1' as never, name: 'tea', __v: 0 },
        { _id: 'm2' as never, name: 'milk', __v: 3 },
      ]);
      const store = createMongoStore<{ name: string }, string>({
        db,
        collection: 'mongoose',
        fields: { version: '__v' },
      });
      const first = await store.get('m1');
      expect(first).toMatchObject({ value: { name: 'tea' }, version: 0 });
      expect(first?.lastModified).toBeUndefined();
      const written = await store.put('m1', { name: 'green tea' }, { etagIn: [first?.etag as never] });
      expect(written.ok && written.record.version).toBe(1);
      expect(await db.collection('mongoose').findOne({ _id: 'm1' as never })).toMatchObject({
        name: 'green tea',
        __v: 1,
      });
      // A stale tag fails; the other document's own version is kept.
      expect((await store.put('m1', { name: 'x' }, { etagIn: [first?.etag as never] })).ok).toBe(false);
      const other = await store.update('m2', (v) => ({ name: `${v.name}!` }), UNCONDITIONAL);
      expect(other.ok && other.record.version).toBe(4);
    });
  });

  it('reports an unreachable server as TRANSPORT, never as a conflict', async () => {
    const down = new MongoClient('mongodb://127.0.0.1:1/test', { serverSelectionTimeoutMS: 500 });
    const store = createMongoStore<{ n: number }, string>({ db: down.db('x'), collection: 'c' });
    expect(await errorCodeOf(store.get('k'))).toBe('TRANSPORT');
    expect(await errorCodeOf(store.put('k', { n: 1 }, { etagIn: [{ weak: false, opaque: 'v1' }] }))).toBe('TRANSPORT');
    await down.close();
  });
});

describe('toIfMatchError', () => {
  const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });
  it.each([
    ['MongoServerSelectionError', {}, 'write', 'TRANSPORT'],
    ['MongoNetworkError', {}, 'write', 'OUTCOME_UNKNOWN'],
    ['MongoNetworkTimeoutError', {}, 'read', 'TRANSPORT'],
    ['MongoWriteConcernError', {}, 'write', 'OUTCOME_UNKNOWN'],
    ['MongoServerError', { code: 11000 }, 'write', 'INVALID_VALUE'],
    ['MongoServerError', { code: 121 }, 'write', 'INVALID_VALUE'],
    ['MongoServerError', { code: 10107 }, 'write', 'TRANSPORT'],
    ['MongoServerError', { code: 50 }, 'read', 'THROTTLED'],
    ['MongoServerError', { code: 8000 }, 'read', 'STORE_ERROR'],
  ] as const)('maps %s %j on a %s to %s', (name, extra, kind, code) => {
    const mapped = toIfMatchError(named(name, extra), kind);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBeInstanceOf(Error);
  });
});
