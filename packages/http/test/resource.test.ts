import { createMemoryStore, formatEntityTag, IfMatchError, type Store } from '@ifmatch/core';
import { conflictCounter, createResource, HttpProblem, isHttpProblem, STORE_ERROR_ANSWERS } from '@ifmatch/http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseJson } from '../src/json.js';
import { parseMediaType } from '../src/media-type.js';

type Doc = Record<string, unknown>;

/** A memory store that counts its round trips. */
function countingStore(): { store: Store<Doc, string>; calls: string[] } {
  const inner = createMemoryStore<Doc, string>();
  const calls: string[] = [];
  const counted =
    <A extends unknown[], R>(name: string, method: (...args: A) => R) =>
    (...args: A): R => {
      calls.push(name);
      return method(...args);
    };
  const store: Store<Doc, string> = {
    strategy: inner.strategy,
    capabilities: inner.capabilities,
    get: counted('get', inner.get),
    create: counted('create', inner.create),
    put: counted('put', inner.put),
    update: counted('update', inner.update),
    delete: counted('delete', inner.delete),
  };
  return { store, calls };
}

const request = (
  method: string,
  headers: Record<string, string> = {},
  body?: BodyInit,
  url = 'http://localhost/items/a',
) => new Request(url, { method, headers, body, duplex: 'half' } as RequestInit);

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('request bodies', () => {
  const store = createMemoryStore<unknown, string>();
  const items = createResource({ store, maxBodyBytes: 1024 });
  const put = (body: BodyInit) =>
    items.handle(request('PUT', { 'If-None-Match': '*', 'Content-Type': 'application/json' }, body), 'a');

  it('refuses a body over the limit with 413, declared or streamed, and writes nothing', async () => {
    expect((await put(JSON.stringify({ blob: 'x'.repeat(2000) }))).status).toBe(413);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(512).fill(0x20));
      },
    });
    expect((await put(endless)).status).toBe(413);
    expect(pulled).toBeLessThan(10); // it stopped reading, it did not buffer the stream
    expect(await store.get('a')).toBeUndefined();
  });

  it('accepts a body at the limit', async () => {
    const body = JSON.stringify({ blob: 'x'.repeat(1000) });
    expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(1024);
    expect((await put(body)).status).toBe(201);
  });

  it('refuses a compressed body it cannot decode (415 with Accept-Encoding), and invalid UTF-8 (400)', async () => {
    const gzip = await items.handle(
      request('PUT', { 'If-None-Match': '*', 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, '{}'),
      'b',
    );
    expect(gzip.status).toBe(415);
    expect(gzip.headers.get('accept-encoding')).toBe('identity');
    const invalid = request(
      'PUT',
      { 'If-None-Match': '*', 'Content-Type': 'application/json' },
      new Uint8Array([0x7b, 0xff, 0x7d]),
    );
    expect((await items.handle(invalid, 'c')).status).toBe(400);
  });
});

describe('one store round trip on the success path', () => {
  it.each([
    ['PUT', { 'Content-Type': 'application/json' }, '{"n": 2}', ['put']],
    ['PATCH', { 'Content-Type': 'application/merge-patch+json' }, '{"n": 2}', ['update']],
    [
      'PATCH',
      { 'Content-Type': 'application/json-patch+json' },
      '[{"op": "replace", "path": "/n", "value": 2}]',
      ['update'],
    ],
    ['DELETE', {}, undefined, ['delete']],
  ])('%s %j costs exactly %j', async (method, headers, body, expected) => {
    const { store, calls } = countingStore();
    const items = createResource({ store });
    const created = await store.create('a', { n: 1 });
    const etag = created.ok ? formatEntityTag(created.record.etag) : '';
    calls.length = 0;
    const response = await items.handle(request(method, { 'If-Match': etag, ...headers }, body), 'a');
    expect(response.status).toBeLessThan(300);
    expect(calls).toEqual(expected);
  });

  it('reads the record only when the content is refused, to answer the preconditions first', async () => {
    const { store, calls } = countingStore();
    const items = createResource({ store });
    await store.create('a', { n: 1 });
    calls.length = 0;
    const stale = await items.handle(
      request('PUT', { 'If-Match': '"made-up"', 'Content-Type': 'text/plain' }, 'x'),
      'a',
    );
    expect(stale.status).toBe(412);
    expect(calls).toEqual(['get']);
  });
});

