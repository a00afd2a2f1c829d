import {
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { expectValidForSameContentOrStale } from '@ifmatch/contract';
import { type BackfillError, type Store, type StoredRecord, UNCONDITIONAL } from '@ifmatch/core';
import { backfillDynamo, createDynamoStore } from '@ifmatch/dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { createTable, type DynamoServer, javaAvailable, startDynamoLocal } from './dynamodb-local.js';

type Order = { customer: string; quantity: number; lines: number[] };
const RECORDS = 200;
const keyOf = (i: number) => `order-${String(i).padStart(4, '0')}`;

/** Items as an application that never used ifmatch writes them: plain BatchWriteItem, no system attribute. */
async function legacyItems(client: DynamoDBClient, table: string, count: number, layout: 'top' | 'map') {
  for (let start = 0; start < count; start += 25) {
    const requests = Array.from({ length: Math.min(25, count - start) }, (_, j) => {
      const i = start + j;
      const order = { customer: `customer ${i}`, quantity: i % 7, lines: [i] };
      const item = layout === 'top' ? { pk: keyOf(i), ...order } : { pk: keyOf(i), value: order };
      return { PutRequest: { Item: marshall(item) } };
    });
    await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
  }
}

async function rawItems(client: DynamoDBClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    items.push(...(page.Items ?? []).map((item) => unmarshall(item)));
    start = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (start !== undefined);
  return items;
}

async function readAll<T>(store: Store<T, string>, count: number): Promise<Map<string, StoredRecord<T, string>>> {
  const records = new Map<string, StoredRecord<T, string>>();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const record = await store.get(keyOf(i));
      if (record === undefined) throw new Error(`${keyOf(i)} is missing`);
      records.set(keyOf(i), record);
    }),
  );
  return records;
}

/** `client` running `write` before its first UpdateItem, every UpdateItem waiting for it. */
function writingBeforeFirstUpdate(client: DynamoDBClient, write: () => Promise<void>): DynamoDBClient {
  let written: Promise<void> | undefined;
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: Parameters<DynamoDBClient['send']>[0]) => {
        if (command instanceof UpdateItemCommand) {
          written ??= write();
          await written;
        }
        return target.send(command as never);
      };
    },
  });
}

