/**
 * A write whose attempt DynamoDB applied, but whose answer the client never read: a 500, or a
 * connection lost once the request was sent. The AWS SDK would send it again; here the request
 * handler of a real client on DynamoDB Local applies the first attempt, lets another writer in,
 * then answers so. Without `sendOnce` the second attempt meets the other writer's item and reads
 * as a conflict (an update applied twice), or recreates a record deleted meanwhile.
 */
import { Readable } from 'node:stream';
import { type DynamoDBClient, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { errorCodeOf, present } from '@ifmatch/contract';
import { type EntityTag, type Store, UNCONDITIONAL } from '@ifmatch/core';
import { createDynamoStore } from '@ifmatch/dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leftNothingWritten, toIfMatchError, WriteNotResent } from '../src/errors.js';
import { clientFor, createTable, type DynamoServer, javaAvailable, startDynamoLocal } from './dynamodb-local.js';

type Answer =
  | 'status 500'
  | 'connection lost'
  | 'fetch failed'
  | 'throttled'
  | 'never connected'
  | 'reset unread'
  | 'still on its way';
type Handler = { handle(request: { headers: Record<string, string> }, options?: unknown): Promise<unknown> };

/** A client whose next write is answered as `answer` says, after `meanwhile` ran. */
function lossyClient(endpoint: string, cacheMiddleware = false) {
  const client = clientFor(endpoint, { maxAttempts: 3 });
  if (cacheMiddleware) (client.config as { cacheMiddleware?: boolean }).cacheMiddleware = true;
  const config = client.config as unknown as { requestHandler: Handler };
  const real = config.requestHandler;
  const state = {
    writesSent: 0,
    next: undefined as { answer: Answer; meanwhile: () => Promise<void> } | undefined,
    /** What happens before the next write reaches DynamoDB. */
    beforeNextWrite: undefined as (() => Promise<void>) | undefined,
  };
  config.requestHandler = {
    async handle(request, options) {
      const target = request.headers['x-amz-target'] ?? '';
      if (!/\.(PutItem|UpdateItem|DeleteItem)$/.test(target)) return real.handle(request, options);
      state.writesSent++;
      const before = state.beforeNextWrite;
      state.beforeNextWrite = undefined;
      await before?.();
      const planned = state.next;
      if (planned === undefined) return real.handle(request, options);
      state.next = undefined;
      if (planned.answer === 'still on its way') {
        // The connection breaks, the request not yet applied; DynamoDB applies it later, just
        // before the next write arrives, and another writer gets in between the two.
        state.beforeNextWrite = async () => {
          await real.handle(request, options);
          await planned.meanwhile();
        };
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      if (planned.answer === 'throttled') return answer(400, 'ProvisionedThroughputExceededException'); // nothing written
      if (planned.answer === 'reset unread') {
        // A kept-alive connection the other end had closed: the request never reached DynamoDB.
        // Another writer may get in before the next write.
        state.beforeNextWrite = planned.meanwhile;
        throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      }
      if (planned.answer === 'never connected') {
        // As the SDK's node:http handler says it: nothing was sent.
        throw Object.assign(new Error('the request socket did not establish a connection with the server'), {
          name: 'TimeoutError',
        });
      }
      await real.handle(request, options); // applied by DynamoDB…
      await planned.meanwhile(); // …another writer gets in…
      if (planned.answer === 'status 500') return answer(500, 'InternalServerError'); // …and the answer is lost
      // How fetch (the SDK's handler in other runtimes) says a connection was lost.
      if (planned.answer === 'fetch failed') throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    },
  };
  return {
    client: client as DynamoDBClient,
    state,
    failNextWrite(answer: Answer, meanwhile: () => Promise<void> = async () => {}) {
      state.next = { answer, meanwhile };
    },
  };
}

function answer(statusCode: number, type: string) {
  const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: type });
  return {
    response: {
      statusCode,
      reason: type,
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': 'ifmatch-test' },
      body: Readable.from([Buffer.from(body)]),
    },
  };
}

const layouts = [
  ['top-level attributes (PutItem)', undefined],
  ['a map attribute (UpdateItem)', 'value'],
] as const;

