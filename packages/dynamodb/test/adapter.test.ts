import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { errorCodeOf } from '@ifmatch/contract';
import { UNCONDITIONAL } from '@ifmatch/core';
import { createDynamoStore } from '@ifmatch/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toIfMatchError } from '../src/errors.js';
import { clientFor, createTable, type DynamoServer, javaAvailable, startDynamoLocal } from './dynamodb-local.js';

describe.runIf(javaAvailable())('@ifmatch/dynamodb on DynamoDB Local', () => {
  let server: DynamoServer;
  beforeAll(async () => {
    server = await startDynamoLocal();
    await createTable(server.client(), 'lines', 'sk');
    await createTable(server.client(), 'docs');
  });
  afterAll(() => server?.stop());

  it('uses a sort key: keys are { pk, sk } objects', async () => {
    const store = createDynamoStore<{ sku: string }, { pk: string; sk: string }>({
      client: server.client(),
      table: { name: 'lines', partitionKey: 'pk', sortKey: 'sk' },
    });
    // A key object with more than its parts: the record's key is the parts, as a read gives them.
    const given = { pk: 'order-1', sk: 'line-1', note: 'not a key part' };
    const created = await store.create(given, { sku: 'tea' });
    expect(created.ok && created.record.key).toStrictEqual({ pk: 'order-1', sk: 'line-1' });
    expect(created.ok && created.record.key).toStrictEqual((await store.get(given))?.key);
    await store.create({ pk: 'order-1', sk: 'line-2' }, { sku: 'milk' });
    expect((await store.get({ pk: 'order-1', sk: 'line-1' }))?.value).toEqual({ sku: 'tea' });
    expect((await store.get({ pk: 'order-1', sk: 'line-2' }))?.value).toEqual({ sku: 'milk' });
    await expect(store.get({ pk: 'order-1' } as never)).rejects.toThrow(TypeError);
  });

  it('round-trips numbers, nested maps, lists, binary and empty strings', async () => {
    const store = createDynamoStore<Record<string, unknown>, string>({
      client: server.client(),
      table: { name: 'docs', partitionKey: 'pk' },
    });
    const value = {
      int: 42,
      float: -0.125,
      big: 2 ** 52,
      empty: '',
      nested: { list: [1, 'two', { three: [true, null] }], map: { a: { b: 'c' } } },
      bytes: new Uint8Array([0, 1, 254, 255]),
    };
    await store.create('values', value);
    expect((await store.get('values'))?.value).toEqual(value);
  });

  it('keeps the value in one attribute and the system fields beside it, under names you choose', async () => {
    const client = server.client();
    const store = createDynamoStore<{ n: number }, string>({
      client,
      table: { name: 'docs', partitionKey: 'pk' },
      attributes: { value: 'body', version: 'rev', modifiedAt: 'changed at', hash: 'digest', writeId: 'op' },
      strategy: 'hash',
    });
    const created = await store.create('named', { n: 1 });
    const { Item } = await client.send(new GetItemCommand({ TableName: 'docs', Key: { pk: { S: 'named' } } }));
    const item = unmarshall(Item!);
    expect(item).toMatchObject({ pk: 'named', body: { n: 1 }, rev: 1 });
    expect(created.ok && created.record.etag.opaque).toBe(item.digest);
    expect(typeof item['changed at']).toBe('number');
  });

  it('refuses an item over DynamoDB’s size limit as INVALID_VALUE', async () => {
    const store = createDynamoStore<{ blob: string }, string>({
      client: server.client(),
      table: { name: 'docs', partitionKey: 'pk' },
    });
    expect(await errorCodeOf(store.create('huge', { blob: 'x'.repeat(500 * 1024) }))).toBe('INVALID_VALUE');
    expect(await store.get('huge')).toBeUndefined();
  });

  it.each([
    ['top-level attributes (PutItem)', undefined],
    ['a map attribute (UpdateItem)', 'value'],
  ])('recognises its own write when the SDK retries a request that had succeeded: %s', async (_layout, value) => {
    const client = server.client();
    // The first write reaches DynamoDB, its answer is "lost", and it is sent again.
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'UpdateItemCommand' && context.commandName !== 'PutItemCommand') return next(args);
        await next(args);
        return next(args);
      },
      { step: 'finalizeRequest', name: 'sendTwice' },
    );
    const store = createDynamoStore<{ n: number }, string>({
      client,
      table: { name: 'docs', partitionKey: 'pk' },
      ...(value === undefined ? {} : { attributes: { value } }),
    });
    const key = `twice-${value ?? 'top'}`;
    const created = await store.create(key, { n: 1 });
    expect(created.ok && created.created).toBe(true);
    const updated = await store.put(key, { n: 2 }, { etagIn: [created.ok ? created.record.etag : never()] });
    expect(updated.ok && updated.record).toMatchObject({ version: 2, value: { n: 2 } });
  });

  it('keeps the value’s members as the item’s own attributes by default, and reads items it did not write', async () => {
    const client = server.client();
    const store = createDynamoStore<Record<string, unknown>, string>({
      client,
      table: { name: 'docs', partitionKey: 'pk' },
    });
    await store.create('top', { sku: 'tea', qty: 2, tags: ['a'] });
    const { Item } = await client.send(new GetItemCommand({ TableName: 'docs', Key: { pk: { S: 'top' } } }));
    expect(unmarshall(Item ?? {})).toMatchObject({ pk: 'top', sku: 'tea', qty: 2, tags: ['a'], version: 1 });
    // A single-table design's item written by someone else: its attributes are its value.
    await client.send(
      new PutItemCommand({
        TableName: 'docs',
        Item: marshall({ pk: 'USER#1', type: 'user', name: 'Ada', gsi1pk: 'ORG#9' }),
      }),
    );
    const user = await store.get('USER#1');
    expect(user).toMatchObject({ value: { type: 'user', name: 'Ada', gsi1pk: 'ORG#9' }, version: 0 });
    const renamed = await store.put('USER#1', { ...user?.value, name: 'Ada L.' }, { etagIn: [user?.etag ?? never()] });
    expect(renamed.ok && renamed.record).toMatchObject({ version: 1, value: { name: 'Ada L.', gsi1pk: 'ORG#9' } });
    // A put replaces the item: attributes left out are gone (and an item created before the
    // store keeps having no incarnation).
    await store.put('USER#1', { type: 'user' }, UNCONDITIONAL);
    const { Item: after } = await client.send(new GetItemCommand({ TableName: 'docs', Key: { pk: { S: 'USER#1' } } }));
    expect(Object.keys(unmarshall(after ?? {})).sort()).toEqual(['modifiedAt', 'pk', 'type', 'version', 'writeId']);
  });

  it('refuses to write an item whose version cannot count on (2^53 and beyond, another writer’s), at once', async () => {
    const client = server.client();
    const store = createDynamoStore<Record<string, unknown>, string>({
      client,
      table: { name: 'docs', partitionKey: 'pk' },
    });
    await client.send(
      new PutItemCommand({
        TableName: 'docs',
        Item: { pk: { S: 'huge' }, n: { N: '1' }, version: { N: '9007199254740993' }, modifiedAt: { N: '5' } },
      }),
    );
    const started = performance.now();
    const outcome = store.update('huge', (value) => ({ ...value, n: 2 }), UNCONDITIONAL);
    await expect(outcome).rejects.toMatchObject({ code: 'INVALID_VALUE' });
    expect(performance.now() - started).toBeLessThan(2000); // not a hundred retries
    const { Item } = await client.send(new GetItemCommand({ TableName: 'docs', Key: { pk: { S: 'huge' } } }));
    expect(Item?.version).toEqual({ N: '9007199254740993' });
  });

  it('writes over a modification time it reads as none (past 2^53: another writer’s nanoseconds), at once', async () => {
    const client = server.client();
    const store = createDynamoStore<Record<string, unknown>, string>({
      client,
      table: { name: 'docs', partitionKey: 'pk' },
    });
    const nanos = (pk: string) =>
      client.send(
        new PutItemCommand({
          TableName: 'docs',
          Item: { pk: { S: pk }, n: { N: '1' }, version: { N: '1' }, modifiedAt: { N: '1700000000000000001' } },
        }),
      );
    await nanos('nanos');
    const read = await store.get('nanos');
    expect(read?.lastModified).toBeUndefined();
    const started = performance.now();
    const put = await store.put('nanos', { n: 2 }, { etagIn: read ? [read.etag] : [] });
    expect(put.ok).toBe(true);
    await nanos('nanos-update');
    expect((await store.update('nanos-update', (value) => ({ ...value, n: 2 }), UNCONDITIONAL)).ok).toBe(true);
    await nanos('nanos-plain');
    expect((await store.put('nanos-plain', { n: 2 }, UNCONDITIONAL)).ok).toBe(true);
    expect(performance.now() - started).toBeLessThan(2000); // not a hundred retries
    const { Item } = await client.send(new GetItemCommand({ TableName: 'docs', Key: { pk: { S: 'nanos' } } }));
    expect(Number(Item?.modifiedAt?.N)).toBeLessThanOrEqual(Date.now());
    expect(Item?.version).toEqual({ N: '2' });
  });

  it('keeps a time just past 2^53 − 1 that the SDK still reads as a number a time in every condition', async () => {
    const client = server.client();
    for (const attributes of [undefined, { value: 'doc' }]) {
      const store = createDynamoStore<Record<string, unknown>, string>({
        client,
        table: { name: 'docs', partitionKey: 'pk' },
        ...(attributes ? { attributes } : {}),
      });
      const pk = `almost-${attributes ? 'map' : 'top'}`;
      const item = attributes
        ? { pk: { S: pk }, doc: { M: { n: { N: '1' } } }, version: { N: '1' } }
        : { pk: { S: pk }, n: { N: '1' }, version: { N: '1' } };
      // 9007199254740991.4 reads as 9007199254740991: a time ahead of every clock, not a missing one.
      await client.send(
        new PutItemCommand({ TableName: 'docs', Item: { ...item, modifiedAt: { N: '9007199254740991.4' } } }),
      );
      expect((await store.get(pk))?.lastModified).toBe(9007199254740991);
      const since = { unmodifiedSince: Date.parse('2024-01-01T00:00:00Z') };
      expect(await store.put(pk, { n: 2 }, since)).toMatchObject({ ok: false, reason: 'precondition-failed' });
      expect(await store.delete(pk, since)).toMatchObject({ ok: false, reason: 'precondition-failed' });
      const { Item } = await client.send(new GetItemCommand({ TableName: 'docs', Key: { pk: { S: pk } } }));
      expect(Item?.modifiedAt).toEqual({ N: '9007199254740991.4' });
    }
  });

  it('refuses a value that would set the key or a system attribute, and NaN, as INVALID_VALUE', async () => {
    const store = createDynamoStore<Record<string, unknown>, string>({
      client: server.client(),
      table: { name: 'docs', partitionKey: 'pk' },
    });
    expect(await errorCodeOf(store.create('bad', { pk: 'other' }))).toBe('INVALID_VALUE');
    expect(await errorCodeOf(store.create('bad', { version: 9 }))).toBe('INVALID_VALUE');
    expect(await errorCodeOf(store.create('bad', { n: Number.NaN }))).toBe('INVALID_VALUE');
    expect(await store.get('bad')).toBeUndefined();
    expect((await store.put('ok', { pk: 'ok', n: 1 }, UNCONDITIONAL)).ok).toBe(true);
  });

  it('never splices data into expressions: odd attribute names and values are passed as such', async () => {
    const client = server.client();
    const store = createDynamoStore<{ 'a) OR (b': string }, string>({
      client,
      table: { name: 'docs', partitionKey: 'pk' },
      attributes: { value: 'v) OR attribute_exists(#pk' },
    });
    const created = await store.create(':now #pk', { 'a) OR (b': ':one' });
    expect(created.ok && created.record.value).toEqual({ 'a) OR (b': ':one' });
    const stale = await store.put(':now #pk', { 'a) OR (b': 'x' }, { etagIn: [{ weak: false, opaque: 'v9' }] });
    expect(stale.ok).toBe(false);
    // An item written by someone else outside the store is still judged by its version.
    await client.send(
      new UpdateItemCommand({
        TableName: 'docs',
        Key: { pk: { S: ':now #pk' } },
        UpdateExpression: 'SET #v = :v',
        ExpressionAttributeNames: { '#v': 'version' },
        ExpressionAttributeValues: { ':v': { N: '7' } },
      }),
    );
    expect((await store.get(':now #pk'))?.etag.opaque).toMatch(/^v7\./);
  });
});