describe.runIf(javaAvailable())('backfillDynamo on DynamoDB Local', () => {
  let server: Promise<DynamoServer> | undefined;
  const start = () => {
    server ??= startDynamoLocal();
    return server;
  };
  afterAll(async () => (await server)?.stop());

  it('adopts a table with 4 scan segments while 4 writers keep writing: every item served, no write lost, no tag reused', async () => {
    const client = (await start()).client();
    await createTable(client, 'adoption');
    await legacyItems(client, 'adoption', RECORDS, 'top');
    const table = { name: 'adoption', partitionKey: 'pk' };
    const store = createDynamoStore<Order, string>({ client, table });
    const timestampStore = createDynamoStore<Order, string>({ client, table, strategy: 'timestamp' });
    const versionTagsBefore = await readAll(store, RECORDS);
    const timestampTagsBefore = await readAll(timestampStore, RECORDS);

    const written = new Map<string, number>();
    const writer = async (w: number) => {
      for (let i = 0; i < 50; i++) {
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
    const lanes = new Set<number>();
    const [report] = await Promise.all([
      backfillDynamo({
        client,
        table,
        segments: 4,
        batchSize: 10,
        pauseMs: 20,
        onProgress: (progress) => {
          lanes.add(progress.batch.lane);
          for (const key of progress.batch.skipped) skipped.add(key);
        },
      }),
      ...[0, 1, 2, 3].map(writer),
    ]);

    expect([...written.values()].reduce((a, b) => a + b, 0)).toBe(200);
    for (const item of await rawItems(client, 'adoption')) {
      const key = item.pk as string;
      const landed = written.get(key) ?? 0;
      expect(item.quantity).toBe((Number(key.slice(6)) % 7) + landed);
      // A backfill that overwrote a concurrent write would have reset its version to 0.
      expect(item.version).toBe(landed);
      expect(item.modifiedAt).toEqual(expect.any(Number));
      expect(item).not.toHaveProperty('etagHash');
    }
    expect(lanes).toEqual(new Set([0, 1, 2, 3]));
    expect(report).toMatchObject({ complete: true, run: { errors: 0 } });
    expect(report.checkpoint.lanes).toHaveLength(4);
    expect(report.run.updated + report.run.skipped).toBe(report.run.scanned);
    for (const key of skipped) expect(written.has(key as string)).toBe(true);
    // "v0" stays the tag of the same content; "t0" is stale now that the item has a time.
    expect((await expectValidForSameContentOrStale(store, versionTagsBefore)).valid).toBe(RECORDS - written.size);
    expect((await expectValidForSameContentOrStale(timestampStore, timestampTagsBefore)).valid).toBe(0);
    const again = await backfillDynamo({ client, table, segments: 4 });
    expect(again.run).toEqual({ scanned: 0, updated: 0, skipped: 0, errors: 0 });
    client.destroy();
  }, 60_000);

  it('in the map layout stores the hash pinned to the value read, and leaves alone items written in between', async () => {
    const client = (await start()).client();
    await createTable(client, 'pinned');
    await legacyItems(client, 'pinned', 4, 'map');
    const table = { name: 'pinned', partitionKey: 'pk' };
    const attributes = { value: 'value' };
    const secret = 'a secret of at least thirty-two bytes, for sealed hashes';
    const store = createDynamoStore<Order, string>({ client, table, attributes, strategy: 'hash', secret });
    const before = await readAll(store, 4);
    const racing = writingBeforeFirstUpdate(client, async () => {
      // A writer outside ifmatch that changes the value and no system attribute.
      await client.send(
        new UpdateItemCommand({
          TableName: 'pinned',
          Key: marshall({ pk: keyOf(1) }),
          UpdateExpression: 'SET #v.quantity = :q',
          ExpressionAttributeNames: { '#v': 'value' },
          ExpressionAttributeValues: marshall({ ':q': 99 }),
        }),
      );
      await store.update(keyOf(2), (o) => ({ ...o, quantity: 42 }), UNCONDITIONAL);
      await client.send(
        new UpdateItemCommand({
          TableName: 'pinned',
          Key: marshall({ pk: keyOf(3) }),
          UpdateExpression: 'SET version = :v',
          ExpressionAttributeValues: marshall({ ':v': 7 }),
        }),
      );
    });
    const report = await backfillDynamo({ client: racing, table, attributes, strategy: 'hash', secret });
    expect(report.run).toEqual({ scanned: 4, updated: 1, skipped: 3, errors: 0 });
    const raw = async (key: string) =>
      unmarshall(
        (
          await client.send(
            new GetItemCommand({ TableName: 'pinned', Key: marshall({ pk: key }), ConsistentRead: true }),
          )
        ).Item ?? {},
      );
    // Untouched: its hash stored, its tag unchanged. Changed outside ifmatch: no hash of the old value.
    expect((await raw(keyOf(0))).etagHash).toBe(before.get(keyOf(0))?.etag.opaque);
    expect(await raw(keyOf(1))).not.toHaveProperty('etagHash');
    const old = before.get(keyOf(1));
    if (old === undefined) throw new Error('missing');
    expect(await store.put(keyOf(1), old.value, { etagIn: [old.etag] })).toMatchObject({ ok: false });
    const next = await backfillDynamo({ client, table, attributes, strategy: 'hash', secret });
    expect(next.run).toEqual({ scanned: 2, updated: 2, skipped: 0, errors: 0 });
    expect((await raw(keyOf(1))).etagHash).toBe((await store.get(keyOf(1)))?.etag.opaque);
    expect((await store.get(keyOf(1)))?.value.quantity).toBe(99);
    // The top-level layout cannot pin a whole item: no hashes there.
    await expect(backfillDynamo({ client, table, strategy: 'hash', secret })).rejects.toThrow(/map layout/);
    client.destroy();
  });

  it('fills a version or time of another type (another writer’s string or boolean) or a time past 2^53 (nanoseconds), as the store reads them; an unreadable item is a failure, not the end', async () => {
    const client = (await start()).client();
    await createTable(client, 'foreign-types');
    const put = (item: Record<string, unknown>) =>
      client.send(new PutItemCommand({ TableName: 'foreign-types', Item: marshall(item) }));
    const order = { customer: 'c', quantity: 1, lines: [] };
    await put({ pk: 'string', ...order, version: '3', modifiedAt: '2024-05-01T10:00:00Z' });
    await put({ pk: 'boolean', ...order, version: true, modifiedAt: false });
    await put({ pk: 'fine', ...order, version: 4, modifiedAt: 1_700_000_000_000 });
    await put({ pk: 'nanos', ...order, version: 2, modifiedAt: 1_700_000_000_000_000_001n });
    // A number no JavaScript value holds (the SDK cannot unmarshall it): a failure of the run, not its end.
    await client.send(
      new PutItemCommand({
        TableName: 'foreign-types',
        Item: { pk: { S: 'huge' }, big: { N: '12345678901234567890.5' } },
      }),
    );
    const table = { name: 'foreign-types', partitionKey: 'pk' };
    const store = createDynamoStore<Order, string>({ client, table });
    const before = new Map<string, StoredRecord<Order, string>>();
    for (const key of ['string', 'boolean']) {
      const read = await store.get(key);
      expect(read?.version).toBe(0);
      expect(read?.lastModified).toBeUndefined();
      before.set(key, read as StoredRecord<Order, string>);
    }
    const nanos = await store.get('nanos');
    expect(nanos?.version).toBe(2);
    expect(nanos?.lastModified).toBeUndefined();
    before.set('nanos', nanos as StoredRecord<Order, string>);

    const started = Date.now();
    const report = await backfillDynamo({ client, table });
    expect(report.run).toEqual({ scanned: 4, updated: 3, skipped: 0, errors: 1 });
    expect(report.complete).toBe(true);
    expect(report.failures).toEqual([{ key: undefined, message: expect.stringMatching(/"huge".*cannot be read/) }]);
    await client.send(new DeleteItemCommand({ TableName: 'foreign-types', Key: { pk: { S: 'huge' } } }));
    const items = new Map((await rawItems(client, 'foreign-types')).map((item) => [item.pk, item]));
    for (const key of ['string', 'boolean']) {
      expect(items.get(key)).toMatchObject({ version: 0, modifiedAt: expect.any(Number) });
      expect(items.get(key)?.modifiedAt).toBeGreaterThanOrEqual(started);
    }
    expect(items.get('nanos')).toMatchObject({ version: 2, modifiedAt: expect.any(Number) });
    expect(items.get('nanos')?.modifiedAt).toBeGreaterThanOrEqual(started);
    expect(items.get('fine')).toMatchObject({ version: 4, modifiedAt: 1_700_000_000_000 });
    // The tags handed out before name the same content still: the version they named it keeps.
    expect((await expectValidForSameContentOrStale(store, before)).valid).toBe(3);
    client.destroy();
  });

  it('resumes every segment where it stopped, and a dry run writes nothing', async () => {
    const client = (await start()).client();
    await createTable(client, 'segments');
    await legacyItems(client, 'segments', 60, 'top');
    const table = { name: 'segments', partitionKey: 'pk' };
    const dry = await backfillDynamo({ client, table, segments: 3, dryRun: true, batchSize: 7 });
    expect(dry).toMatchObject({ dryRun: true, complete: true, run: { scanned: 60, updated: 60 } });
    expect((await rawItems(client, 'segments')).every((item) => item.version === undefined)).toBe(true);

    const stop = new AbortController();
    const seen: unknown[] = [];
    const first = await backfillDynamo({
      client,
      table,
      segments: 3,
      batchSize: 7,
      signal: stop.signal,
      onProgress: (progress) => {
        seen.push(...progress.batch.updated);
        if (progress.run.scanned >= 20) stop.abort();
      },
    });
    expect(first.complete).toBe(false);
    expect(first.checkpoint.lanes.some((lane) => lane.after !== null && !lane.done)).toBe(true);
    const second = await backfillDynamo({
      client,
      table,
      segments: 3,
      batchSize: 7,
      checkpoint: JSON.parse(JSON.stringify(first.checkpoint)),
      onProgress: (progress) => void seen.push(...progress.batch.updated),
    });
    expect(second).toMatchObject({ complete: true, totals: { scanned: 60, updated: 60 } });
    expect(first.run.scanned + second.run.scanned).toBe(60);
    expect(new Set(seen).size).toBe(60);
    expect(seen).toHaveLength(60);
    await expect(backfillDynamo({ client, table, segments: 2, checkpoint: first.checkpoint })).rejects.toThrow(/lanes/);
    client.destroy();
  });

  it('stops on a lost server with the checkpoint of the last completed batch', async () => {
    const local = await startDynamoLocal();
    const client = local.client({ maxAttempts: 1 });
    let stopped: Promise<void> | undefined;
    const stop = () => {
      stopped ??= local.stop();
      return stopped;
    };
    try {
      await createTable(client, 'lost');
      for (let i = 0; i < 5; i++) {
        await client.send(new PutItemCommand({ TableName: 'lost', Item: marshall({ pk: keyOf(i) }) }));
      }
      const failed = await backfillDynamo({
        client,
        table: { name: 'lost', partitionKey: 'pk' },
        batchSize: 2,
        onProgress: stop, // the server goes away after the first batch
      }).catch((error: unknown) => error);
      expect(failed).toMatchObject({ name: 'BackfillError', code: 'TRANSPORT' });
      const { checkpoint } = failed as BackfillError;
      expect(checkpoint.totals).toMatchObject({ scanned: 2, updated: 2 });
      expect(checkpoint.lanes).toEqual([{ after: { pk: { S: expect.any(String) } }, done: false }]);
    } finally {
      client.destroy();
      await stop();
    }
  }, 60_000);
});