describe.runIf(javaAvailable())('@ifmatch/dynamodb: a write that may have been applied is not sent again', () => {
  let server: DynamoServer;
  beforeAll(async () => {
    server = await startDynamoLocal();
    await createTable(server.client(), 'resent');
  });
  afterAll(() => server?.stop());

  const storeOn = (client: DynamoDBClient, value: string | undefined): Store<{ n: number }, string> =>
    createDynamoStore<{ n: number }, string>({
      client,
      table: { name: 'resent', partitionKey: 'pk' },
      ...(value === undefined ? {} : { attributes: { value } }),
    });

  describe.each(layouts)('%s', (layout, value) => {
    const other = () => storeOn(clientFor(server.endpoint, { maxAttempts: 1 }), value);
    /** A store on a client whose next write can be made to fail, and a key of the test's own. */
    const lossyStore = (name: string, cacheMiddleware = false) => {
      const lossy = lossyClient(server.endpoint, cacheMiddleware);
      return { lossy, store: storeOn(lossy.client, value), key: `${name}-${layout}` };
    };

    it.each([
      ['status 500', false],
      ['connection lost', false],
      ['fetch failed', false],
      ['status 500', true],
    ] as const)(
      'update(): a first attempt applied, then answered by a %s (cacheMiddleware %s), is OUTCOME_UNKNOWN, applied once',
      async (answer, cache) => {
        const { lossy, store, key } = lossyStore(`update-${answer}-${cache}`, cache);
        // The user's own writes first, sent as users send them: a client that caches its handlers
        // keeps the one it resolved for each kind of command, here without the store's middleware.
        await lossy.client.send(new PutItemCommand({ TableName: 'resent', Item: { pk: { S: `${key}-user` } } }));
        await lossy.client.send(
          new UpdateItemCommand({
            TableName: 'resent',
            Key: { pk: { S: `${key}-user` } },
            UpdateExpression: 'SET n = :n',
            ExpressionAttributeValues: { ':n': { N: '1' } },
          }),
        );
        await other().create(key, { n: 0 });
        const sentBefore = lossy.state.writesSent;
        lossy.failNextWrite(answer, async () => {
          await other().update(key, (current) => ({ n: current.n + 1 }), UNCONDITIONAL);
        });
        const outcome = store.update(key, (current) => ({ n: current.n + 1 }), UNCONDITIONAL);
        expect(await errorCodeOf(outcome)).toBe('OUTCOME_UNKNOWN');
        expect(lossy.state.writesSent - sentBefore).toBe(1); // not sent again
        // One increment each: the other writer's on top of this one's, none applied twice.
        expect(present(await store.get(key)).value).toEqual({ n: 2 });
      },
    );

    it('a create answered by a lost connection is not sent again: the record deleted meanwhile stays deleted, its tags dead', async () => {
      const { lossy, store, key } = lossyStore('create');
      let tagBeforeDelete: EntityTag | undefined;
      lossy.failNextWrite('connection lost', async () => {
        const read = present(await other().get(key));
        tagBeforeDelete = read.etag;
        const deleted = await other().delete(key, { etagIn: [read.etag] });
        expect(deleted.ok).toBe(true);
      });
      expect(await errorCodeOf(store.create(key, { n: 1 }))).toBe('OUTCOME_UNKNOWN');
      expect(lossy.state.writesSent).toBe(1);
      expect(await store.get(key)).toBeUndefined();
      // A tag of the deleted record's life matches nothing: the record did not come back.
      const stale = await other().put(key, { n: 9 }, { etagIn: [tagBeforeDelete ?? never()] });
      expect(stale.ok).toBe(false);
      expect(await store.get(key)).toBeUndefined();
    });

    it('a write pinned to a version, applied, its answer lost, nobody in between: read, found with its id, ok', async () => {
      const { lossy, store, key } = lossyStore('applied');
      const tag = await createdTag(store, key);
      lossy.failNextWrite('connection lost');
      const put = await store.put(key, { n: 2 }, { etagIn: [tag] });
      expect(put.ok && put.record).toMatchObject({ version: 2, value: { n: 2 } });
      expect(put.ok && put.record.etag).toEqual(present(await store.get(key)).etag);
      expect(lossy.state.writesSent).toBe(2); // the create, and the put once
    });

    it('a write pinned to a version that DynamoDB never read (a reset kept-alive connection): read, still in its state, sent once more, ok', async () => {
      const { lossy, store, key } = lossyStore('unread');
      const tag = await createdTag(store, key);
      lossy.failNextWrite('reset unread');
      const updated = await store.update(key, (current) => ({ n: current.n + 1 }), { etagIn: [tag] });
      expect(updated.ok && updated.record).toMatchObject({ version: 2, value: { n: 2 } });
      expect(lossy.state.writesSent).toBe(3); // the create, the attempt never read, the one sent after reading
      expect(present(await store.get(key)).value).toEqual({ n: 2 });
    });

    it('a pinned write still on its way when read, applied before the one sent after, then written over: OUTCOME_UNKNOWN, applied once', async () => {
      const { lossy, store, key } = lossyStore('on-its-way');
      await other().create(key, { n: 0 });
      lossy.failNextWrite('still on its way', async () => {
        await other().update(key, (current) => ({ n: current.n + 1 }), UNCONDITIONAL);
      });
      const outcome = store.update(key, (current) => ({ n: current.n + 1 }), UNCONDITIONAL);
      expect(await errorCodeOf(outcome)).toBe('OUTCOME_UNKNOWN');
      expect(lossy.state.writesSent).toBe(2); // the attempt that broke, and the one sent after the read
      // One increment each: this one's (the first attempt), the other's on top; none twice.
      expect(present(await store.get(key)).value).toEqual({ n: 2 });
    });

    it('a pinned write never read, another writer in before the one sent after: a conflict, and update() applies once', async () => {
      const { lossy, store, key } = lossyStore('written-over');
      await other().create(key, { n: 0 });
      lossy.failNextWrite('reset unread', async () => {
        await other().update(key, (current) => ({ n: current.n + 1 }), UNCONDITIONAL);
      });
      const updated = await store.update(key, (current) => ({ n: current.n + 1 }), UNCONDITIONAL);
      expect(updated.ok && updated.record).toMatchObject({ version: 3, value: { n: 2 } });
      expect(lossy.state.writesSent).toBe(3); // the attempt never read, the one sent after it, update()'s next
    });

    it('a write pinned to version 0 (an item another program wrote) is not sent again after an unsettled attempt', async () => {
      const { lossy, store, key } = lossyStore('foreign');
      const item =
        value === undefined ? { pk: { S: key }, n: { N: '0' } } : { pk: { S: key }, value: { M: { n: { N: '0' } } } };
      await lossy.client.send(new PutItemCommand({ TableName: 'resent', Item: item }));
      const sentBefore = lossy.state.writesSent;
      lossy.failNextWrite('reset unread');
      const outcome = store.update(key, (current) => ({ n: current.n + 1 }), UNCONDITIONAL);
      expect(await errorCodeOf(outcome)).toBe('OUTCOME_UNKNOWN');
      expect(lossy.state.writesSent - sentBefore).toBe(1);
    });

    it('a create, applied, its answer lost: read, found with its id, created', async () => {
      const { lossy, store, key } = lossyStore('created');
      lossy.failNextWrite('status 500');
      const created = await store.create(key, { n: 1 });
      expect(created.ok && created.record).toMatchObject({ version: 1, value: { n: 1 } });
      expect(lossy.state.writesSent).toBe(1);
    });

    it('a create that DynamoDB never read is OUTCOME_UNKNOWN: a record not there may have been created and deleted', async () => {
      const { lossy, store, key } = lossyStore('never-created');
      lossy.failNextWrite('reset unread');
      expect(await errorCodeOf(store.create(key, { n: 1 }))).toBe('OUTCOME_UNKNOWN');
      expect(lossy.state.writesSent).toBe(1);
      expect(await store.get(key)).toBeUndefined();
    });

    it('a delete applied, then answered by a 500, is OUTCOME_UNKNOWN, not "not found"', async () => {
      const { lossy, store, key } = lossyStore('delete');
      const tag = await createdTag(store, key);
      lossy.failNextWrite('status 500');
      const outcome = store.delete(key, { etagIn: [tag] });
      expect(await errorCodeOf(outcome)).toBe('OUTCOME_UNKNOWN');
      expect(lossy.state.writesSent).toBe(2); // the create, and the delete once
      expect(await store.get(key)).toBeUndefined();
    });

    it.each(['throttled', 'never connected'] as const)(
      'an attempt %s, which wrote nothing, is still sent again by the SDK and succeeds',
      async (failed) => {
        const { lossy, store, key } = lossyStore(failed);
        const tag = await createdTag(store, key);
        lossy.failNextWrite(failed);
        const put = await store.put(key, { n: 2 }, { etagIn: [tag] });
        expect(put.ok && put.record).toMatchObject({ version: 2, value: { n: 2 } });
        expect(lossy.state.writesSent).toBe(3); // the create, the failed attempt and the one sent again
      },
    );
  });
});

