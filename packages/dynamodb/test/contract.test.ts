import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { type ContractDocument, type ContractSubject, describeStoreContract } from '@ifmatch/contract';
import { createDynamoStore } from '@ifmatch/dynamodb';
import { afterAll, describe } from 'vitest';
import { createTable, type DynamoServer, javaAvailable, startDynamoLocal } from './dynamodb-local.js';

const SYSTEM = ['pk', 'version', 'modifiedAt', 'incarnation', 'etagHash', 'writeId'];

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

  /** `inspect` and `seed` with plain SDK calls; `valueAttribute` for the map layout. */
  const rawAccess = (
    client: ReturnType<DynamoServer['client']>,
    valueAttribute: string | undefined,
  ): Pick<ContractSubject, 'inspect' | 'seed'> => ({
    async inspect(key) {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: 'contract', Key: { pk: { S: key } }, ConsistentRead: true }),
      );
      if (Item === undefined) return undefined;
      const item = unmarshall(Item);
      const value =
        valueAttribute === undefined
          ? Object.fromEntries(Object.entries(item).filter(([name]) => !SYSTEM.includes(name)))
          : item[valueAttribute];
      return {
        value: value as ContractDocument,
        version: (item.version as number | undefined) ?? null,
        modifiedAt: (item.modifiedAt as number | undefined) ?? null,
        incarnation: (item.incarnation as string | undefined) ?? null,
        hash: (item.etagHash as string | undefined) ?? null,
      };
    },
    // A plain PutItem, as an application that never used ifmatch: only the fields given.
    async seed(key, value, fields) {
      const item = {
        pk: key,
        ...(valueAttribute === undefined ? value : { [valueAttribute]: value }),
        ...(fields.version === undefined ? {} : { version: fields.version }),
        ...(fields.modifiedAt === undefined ? {} : { modifiedAt: fields.modifiedAt }),
        ...(fields.incarnation === undefined ? {} : { incarnation: fields.incarnation }),
        ...(fields.hash === undefined ? {} : { etagHash: fields.hash }),
      };
      await client.send(new PutItemCommand({ TableName: 'contract', Item: marshall(item) }));
    },
  });

  // The usual layout (the value's members are the item's own attributes), and the value as
  // one map attribute (every write is then one UpdateItem).
  for (const [layout, valueAttribute] of [
    ['top-level attributes', undefined],
    ['map attribute', 'value'],
  ] as const) {
    describeStoreContract({
      name: `dynamodb (${layout})`,
      capabilities: { strategies: ['version', 'timestamp', 'hash'] },
      async createStore(options) {
        const client = (await start()).client();
        return {
          store: createDynamoStore<ContractDocument, string>({
            ...options,
            client,
            table: { name: 'contract', partitionKey: 'pk' },
            ...(valueAttribute === undefined ? {} : { attributes: { value: valueAttribute } }),
          }),
          ...rawAccess(client, valueAttribute),
        };
      },
    });
  }
});
