import { formatEntityTag, isIfMatchError } from '@ifmatch/core';
import { type Db, MongoClient, ObjectId } from 'mongodb';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MongoServer, mongoAvailable, startMongo } from '../../packages/mongodb/test/mongo-server.js';
import { Products, productStore, sellWithIfmatch, sellWithMongoose } from './migrate-mongoose.js';

describe.runIf(mongoAvailable())('migrating from Mongoose (README snippet)', () => {
  let server: MongoServer;
  let client: MongoClient;
  let db: Db;
  let products: ReturnType<typeof productStore>;

  beforeAll(async () => {
    server = await startMongo();
    const dbName = `migrate_mongoose_${new ObjectId().toHexString()}`;
    await mongoose.connect(server.url, { dbName }); // the default connection, which the model uses
    client = await new MongoClient(server.url).connect();
    db = client.db(dbName);
    products = productStore(db);
  });
  afterAll(async () => {
    await mongoose.disconnect();
    await client?.close();
    await server?.stop();
  });

  const raw = (id: ObjectId) => db.collection('products').findOne({ _id: id });

  it('serves a document Mongoose wrote (__v: 0) as it is, and its first write counts __v on', async () => {
    const { _id: id } = await Products.create({ name: 'tea', stock: 10 });
    expect(await raw(id)).toEqual({ _id: id, name: 'tea', stock: 10, __v: 0 });

    const read = await products.get(id);
    expect(read?.value).toEqual({ name: 'tea', stock: 10 }); // __v is the version, not a member
    expect(read?.version).toBe(0);
    expect(formatEntityTag(read?.etag ?? { weak: true, opaque: '' })).toBe('"v0"');
    expect(read?.lastModified).toBeUndefined(); // Mongoose kept no ifmatch modification time

    const written = await products.put(id, { name: 'tea', stock: 9 }, { etagIn: [read!.etag] });
    expect(written.ok && written.record.version).toBe(1);
    expect(await raw(id)).toMatchObject({ name: 'tea', stock: 9, __v: 1, modifiedAt: expect.any(Number) });
    // Mongoose reads what ifmatch wrote.
    expect((await Products.findById(id).orFail()).toObject()).toMatchObject({ stock: 9, __v: 1 });
  });

  it('sees each other’s writes through __v: a stale tag after a Mongoose save(), a VersionError after an ifmatch write', async () => {
    const { _id: id } = await Products.create({ name: 'milk', stock: 5 });
    const read = await products.get(id);

    const product = await Products.findById(id).orFail();
    product.stock = 4;
    await product.save(); // __v 0 → 1

    const stale = await products.put(id, { name: 'milk', stock: 0 }, { etagIn: [read!.etag] });
    expect(stale.ok).toBe(false);
    expect(!stale.ok && stale.reason).toBe('precondition-failed');
    // The conflict carries the record Mongoose wrote, with the tag to retry from.
    expect(!stale.ok && stale.reason === 'precondition-failed' && stale.current).toMatchObject({
      value: { name: 'milk', stock: 4 },
      version: 1,
    });

    const loaded = await Products.findById(id).orFail(); // __v 1
    const current = await products.get(id);
    expect((await products.put(id, { name: 'milk', stock: 3 }, { etagIn: [current!.etag] })).ok).toBe(true);
    loaded.stock = 100;
    await expect(loaded.save()).rejects.toBeInstanceOf(mongoose.Error.VersionError);
    expect(await raw(id)).toMatchObject({ stock: 3, __v: 2 });
  });

  it('loses no write while Mongoose and ifmatch sell the same product at once', async () => {
    const { _id: id } = await Products.create({ name: 'coffee', stock: 100 });
    const writers = 3;
    const sales = 5;
    const writer = async (sell: () => Promise<void>) => {
      for (let i = 0; i < sales; i++) {
        // Mongoose's loop retries at once, without a pause, and can starve update()'s bounded,
        // backed-off retries: RETRIES_EXHAUSTED wrote nothing, so the caller may sell again.
        for (;;) {
          try {
            await sell();
            break;
          } catch (error) {
            if (!isIfMatchError(error, 'RETRIES_EXHAUSTED')) throw error;
          }
        }
      }
    };
    const sellers = [() => sellWithMongoose(id), () => sellWithIfmatch(products, id)];
    await Promise.all(sellers.flatMap((sell) => Array.from({ length: writers }, () => writer(sell))));
    // Every sale, from either side, is counted once: in the stock and in __v.
    expect(await raw(id)).toMatchObject({ stock: 100 - 2 * writers * sales, __v: 2 * writers * sales });
  });

  it('does not see a write that leaves __v alone (updateOne), and does with $inc: { __v: 1 }', async () => {
    const { _id: id } = await Products.create({ name: 'cocoa', stock: 7 });
    const read = await products.get(id);
    await Products.updateOne({ _id: id }, { $set: { stock: 6 } }); // no versioning outside save()
    const blind = await products.put(id, { name: 'cocoa', stock: 1 }, { etagIn: [read!.etag] });
    expect(blind.ok).toBe(true); // the updateOne is lost: nothing told ifmatch about it

    const again = await products.get(id);
    await Products.updateOne({ _id: id }, { $set: { stock: 6 }, $inc: { __v: 1 } });
    expect((await products.put(id, { name: 'cocoa', stock: 0 }, { etagIn: [again!.etag] })).ok).toBe(false);
  });
});
