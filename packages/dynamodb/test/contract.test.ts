import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { type ContractDocument, describeStoreContract } from '@ifmatch/contract';
import { createDynamoStore } from '@ifmatch/dynamodb';
import { afterAll, describe } from 'vitest';
import { createTable, type DynamoServer, javaAvailable, startDynamoLocal } from './dynamodb-local.js';

describe.runIf(javaAvailable())('on DynamoDB Local', () => {
  let server: Promise<DynamoServer> | undefined;
  const start = () => {
    server ??= startDynamoLocal().then(async (started) => {
      await createTable(started.client(), 'contract');
      return started;
    });
    return server;
  };
  afterAll(async () => (await server)?.stop());

  describeStoreContract({
    name: 'dynamodb',
    capabilities: { strategies: ['version', 'timestamp', 'hash'] },
    async createStore(options) {
      const client = (await start()).client();
      return {
        store: createDynamoStore<ContractDocument, string>({
          ...options,
          client,
          table: { name: 'contract', partitionKey: 'pk' },
        }),
        async inspect(key) {
          const { Item } = await client.send(
            new GetItemCommand({ TableName: 'contract', Key: { pk: { S: key } }, ConsistentRead: true }),
          );
          if (Item === undefined) return undefined;
          const item = unmarshall(Item);
          return {
            value: item.value as ContractDocument,
            version: item.version as number,
            modifiedAt: item.modifiedAt as number,
            hash: (item.etagHash as string | undefined) ?? null,
          };
        },
      };
    },
  });
});
