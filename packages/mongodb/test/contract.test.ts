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
          const { _id, version, modifiedAt, incarnation, etagHash, ...value } = document;
          return {
            value: value as ContractDocument,
            version: version ?? null,
            modifiedAt: modifiedAt ?? null,
            incarnation: incarnation ?? null,
            hash: etagHash ?? null,
          };
        },
        // A plain insertOne, as an application that never used ifmatch: only the fields given.
        async seed(key, value, fields) {
          await db.collection('items').insertOne({
            _id: key as never,
            ...value,
            ...(fields.version === undefined ? {} : { version: fields.version }),
            ...(fields.modifiedAt === undefined ? {} : { modifiedAt: fields.modifiedAt }),
            ...(fields.incarnation === undefined ? {} : { incarnation: fields.incarnation }),
            ...(fields.hash === undefined ? {} : { etagHash: fields.hash }),
          });
        },
      };
    },
  });
});