describe('which failed attempts of a write are sent again', () => {
  const failure = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });
  const status = (name: string, httpStatusCode: number) => failure(name, { $metadata: { httpStatusCode } });
  it.each([
    ['a failed condition (400)', 'again', status('ConditionalCheckFailedException', 400)],
    ['throttling (400)', 'again', status('ProvisionedThroughputExceededException', 400)],
    ['a clock skew (403)', 'again', status('InvalidSignatureException', 403)],
    ['a refused connection', 'again', failure('TimeoutError', { code: 'ECONNREFUSED' })],
    ['no such host', 'again', failure('Error', { code: 'ENOTFOUND' })],
    [
      'a connection timed out before it was made',
      'again',
      failure('TimeoutError', { message: 'did not establish a connection' }),
    ],
    ['fetch failed, refused', 'again', new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })],
    [
      'an HTTP/2 stream refused',
      'again',
      failure('Error', { code: 'ERR_HTTP2_STREAM_ERROR', message: 'NGHTTP2_REFUSED_STREAM' }),
    ],
    ['a 500', 'not again', status('InternalServerError', 500)],
    ['a 503', 'not again', status('ServiceUnavailable', 503)],
    ['a 502 of no known name', 'not again', status('SomethingNew', 502)],
    ['a 200 that could not be read', 'not again', status('SyntaxError', 200)],
    ['a reset connection', 'not again', failure('Error', { code: 'ECONNRESET' })],
    ['a request timeout', 'not again', failure('TimeoutError', { code: 'ETIMEDOUT' })],
    ['fetch failed, reset', 'not again', new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } })],
    ['a browser’s failed fetch', 'not again', new TypeError('Failed to fetch')],
    ['an abort', 'not again', failure('AbortError')],
    ['a failure of no known kind', 'not again', new Error('something else')],
  ] as const)('%s: sent %s', (_what, again, error) => {
    expect(leftNothingWritten(error)).toBe(again === 'again');
  });

  it.each([
    ['a 500', 'write', 'OUTCOME_UNKNOWN', status('InternalServerError', 500)],
    ['a 503', 'write', 'OUTCOME_UNKNOWN', status('ServiceUnavailable', 503)],
    ['a 503', 'read', 'THROTTLED', status('ServiceUnavailable', 503)],
    ['throttling', 'write', 'THROTTLED', status('ProvisionedThroughputExceededException', 400)],
    ['a broken pipe', 'write', 'OUTCOME_UNKNOWN', failure('Error', { code: 'EPIPE' })],
    ['a refused connection', 'write', 'TRANSPORT', failure('Error', { code: 'ECONNREFUSED' })],
  ] as const)('%s on a %s is %s', (_what, kind, code, error) => {
    expect(toIfMatchError(error, kind).code).toBe(code);
  });

  it('an attempt stopped from being sent again is OUTCOME_UNKNOWN, its failure the cause, and gives the SDK none to follow', () => {
    const unread = status('SyntaxError', 200);
    const stopped = new WriteNotResent(unread);
    expect(stopped.cause).toBeUndefined(); // the SDK's retry strategy would follow it
    expect(stopped.message).toContain('SyntaxError');
    expect(toIfMatchError(stopped, 'write')).toMatchObject({ code: 'OUTCOME_UNKNOWN', cause: unread });
  });
});

/** Creates `{ n: 1 }` under `key`; its tag. */
async function createdTag(store: Store<{ n: number }, string>, key: string): Promise<EntityTag> {
  const created = await store.create(key, { n: 1 });
  if (!created.ok) throw new Error('the create failed');
  return created.record.etag;
}

function never(): never {
  throw new Error('unreachable');
}
