/**
 * @ifmatch/dynamodb on DynamoDB Local, one write in flight: a put with If-Match (one PutItem
 * with a ConditionExpression, the default layout) against the same conditional PutItem written
 * by hand; then races.
 */
import { execFileSync } from 'node:child_process';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { createDynamoStore } from '@ifmatch/dynamodb';
import { createTable, startDynamoLocal } from '../packages/dynamodb/test/dynamodb-local.js';
import { type Comparison, compare, hotKeyRace, ifMatchPut, oneWinnerRace, type RaceResult } from './harness.js';

type Counter = { title: string; count: number };

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
    await store.create('put', { title: 'benchmark', count: 0 });
    let count = 0;
    let handVersion = 0;
    const handPut = async () => {
      // What an application writes by hand: the whole item, if the version is the one it read.
      await client.send(
        new PutItemCommand({
          TableName: 'bench',
          Item: marshall({
            pk: 'hand',
            title: 'benchmark',
            count: ++count,
            version: handVersion + 1,
            modifiedAt: Date.now(),
          }),
          ConditionExpression: handVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :version',
          ...(handVersion === 0
            ? {}
            : {
                ExpressionAttributeNames: { '#version': 'version' },
                ExpressionAttributeValues: marshall({ ':version': handVersion }),
              }),
        }),
      );
      handVersion++;
    };
    // ifmatch's own request, sent by hand: what the guarantees cost (the incarnation, so that no
    // tag of a deleted item matches the one created again; the time bound, so that the
    // modification time never goes back; the write id, so that a request the SDK retried
    // after its first attempt succeeded is not taken for a conflict), apart from ifmatch's layer.
    const incarnation = 'Q2hU8tXa0lE';
    await client.send(
      new PutItemCommand({
        TableName: 'bench',
        Item: marshall({ pk: 'same', title: 'benchmark', count: 0, version: 1, modifiedAt: 0, incarnation }),
      }),
    );
    let sameVersion = 1;
    const samePut = async () => {
      const now = Date.now();
      await client.send(
        new PutItemCommand({
          TableName: 'bench',
          Item: marshall(
            {
              title: 'benchmark',
              count: ++count,
              pk: 'same',
              version: sameVersion + 1,
              modifiedAt: now,
              writeId: globalThis.crypto.randomUUID(),
              incarnation,
            },
            { removeUndefinedValues: true },
          ),
          ConditionExpression: '(#incarnation = :x1 AND #version = :x0) AND #modifiedAt <= :x2',
          ExpressionAttributeNames: {
            '#version': 'version',
            '#modifiedAt': 'modifiedAt',
            '#incarnation': 'incarnation',
          },
          ExpressionAttributeValues: marshall({ ':x0': sameVersion, ':x1': incarnation, ':x2': now }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      sameVersion++;
    };
    const ifmatchPut = await ifMatchPut(store, 'put', () => ({ title: 'benchmark', count: ++count }));
    const comparisons = await compare(
      [
        {
          name: 'DynamoDB Local: put with If-Match ÷ the same conditional PutItem by hand',
          subject: ifmatchPut,
          baseline: ['PutItem … ConditionExpression: #version = :version', handPut],
          metric: 'speedup',
          target: 0.9,
        },
        {
          name: 'DynamoDB Local: put with If-Match ÷ its own PutItem (incarnation, time bound, write id) sent by hand (no target)',
          subject: ifmatchPut,
          baseline: ['PutItem … (#incarnation = :i AND #version = :v) AND #modifiedAt <= :now', samePut],
          metric: 'speedup',
        },
      ],
      // About 2 to 3 ms a write on DynamoDB Local, whose pauses (a JVM's) make one round's ratio
      // stray far (p25–p75 of 0.77–1.01): more rounds, so that their median strays less.
      { rounds: 81, sliceMs: 250, warmupMs: 4000 },
    );
    const races = [
      await oneWinnerRace('DynamoDB', store, { title: 'race', count: 0 }),
      await hotKeyRace('DynamoDB', store, { title: 'race', count: 0 }, 32, 10),
    ];
    return { comparisons, races };
  } finally {
    await server.stop();
  }
}
