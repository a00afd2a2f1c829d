import { type ContractDocument, describeStoreContract } from '@ifmatch/contract';
import { createMongoStore } from '@ifmatch/mongodb';
import { MongoClient } from 'mongodb';
import { afterAll, describe } from 'vitest';
import { type MongoServer, mongoAvailable, startMongo } from './mongo-server.js';

describe.runIf(mongoAvailable())('on MongoDB', () => {
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

  describeStoreContract({
    name: 'mongodb',
    capabilities: { strategies: ['version', 'timestamp', 'hash'] },
    async createStore(options) {
      const { client } = await connect();
      const db = client.db('ifmatch_contract');
      return {
        store: createMongoStore<ContractDocument, string>({ ...options, db, collection: 'items' }),
        async inspect(key) {
          const document = await db.collection('items').findOne({ _id: key as never });
          if (document === null) return undefined;
          const { _id, version, modifiedAt, etagHash, ...value } = document;
          return { value: value as ContractDocument, version, modifiedAt, hash: etagHash ?? null };
        },
      };
    },
  });
});
