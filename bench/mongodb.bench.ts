/** @ifmatch/mongodb on the MongoDB stand-in (or MONGODB_URL): vs plain updateOne and Mongoose. */
import type { EntityTag } from '@ifmatch/core';
import { createMongoStore } from '@ifmatch/mongodb';
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { mongoAvailable, startMongo } from '../packages/mongodb/test/mongo-server.js';
import { type Comparison, compare, hotKeyRace, oneWinnerRace, type RaceResult } from './harness.js';

type Counter = { title: string; count: number };

export async function mongoBenchmarks(): Promise<{ comparisons: Comparison[]; races: RaceResult[] }> {
  if (!mongoAvailable()) return { comparisons: [], races: [] };
  const server = await startMongo();
  const client = new MongoClient(server.url, { maxPoolSize: 40 });
  await client.connect();
  const connection = await mongoose.createConnection(server.url, { dbName: 'ifmatch_bench' }).asPromise();
  try {
    const db = client.db('ifmatch_bench');
    const collection = db.collection<{ _id: string } & Counter>('counters');
    await collection.deleteMany({});
    const store = createMongoStore<Counter, string>({ db, collection: 'counters' });
    // Writes cycle over KEYS records, as an API's writes spread over many: a record written
    // twice in one millisecond takes the slower path (read, then write; see the README).
    const KEYS = 16;
    const etags: EntityTag[] = [];
    for (let k = 0; k < KEYS; k++) {
      const created = await store.create(`conditional-${k}`, { title: 'benchmark', count: 0 });
      if (!created.ok) throw new Error('seed failed');
      etags.push(created.record.etag);
      await store.create(`plain-${k}`, { title: 'benchmark', count: 0 });
    }
    let count = 0;
    const conditionalPut = async () => {
      const k = count % KEYS;
      const outcome = await store.put(
        `conditional-${k}`,
        { title: 'benchmark', count: ++count },
        { etagIn: etags.slice(k, k + 1) },
      );
      if (!outcome.ok) throw new Error('unexpected conflict');
      etags[k] = outcome.record.etag;
    };

    const Item = connection.model(
      'Item',
      new mongoose.Schema({ title: String, count: Number }, { optimisticConcurrency: true, collection: 'mongoose' }),
    );
    await Item.deleteMany({});
    const items = await Promise.all(Array.from({ length: KEYS }, () => Item.create({ title: 'benchmark', count: 0 })));

    const comparisons = await compare([
      {
        name: 'MongoDB update: ifmatch If-Match vs a plain unconditional updateOne',
        subject: ['store.put with etagIn', conditionalPut],
        baseline: [
          'updateOne $set + $inc version',
          () =>
            collection.updateOne(
              { _id: `plain-${count % KEYS}` },
              { $set: { title: 'benchmark', count: ++count, modifiedAt: Date.now() }, $inc: { version: 1 } },
            ),
        ],
        metric: 'time-ratio',
        target: 1.1,
      },
      {
        name: 'MongoDB optimistic update: ifmatch vs Mongoose save() with optimisticConcurrency',
        subject: ['store.put with etagIn', conditionalPut],
        baseline: [
          'Mongoose save()',
          async () => {
            const item = items[count % KEYS];
            if (item === undefined) throw new Error('no document to save');
            item.count = ++count;
            await item.save();
          },
        ],
        metric: 'speedup',
        target: 2,
      },
    ]);
    const seed = { title: 'race', count: 0 };
    return {
      comparisons,
      races: [await oneWinnerRace('MongoDB', store, seed), await hotKeyRace('MongoDB', store, seed)],
    };
  } finally {
    await connection.close();
    await client.close();
    await server.stop();
  }
}
