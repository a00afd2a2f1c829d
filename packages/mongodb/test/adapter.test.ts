import { errorCodeOf } from '@ifmatch/contract';
import { UNCONDITIONAL } from '@ifmatch/core';
import { createMongoStore } from '@ifmatch/mongodb';
import { type Db, MongoClient, ObjectId } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toIfMatchError } from '../src/errors.js';
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
    expect(raw).toEqual({ _id: id, ...value, version: 1, modifiedAt: expect.any(Number) });
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
  });

  it('refuses a value that would overwrite the store’s own fields, or is not a document', async () => {
    const store = createMongoStore<Record<string, unknown>, string>({ db, collection: 'guarded' });
    expect(await errorCodeOf(store.create('a', { version: 99 }))).toBe('INVALID_VALUE');
    expect(await errorCodeOf(store.create('a', [1, 2] as never))).toBe('INVALID_VALUE');
    expect(await store.get('a')).toBeUndefined();
    expect((await store.put('b', { _id: 'b', n: 1 }, UNCONDITIONAL)).ok).toBe(true);
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