describe('newKey and Location', () => {
  it('takes crypto.randomUUID as it is, even where it needs crypto as its this (browsers, Deno)', async () => {
    const real = globalThis.crypto;
    const strict = {
      randomUUID(this: unknown) {
        if (this !== strict) throw new TypeError('Illegal invocation');
        return '00000000-0000-4000-8000-000000000000';
      },
      // The store draws each new record's incarnation from it.
      getRandomValues: <A extends Uint8Array>(array: A): A => real.getRandomValues(array),
    };
    vi.stubGlobal('crypto', strict);
    const items = createResource({ store: createMemoryStore<unknown, string>(), newKey: crypto.randomUUID });
    const response = await items.create(
      request('POST', { 'Content-Type': 'application/json' }, '{}', 'http://x/items'),
    );
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/items/00000000-0000-4000-8000-000000000000');
  });

  it('hands newKey the request and the integration’s context (keys scoped per tenant)', async () => {
    const items = createResource<unknown, string, { tenant: string }>({
      store: createMemoryStore<unknown, string>(),
      newKey: (incoming, context) => `${context.tenant}:${new URL(incoming.url).searchParams.get('n')}`,
      formatKey: (key) => key.split(':')[1]!,
    });
    const response = await items.create(
      request('POST', { 'Content-Type': 'application/json' }, '{}', 'http://x/items?n=7'),
      { context: { tenant: 'acme' } },
    );
    expect(response.headers.get('location')).toBe('/items/7');
  });

  it('never takes Location from the Host or an absolute target; a configured baseUrl comes first', async () => {
    const items = createResource({ store: createMemoryStore<unknown, string>() });
    const created = await items.handle(
      request(
        'PUT',
        { 'If-None-Match': '*', 'Content-Type': 'application/json' },
        '{}',
        'http://evil.example//evil.example/x',
      ),
      'x',
    );
    expect(created.headers.get('location')).toBe('/evil.example/x');
    const based = createResource({
      store: createMemoryStore<unknown, string>(),
      baseUrl: 'https://api.example.com/v1/',
    });
    const response = await based.handle(
      request('PUT', { 'If-None-Match': '*', 'Content-Type': 'application/json' }, '{}', 'http://evil.example/items/y'),
      'y',
    );
    expect(response.headers.get('location')).toBe('https://api.example.com/v1/items/y');
  });
});

describe('errors', () => {
  it('answers every code of core on purpose, and reports it to onError with its status', async () => {
    const seen: number[] = [];
    for (const [code, answer] of Object.entries(STORE_ERROR_ANSWERS)) {
      const store = createMemoryStore<unknown, string>();
      const failing = { ...store, get: async () => Promise.reject(new IfMatchError(code as never, 'boom')) };
      const items = createResource({ store: failing, onError: (_error, event) => seen.push(event.status) });
      const response = await items.handle(request('GET'), 'a');
      expect(response.status).toBe(answer.status);
      expect(await response.json()).toMatchObject({ status: answer.status, code });
    }
    expect(seen).toEqual(Object.values(STORE_ERROR_ANSWERS).map((answer) => answer.status));
  });

  it('logs a 5xx through console.error when no onError is given', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const store = createMemoryStore<unknown, string>();
    const failing = { ...store, get: async () => Promise.reject(new IfMatchError('STORE_ERROR', 'disk on fire')) };
    expect((await createResource({ store: failing }).handle(request('GET'), 'a')).status).toBe(500);
    expect(log).toHaveBeenCalledWith('ifmatch: GET answered 500:', expect.objectContaining({ code: 'STORE_ERROR' }));
  });

  it('rejects with an error that is not the store’s, for the framework’s own error handling', async () => {
    const store = createMemoryStore<unknown, string>();
    const failing = { ...store, get: async () => Promise.reject(new Error('bug')) };
    await expect(createResource({ store: failing }).handle(request('GET'), 'a')).rejects.toThrow('bug');
  });

  it('recognises an HttpProblem by its brand, from any copy of the package, never by instanceof', () => {
    const fromAnotherCopy = Object.defineProperty(
      { problem: { status: 409, title: 'Conflict', detail: 'x' } },
      Symbol.for('@ifmatch/http.HttpProblem'),
      { value: true },
    );
    expect(isHttpProblem(fromAnotherCopy)).toBe(true);
    expect(isHttpProblem(new HttpProblem({ status: 400, title: 'Bad Request', detail: 'x' }))).toBe(true);
    expect(isHttpProblem(new Error('x'))).toBe(false);
    expect(isHttpProblem({ problem: { status: 400 } })).toBe(false);
  });
});

