import { expectValidForSameContentOrStale } from '@ifmatch/contract';
import { type BackfillError, type Store, type StoredRecord, UNCONDITIONAL } from '@ifmatch/core';
import { backfillMongo, createMongoStore } from '@ifmatch/mongodb';
import { Binary, type Collection, type Db, type Document, Long, MongoClient, ObjectId } from 'mongodb';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { type MongoServer, mongoAvailable, startMongo } from './mongo-server.js';

type Order = { customer: string; quantity: number; lines: number[] };
const RECORDS = 300;
const keyOf = (i: number) => `order-${String(i).padStart(4, '0')}`;

async function readAll<T extends Document>(
  store: Store<T, string>,
  count: number,
): Promise<Map<string, StoredRecord<T, string>>> {
  const records = new Map<string, StoredRecord<T, string>>();
  for (let i = 0; i < count; i++) {
    const record = await store.get(keyOf(i));
    if (record === undefined) throw new Error(`${keyOf(i)} is missing`);
    records.set(keyOf(i), record);
  }
  return records;
}

/** `db` whose collections run `write` before their first `updateOne`, every update waiting for it. */
function writingBeforeFirstUpdate(db: Db, write: () => Promise<void>): Db {
  let written: Promise<void> | undefined;
  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'collection') return Reflect.get(target, property, receiver);
      return (name: string) =>
        new Proxy(target.collection(name), {
          get(collection: Collection, member, inner) {
            if (member !== 'updateOne') return Reflect.get(collection, member, inner);
            return async (...args: Parameters<Collection['updateOne']>) => {
              written ??= write();
              await written;
              return collection.updateOne(...args);
            };
          },
        });
    },
  });
}

