/** @ifmatch/dynamodb on DynamoDB Local: conditional vs unconditional UpdateItem, and races. */
import { execFileSync } from 'node:child_process';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { type EntityTag, UNCONDITIONAL } from '@ifmatch/core';
import { createDynamoStore } from '@ifmatch/dynamodb';
import { createTable, startDynamoLocal } from '../packages/dynamodb/test/dynamodb-local.js';
import { type Comparison, compare, type RaceResult } from './harness.js';

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
    let etag: EntityTag = (await store.get('conditional'))!.etag;
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
    const races = [await oneWinner(store), await hotKey(store)];
    return { comparisons, races };
  } finally {
    await server.stop();
  }
}

const RACERS = 100;
const WRITERS = 32;
const INCREMENTS = 10;

/** 100 writers with the same tag: exactly one may win; anything else is a lost update. */
async function oneWinner(store: ReturnType<typeof createDynamoStore<Counter, string>>): Promise<RaceResult> {
  const key = `race-${Date.now()}`;
  const created = await store.create(key, { count: 0 });
  if (!created.ok) throw new Error('seed failed');
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: RACERS }, (_, i) => store.put(key, { count: i + 1 }, { etagIn: [created.record.etag] })),
  );
  const seconds = (performance.now() - started) / 1000;
  const winners = outcomes.filter((outcome) => outcome.ok).length;
  return {
    name: `DynamoDB one tag, ${RACERS} writers: exactly one may win (winners − 1 = lost updates)`,
    goodput: winners / seconds,
    lostUpdates: winners - 1,
    seconds,
  };
}

async function hotKey(store: ReturnType<typeof createDynamoStore<Counter, string>>): Promise<RaceResult> {
  const key = `hot-${Date.now()}`;
  await store.create(key, { count: 0 });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async () => {
      for (let i = 0; i < INCREMENTS; i++) {
        const outcome = await store.update(key, (c) => ({ count: c.count + 1 }), UNCONDITIONAL, {
          attempts: 10_000,
          baseDelayMs: 2,
          maxDelayMs: 50,
        });
        if (!outcome.ok) throw new Error('increment failed');
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const final = (await store.get(key))!.value.count;
  return {
    name: `DynamoDB hot key, ${WRITERS} writers × ${INCREMENTS}: ifmatch store.update`,
    goodput: final / seconds,
    lostUpdates: WRITERS * INCREMENTS - final,
    seconds,
  };
}