describe.runIf(javaAvailable())('@ifmatch/dynamodb when the server goes away', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ifmatch-dynamodb-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports a transport error, never a conflict, and nothing partial is written', async () => {
    const first = await startDynamoLocal({ dbPath: dir });
    await createTable(first.client(), 'faults');
    const store = createDynamoStore<{ n: number }, string>({
      client: clientFor(first.endpoint, { maxAttempts: 1 }),
      table: { name: 'faults', partitionKey: 'pk' },
    });
    const created = await store.create('k', { n: 1 });
    if (!created.ok) throw new Error('seed failed');
    await first.stop();

    // A request on a connection kept alive from before the stop may have gone out before the
    // reset: then the honest answer for a write is OUTCOME_UNKNOWN. Either way, never a conflict.
    expect(['TRANSPORT', 'OUTCOME_UNKNOWN']).toContain(
      await errorCodeOf(store.put('k', { n: 2 }, { etagIn: [created.record.etag] })),
    );
    expect(await errorCodeOf(store.get('k'))).toBe('TRANSPORT');

    // The same data, served again on the same port: the record is as it was.
    const port = Number(new URL(first.endpoint).port);
    const second = await startDynamoLocal({ dbPath: dir, port });
    try {
      const record = await store.get('k');
      expect(record).toMatchObject({ value: { n: 1 }, version: 1 });
      expect((await store.put('k', { n: 2 }, { etagIn: [created.record.etag] })).ok).toBe(true);
    } finally {
      await second.stop();
    }
  });
});

describe('toIfMatchError', () => {
  const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });
  it.each([
    ['ProvisionedThroughputExceededException', 'write', 'THROTTLED'],
    ['ThrottlingException', 'read', 'THROTTLED'],
    ['RequestLimitExceeded', 'write', 'THROTTLED'],
    ['ValidationException', 'write', 'INVALID_VALUE'],
    ['InternalServerError', 'write', 'OUTCOME_UNKNOWN'],
    ['TimeoutError', 'write', 'OUTCOME_UNKNOWN'],
    ['TimeoutError', 'read', 'TRANSPORT'],
    ['ResourceNotFoundException', 'read', 'STORE_ERROR'],
  ] as const)('maps %s on a %s to %s', (name, kind, code) => {
    const mapped = toIfMatchError(named(name), kind);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBeInstanceOf(Error);
  });

  it('maps socket errors by whether the request can have been sent', () => {
    expect(toIfMatchError(named('Error', { code: 'ECONNREFUSED' }), 'write').code).toBe('TRANSPORT');
    expect(toIfMatchError(named('Error', { code: 'ECONNRESET' }), 'write').code).toBe('OUTCOME_UNKNOWN');
  });
});

function never(): never {
  throw new Error('unreachable');
}
