/**
 * Requests really sent to DynamoDB Local, counted by a middleware on the client: an `If-Match`
 * put under the version strategy is ONE conditional write in both layouts, never a GetItem
 * followed by a write (the top-level layout's PutItem takes `version + 1` from the tag).
 */
import { type AttributeValue, type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { formatEntityTag, preconditionsToWriteCondition, UNCONDITIONAL, type WriteCondition } from '@ifmatch/core';
import { createDynamoStore } from '@ifmatch/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTable, type DynamoServer, javaAvailable, startDynamoLocal } from './dynamodb-local.js';

/**
 * The name of every command the client sends from now on, once per HTTP request: the
 * middleware sits in the finalizeRequest step, inside the SDK's retries, so a retried request
 * counts twice.
 */
function recordRequests(client: DynamoDBClient): string[] {
  const sent: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      sent.push(context.commandName ?? '(unnamed)');
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordRequests' },
  );
  return sent;
}

/** What `PUT` with `If-Match: <tag>` asks of the store. */
function ifMatch(etag: Parameters<typeof formatEntityTag>[0]): WriteCondition {
  const result = preconditionsToWriteCondition('PUT', { 'if-match': formatEntityTag(etag) });
  if (result.outcome !== 'condition') throw new Error(`no condition: ${result.outcome}`);
  return result.condition;
}

describe.runIf(javaAvailable())('round trips to DynamoDB Local', () => {
  let server: DynamoServer;
  beforeAll(async () => {
    server = await startDynamoLocal();
    await createTable(server.client(), 'trips');
  });
  afterAll(() => server?.stop());

  describe.each([
    ['top-level attributes', undefined, 'PutItemCommand'],
    ['a map attribute', 'value', 'UpdateItemCommand'],
  ])('with %s, under the version strategy', (_layout, value, command) => {
    /** An item another writer left: `{ n: 1 }` under `key` at `version`, no incarnation, and `extra` attributes as given. */
    const putForeign = (
      client: DynamoDBClient,
      key: string,
      version: number | string | boolean,
      extra: Record<string, AttributeValue> = {},
    ) =>
      client.send(
        new PutItemCommand({
          TableName: 'trips',
          Item: {
            ...marshall(value === undefined ? { pk: key, n: 1, version } : { pk: key, [value]: { n: 1 }, version }),
            ...extra,
          },
        }),
      );
    const storeOn = (client: DynamoDBClient) =>
      createDynamoStore<{ n: number }, string>({
        client,
        table: { name: 'trips', partitionKey: 'pk' },
        ...(value === undefined ? {} : { attributes: { value } }),
      });

    it(`sends an If-Match put as one ${command}, and no GetItem`, async () => {
      const client = server.client();
      const store = storeOn(client);
      const key = `match-${value ?? 'top'}`;
      const created = await store.create(key, { n: 1 });
      if (!created.ok) throw new Error('seed failed');

      const sent = recordRequests(client);
      const written = await store.put(key, { n: 2 }, ifMatch(created.record.etag));
      expect(written.ok && written.record).toMatchObject({ version: 2, value: { n: 2 } });
      expect(sent).toEqual([command]);
    });

    it(`refuses a stale If-Match in that one ${command}: the current item comes back with the refusal`, async () => {
      const client = server.client();
      const store = storeOn(client);
      const key = `stale-${value ?? 'top'}`;
      const created = await store.create(key, { n: 1 });
      if (!created.ok) throw new Error('seed failed');
      const newer = await store.put(key, { n: 2 }, ifMatch(created.record.etag));
      if (!newer.ok) throw new Error('second write failed');

      const sent = recordRequests(client);
      const stale = await store.put(key, { n: 3 }, ifMatch(created.record.etag));
      expect(stale).toMatchObject({ ok: false, reason: 'precondition-failed', current: { version: 2 } });
      expect(sent).toEqual([command]);
    });

    it.each([
      ['a string', '3'],
      ['a boolean', true],
    ])(
      'writes an item another writer left with a version that is %s (version 0 to the store)',
      async (what, version) => {
        const client = server.client();
        const store = storeOn(client);
        const key = `foreign-version-${value ?? 'top'}-${what.replaceAll(' ', '-')}`;
        const time = { modifiedAt: { N: '1700000000000' } };
        await putForeign(client, key, version, time);
        const read = await store.get(key);
        expect(read).toMatchObject({ version: 0, value: { n: 1 } });
        // Pinned to version 0: the next version is 1, set as such. (The map layout's UpdateItem
        // computed `if_not_exists(#version, 0) + 1` of the string: a ValidationException.)
        const sent = recordRequests(client);
        const written = await store.put(key, { n: 2 }, ifMatch(read?.etag as never));
        expect(written.ok && written.record).toMatchObject({ version: 1, value: { n: 2 } });
        expect(sent).toEqual([command]);
        // A write that does not pin the version counts from a number only: an item of another
        // type fails its condition, comes back, and core writes it pinned.
        await putForeign(client, key, version, time);
        const unconditional = await store.put(key, { n: 3 }, UNCONDITIONAL);
        expect(unconditional.ok && unconditional.record).toMatchObject({ version: 1, value: { n: 3 } });
      },
    );

    it.each([
      ['no time', {}],
      ['a time that is an ISO string', { modifiedAt: { S: '2024-05-01T10:00:00Z' } }],
      ['a time that is a boolean', { modifiedAt: { BOOL: true } }],
    ])(`writes an item another writer left with %s in two ${command}s, once`, async (what, extra) => {
      const client = server.client();
      const store = storeOn(client);
      const key = `foreign-${value ?? 'top'}-${what.replaceAll(' ', '-')}`;
      // What another writer leaves: a version, no incarnation, and no time the store can read.
      await putForeign(client, key, 3, extra);
      const read = await store.get(key);
      expect(read).toMatchObject({ version: 3, value: { n: 1 } });
      // No Last-Modified (a string time used to read as NaN), and no tag built from it.
      expect(read?.lastModified).toBeUndefined();

      // The first attempt compares the time alone and fails on the item without one; the item
      // comes back with the refusal, satisfies the tag, and the write goes again pinned. (A
      // string time used to fail every attempt: 101 requests, then RETRIES_EXHAUSTED.)
      const sent = recordRequests(client);
      const written = await store.put(key, { n: 2 }, ifMatch(read?.etag as never));
      expect(written.ok && written.record).toMatchObject({ version: 4, value: { n: 2 } });
      expect(sent).toEqual([command, command]);
      // Now it has a time: the next If-Match put is one request again.
      expect((await store.get(key))?.lastModified).toEqual(expect.any(Number));
      sent.length = 0;
      const next = await store.put(key, { n: 3 }, ifMatch((written.ok && written.record.etag) as never));
      expect(next.ok && next.record).toMatchObject({ version: 5, lastModified: expect.any(Number) });
      expect(sent).toEqual([command]);
    });
  });
});