describe('parseMediaType (RFC 9110 §8.3.1)', () => {
  it.each([
    ['application/json', 'application/json', {}],
    ['Application/JSON ; Charset="UTF-8"', 'application/json', { charset: 'UTF-8' }],
    ['text/plain;', 'text/plain', {}],
    ['a/b; x="q\\"uoted"; x=second', 'a/b', { x: 'q"uoted' }],
  ])('%j is %s with %j', (value, essence, parameters) => {
    const media = parseMediaType(value);
    expect(media?.essence).toBe(essence);
    expect(Object.fromEntries(media!.parameters)).toEqual(parameters);
  });

  it.each(['', 'json', 'application/', '/json', 'a/b c', 'a/b; x', 'a/b; x="open', 'a/b, c/d', 'x'.repeat(2000)])(
    '%j is not a media type',
    (value) => {
      expect(parseMediaType(value)).toBeUndefined();
    },
  );
});

describe('parseJson', () => {
  const status = (text: string) => {
    try {
      parseJson(text);
      return undefined;
    } catch (error) {
      return isHttpProblem(error) ? error.problem.status : 'not a problem';
    }
  };

  it('refuses nesting past 64 levels with 422, in linear time, whatever the depth', () => {
    expect(status(`${'['.repeat(64)}${']'.repeat(64)}`)).toBeUndefined();
    expect(status(`${'['.repeat(65)}${']'.repeat(65)}`)).toBe(422);
    expect(status(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`)).toBe(422);
  });

  it('refuses a member named twice, also when spelled with an escape', () => {
    expect(status('{"a": 1, "a": 2}')).toBe(400);
    expect(status('{"a": 1, "\\u0061": 2}')).toBe(400);
    expect(status('{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}')).toBeUndefined();
  });

  it('keeps __proto__ as an own member and the prototype intact', () => {
    const value = parseJson('{"__proto__": {"admin": true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value.admin).toBeUndefined();
    expect(Object.keys(value)).toEqual(['__proto__']);
  });
});

describe('conflictCounter', () => {
  it('counts 412s and missing records by method and reason, and passes events on', async () => {
    const seen: string[] = [];
    const conflicts = conflictCounter<string>((event) => seen.push(event.currentEtag ?? 'none'));
    const items = createResource({ store: createMemoryStore<unknown, string>(), onConflict: conflicts.onConflict });
    const put = (headers: Record<string, string>) =>
      items.handle(request('PUT', { 'Content-Type': 'application/json', ...headers }, '{"n":1}'), 'a');
    const created = await put({ 'If-None-Match': '*' });
    expect(created.status).toBe(201);
    const etag = created.headers.get('etag')!;
    expect((await put({ 'If-Match': '"made-up-stale-tag"' })).status).toBe(412);
    expect((await put({ 'If-None-Match': '*' })).status).toBe(412);
    const remove = request('DELETE', { 'If-Match': '"made-up"' }, undefined, 'http://localhost/items/b');
    expect((await items.handle(remove, 'b')).status).toBe(404);
    expect(Object.fromEntries(conflicts.counts)).toEqual({ 'PUT precondition-failed': 2, 'DELETE not-found': 1 });
    expect(seen).toEqual([etag, etag, 'none']);
  });
});