describe.runIf(mongoAvailable())('backfillMongo', () => {
  let started: Promise<{ server: MongoServer; client: MongoClient }> | undefined;
  const connect = () => {
    started ??= startMongo().then(async (server) => {
      const client = new MongoClient(server.url, { maxPoolSize: 20 });
      await client.connect();
      return { server, client };
    });
    return started;
  };
  afterAll(async () => {
    const { server, client } = (await started) ?? {};
    await client?.close();
    await server?.stop();
  });

  it("adopts Mongoose's __v while 4 writers keep writing: every document served, no write lost, no tag reused", async () => {
    const { server, client } = await connect();
    const db = client.db('ifmatch_backfill');
    const orders = db.collection('adoption');
    // Half the documents as Mongoose wrote them (`__v` kept by optimisticConcurrency), half by
    // plain driver calls (no version at all). No ifmatch field anywhere.
    const connection = await mongoose.createConnection(server.url, { dbName: 'ifmatch_backfill' }).asPromise();
    const Model = connection.model(
      'Order',
      new mongoose.Schema(
        { _id: String, customer: String, quantity: Number, lines: [Number] },
        { optimisticConcurrency: true, collection: 'adoption' },
      ),
    );
    for (let i = 0; i < RECORDS; i += 2) {
      const order = await Model.create({ _id: keyOf(i), customer: `customer ${i}`, quantity: i % 7, lines: [i] });
      if (i % 4 === 0) {
        order.quantity = (order.quantity ?? 0) + 1; // a second save: Mongoose counts __v on
        await order.save();
      }
    }
    await connection.close();
    await orders.insertMany(
      Array.from({ length: RECORDS / 2 }, (_, j) => ({
        _id: keyOf(2 * j + 1) as never,
        customer: `customer ${2 * j + 1}`,
        quantity: (2 * j + 1) % 7,
        lines: [2 * j + 1],
      })),
    );
    const initial = new Map((await orders.find().toArray()).map((d) => [d._id as unknown as string, d]));
    expect(initial.get(keyOf(0))?.__v).toBe(1);
    expect(initial.get(keyOf(2))?.__v).toBe(0);
    expect(initial.get(keyOf(1))?.__v).toBeUndefined();

    const store = createMongoStore<Order, string>({ db, collection: 'adoption', fields: { version: '__v' } });
    const tagsBefore = await readAll(store, RECORDS);
    expect(tagsBefore.get(keyOf(0))?.etag.opaque).toBe('v1');
    expect(tagsBefore.get(keyOf(1))?.etag.opaque).toBe('v0');

    const written = new Map<string, number>();
    const writer = async (w: number) => {
      for (let i = 0; i < 100; i++) {
        const key = keyOf(Math.floor(Math.random() * RECORDS));
        if ((i + w) % 2 === 0) {
          const outcome = await store.update(key, (o) => ({ ...o, quantity: o.quantity + 1 }), UNCONDITIONAL, {
            attempts: 10_000,
            baseDelayMs: 1,
            maxDelayMs: 10,
          });
          if (!outcome.ok) throw new Error(`update of ${key} failed`);
        } else {
          for (;;) {
            const current = await store.get(key);
            if (current === undefined) throw new Error(`${key} is missing`);
            const value = { ...current.value, quantity: current.value.quantity + 1 };
            if ((await store.put(key, value, { etagIn: [current.etag] })).ok) break;
          }
        }
        written.set(key, (written.get(key) ?? 0) + 1);
      }
    };
    const skipped = new Set<unknown>();
    const [report] = await Promise.all([
      backfillMongo({
        db,
        collection: 'adoption',
        fields: { version: '__v' },
        batchSize: 10,
        pauseMs: 15,
        onProgress: (progress) => {
          for (const key of progress.batch.skipped) skipped.add(key);
        },
      }),
      ...[0, 1, 2, 3].map(writer),
    ]);

    expect([...written.values()].reduce((a, b) => a + b, 0)).toBe(400);
    for (const document of await orders.find().toArray()) {
      const key = document._id as unknown as string;
      const before = initial.get(key);
      const landed = written.get(key) ?? 0;
      // No write lost, and the counting went on from Mongoose's own __v.
      expect(document.quantity).toBe((before?.quantity ?? 0) + landed);
      expect(document.__v).toBe(((before?.__v as number | undefined) ?? 0) + landed);
      expect(document.modifiedAt).toEqual(expect.any(Number));
      expect(document).not.toHaveProperty('version');
      expect(document).not.toHaveProperty('etagHash');
    }
    expect(report).toMatchObject({ complete: true, run: { errors: 0 } });
    expect(report.run.updated + report.run.skipped).toBe(report.run.scanned);
    for (const key of skipped) expect(written.has(key as string)).toBe(true);
    expect((await expectValidForSameContentOrStale(store, tagsBefore)).valid).toBe(RECORDS - written.size);
    const again = await backfillMongo({ db, collection: 'adoption', fields: { version: '__v' } });
    expect(again.run).toEqual({ scanned: 0, updated: 0, skipped: 0, errors: 0 });
  }, 60_000);

  it('leaves alone a document whose system fields changed between its read and its write', async () => {
    const { client } = await connect();
    const db = client.db('ifmatch_backfill');
    const items = db.collection('pinned');
    await items.insertMany(
      [0, 1, 2, 3].map((i) => ({ _id: keyOf(i) as never, customer: `c${i}`, quantity: i, lines: [] })),
    );
    const store = createMongoStore<Order, string>({ db, collection: 'pinned' });
    const racing = writingBeforeFirstUpdate(db, async () => {
      await store.update(keyOf(1), (o) => ({ ...o, quantity: 10 }), UNCONDITIONAL);
      // Another writer that keeps version counting, as Mongoose does.
      await items.updateOne({ _id: keyOf(2) as never }, { $set: { quantity: 20 }, $inc: { version: 1 } });
      await items.updateOne({ _id: keyOf(3) as never }, { $set: { modifiedAt: 5 } });
    });
    const report = await backfillMongo({ db: racing, collection: 'pinned' });
    expect(report.run).toEqual({ scanned: 4, updated: 1, skipped: 3, errors: 0 });
    expect(await items.findOne({ _id: keyOf(1) as never })).toMatchObject({ quantity: 10, version: 1 });
    expect(await items.findOne({ _id: keyOf(2) as never })).toMatchObject({ quantity: 20, version: 1 });
    expect(await items.findOne({ _id: keyOf(2) as never })).not.toHaveProperty('modifiedAt');
    const next = await backfillMongo({ db, collection: 'pinned' });
    expect(next.run).toEqual({ scanned: 2, updated: 2, skipped: 0, errors: 0 });
    expect(await items.findOne({ _id: keyOf(3) as never })).toMatchObject({ version: 0, modifiedAt: 5 });
  });

  it('fills a version or time that holds no number (another writer’s string, boolean or date), or a time that is no time (NaN, Infinity, an Int64 of nanoseconds past 2^53), as the store reads them', async () => {
    const { client } = await connect();
    const db = client.db('ifmatch_backfill');
    const items = db.collection('foreign-types');
    const date = new Date('2024-05-01T10:00:00Z');
    await items.insertMany([
      { _id: 'string' as never, customer: 'a', quantity: 1, lines: [], version: '3', modifiedAt: 'yesterday' },
      { _id: 'boolean' as never, customer: 'b', quantity: 2, lines: [], version: true, modifiedAt: date },
      { _id: 'fine' as never, customer: 'c', quantity: 3, lines: [], version: 4, modifiedAt: 1_700_000_000_000 },
      { _id: 'one' as never, customer: 'd', quantity: 4, lines: [], version: [5], modifiedAt: 1_700_000_000_000 },
      { _id: 'infinite' as never, customer: 'e', quantity: 5, lines: [], version: 2, modifiedAt: Infinity },
      { _id: 'nan' as never, customer: 'f', quantity: 6, lines: [], version: 2, modifiedAt: Number.NaN },
      {
        _id: 'nanos' as never,
        customer: 'g',
        quantity: 7,
        lines: [],
        version: 2,
        modifiedAt: Long.fromString('1700000000000000001'),
      },
      { _id: 'before-1970' as never, customer: 'h', quantity: 8, lines: [], version: 2, modifiedAt: -1e16 },
    ]);
    const store = createMongoStore<Order, string>({ db, collection: 'foreign-types' });
    const before = new Map<string, StoredRecord<Order, string>>();
    for (const key of ['string', 'boolean']) {
      const read = await store.get(key);
      expect(read?.version).toBe(0);
      expect(read?.lastModified).toBeUndefined();
      before.set(key, read as StoredRecord<Order, string>);
    }

    const started = Date.now();
    const report = await backfillMongo({ db, collection: 'foreign-types' });
    expect(report.run).toEqual({ scanned: 6, updated: 6, skipped: 0, errors: 0 });
    for (const [key, version] of [
      ['string', 0],
      ['boolean', 0],
      ['infinite', 2],
      ['nan', 2],
      ['nanos', 2],
      ['before-1970', 2],
    ] as const) {
      const document = await items.findOne({ _id: key as never });
      expect(document).toMatchObject({ version, modifiedAt: expect.any(Number) });
      expect(document?.modifiedAt).toBeGreaterThanOrEqual(started);
    }
    expect(await items.findOne({ _id: 'fine' as never })).toMatchObject({ version: 4, modifiedAt: 1_700_000_000_000 });
    expect(await items.findOne({ _id: 'one' as never })).toMatchObject({ version: [5] });
    // The tags handed out before name the same content still: version 0 it was, version 0 it is.
    expect((await expectValidForSameContentOrStale(store, before)).valid).toBe(2);
  });

  it('pages by _id through every BSON type in order, resumes after an interruption, and a dry run writes nothing', async () => {
    const { server, client } = await connect();
    const db = client.db('ifmatch_backfill');
    const things = db.collection('types');
    const ids: unknown[] = [
      -1,
      2.5,
      7,
      'a',
      'b',
      new ObjectId('000000000000000000000001'),
      new ObjectId('000000000000000000000002'),
      false,
      true,
      new Date(0),
    ];
    await things.insertMany(ids.map((_id, i) => ({ _id: _id as never, n: i })));
    const versions = async () => (await things.find().toArray()).map((d) => d.version);

    const dry = await backfillMongo({ db, collection: 'types', dryRun: true, batchSize: 2 });
    expect(dry).toMatchObject({ dryRun: true, complete: true, run: { scanned: 10, updated: 10 } });
    expect((await versions()).every((v) => v === undefined)).toBe(true);

    const stop = new AbortController();
    const seen: unknown[] = [];
    const first = await backfillMongo({
      db,
      collection: 'types',
      batchSize: 2,
      signal: stop.signal,
      onProgress: (progress) => {
        seen.push(...progress.batch.updated);
        if (progress.run.scanned >= 4) stop.abort();
      },
    });
    // Batches end where a type ends: [-1, 2.5], [7], ['a', 'b'].
    expect(first).toMatchObject({ complete: false, run: { updated: 5 } });
    const second = await backfillMongo({
      db,
      collection: 'types',
      batchSize: 2,
      checkpoint: JSON.parse(JSON.stringify(first.checkpoint)),
      onProgress: (progress) => void seen.push(...progress.batch.updated),
    });
    expect(second).toMatchObject({ complete: true, run: { updated: 5 }, totals: { updated: 10 } });
    expect(seen).toEqual(ids);
    expect(await versions()).toEqual(ids.map(() => 0));

    // An _id type the server cannot page by is never passed over in silence.
    await things.insertOne({ _id: new Binary(Buffer.from([1])) as never, n: 99 });
    const binary = backfillMongo({ db, collection: 'types' });
    if (server.standIn) await expect(binary).rejects.toMatchObject({ code: 'NOT_SUPPORTED' });
    else expect((await binary).run.updated).toBe(1);
  });

  it('stops on a lost server with the checkpoint of the last completed batch', async () => {
    const server = await startMongo();
    if (!server.standIn) return; // a shared server cannot be stopped from here
    let stopped: Promise<void> | undefined;
    const stop = () => {
      stopped ??= server.stop();
      return stopped;
    };
    const client = new MongoClient(server.url, { serverSelectionTimeoutMS: 1000 });
    try {
      await client.connect();
      const db = client.db('ifmatch_backfill');
      await db.collection('lost').insertMany([0, 1, 2, 3, 4].map((i) => ({ _id: keyOf(i) as never, n: i })));
      const failed = await backfillMongo({
        db,
        collection: 'lost',
        batchSize: 2,
        onProgress: stop, // the server goes away after the first batch
      }).catch((error: unknown) => error);
      // The driver reports the closed socket as a bare EPIPE, which the adapter's error mapping
      // does not know (STORE_ERROR); a server that goes away otherwise is TRANSPORT.
      expect(failed).toMatchObject({ name: 'BackfillError', code: expect.stringMatching(/^(TRANSPORT|STORE_ERROR)$/) });
      expect((failed as BackfillError).checkpoint).toMatchObject({
        lanes: [{ after: { type: 3, after: JSON.stringify(keyOf(1)) }, done: false }],
        totals: { updated: 2 },
      });
    } finally {
      await client.close();
      await stop();
    }
  });
});
