/** @ifmatch/dynamodb on DynamoDB Local: conditional vs unconditional UpdateItem, and races. */
import { execFileSync } from 'node:child_process';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { present } from '@ifmatch/contract';
import type { EntityTag } from '@ifmatch/core';
import { createDynamoStore } from '@ifmatch/dynamodb';
import { createTable, startDynamoLocal } from '../packages/dynamodb/test/dynamodb-local.js';
import { type Comparison, compare, hotKeyRace, oneWinnerRace, type RaceResult } from './harness.js';

type Counter = { count: number };

export async function dynamoBenchmarks(): Promise<{ comparisons: Comparison[]; races: RaceResult[] }> {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    console.warn('skipping the DynamoDB benchmarks: Java is not installed (apt-get install default-jre-headless)');
    return { comparisons: [], races: [] };
  }
  const server = await startDynamoLocal();
  try {
    const client = server.client();
    await createTable(client, 'bench');
    const store = createDynamoStore<Counter, string>({ client, table: { name: 'bench', partitionKey: 'pk' } });
    await store.create('conditional', { count: 0 });
    await store.create('plain', { count: 0 });
    let count = 0;
    let etag: EntityTag = present(await store.get('conditional')).etag;
    const comparisons = await compare(
      [
        {
          name: 'DynamoDB UpdateItem: ifmatch If-Match vs a plain unconditional UpdateItem',
          subject: [
            'store.put with etagIn',
            async () => {
              const outcome = await store.put('conditional', { count: ++count }, { etagIn: [etag] });
              if (!outcome.ok) throw new Error('unexpected conflict');
              etag = outcome.record.etag;
            },
          ],
          baseline: [
            'UpdateItem SET value, version + 1',
            () =>
              client.send(
                new UpdateItemCommand({
                  TableName: 'bench',
                  Key: { pk: { S: 'plain' } },
                  UpdateExpression: 'SET #value = :value, #version = #version + :one, #modifiedAt = :now',
                  ExpressionAttributeNames: { '#value': 'value', '#version': 'version', '#modifiedAt': 'modifiedAt' },
                  ExpressionAttributeValues: {
                    ':value': { M: { count: { N: String(++count) } } },
                    ':one': { N: '1' },
                    ':now': { N: String(Date.now()) },
                  },
                  ReturnValues: 'ALL_NEW',
                }),
              ),
          ],
          metric: 'time-ratio',
          target: 1.1,
        },
      ],
      1000,
    );
    const races = [
      await oneWinnerRace('DynamoDB', store, { count: 0 }),
      await hotKeyRace('DynamoDB', store, { count: 0 }, 32, 10),
    ];
    return { comparisons, races };
  } finally {
    await server.stop();
  }
}
