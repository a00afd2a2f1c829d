import { createMemoryStore, formatEntityTag } from '@ifmatch/core';
import { ifmatchRoutes } from '@ifmatch/hono';
import { Hono } from 'hono';
import { validator } from 'hono/validator';
import { describe, expect, it } from 'vitest';

describe('@ifmatch/hono', () => {
  it('hands key and newKey the context: records scoped per tenant', async () => {
    const store = createMemoryStore<unknown, string>();
    const app = new Hono();
    app.route(
      '/items',
      ifmatchRoutes({
        store,
        key: (id, c) => `${c.req.header('x-tenant')}/${id}`,
        newKey: (_request, c) => `${c.req.header('x-tenant')}/new`,
        formatKey: (key) => key.split('/')[1]!,
      }),
    );
    const post = await app.request('/items', {
      method: 'POST',
      headers: { 'X-Tenant': 'acme', 'Content-Type': 'application/json' },
      body: '{"n":1}',
    });
    expect(post.status).toBe(201);
    expect(post.headers.get('location')).toBe('/items/new');
    expect((await store.get('acme/new'))?.value).toEqual({ n: 1 });
    expect((await app.request('/items/new', { headers: { 'X-Tenant': 'other' } })).status).toBe(404);
  });

  it('reuses the body a validator read: no 500 "ReadableStream is locked", the exact bytes parsed', async () => {
    const store = createMemoryStore<unknown, string>();
    const app = new Hono();
    app.use(
      '/items/*',
      validator('json', (value) => value),
    );
    app.route('/items', ifmatchRoutes({ store }));
    const put = await app.request('/items/a', {
      method: 'PUT',
      headers: { 'If-None-Match': '*', 'Content-Type': 'application/json' },
      body: '{"n": 1, "n": 2}',
    });
    // The validator's JSON.parse kept the last "n"; ifmatch read the text it cached and refuses the repetition.
    expect(put.status).toBe(400);
    const ok = await app.request('/items/a', {
      method: 'PUT',
      headers: { 'If-None-Match': '*', 'Content-Type': 'application/json' },
      body: '{"n": 1}',
    });
    expect(ok.status).toBe(201);
    expect((await store.get('a'))?.value).toEqual({ n: 1 });
  });
});

describe('@ifmatch/hono, when a middleware’s read of the body failed', () => {
  /** A body that breaks off mid-way, as a client that goes away does. */
  const broken = () =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"n":'));
        controller.error(new Error('the client went away'));
      },
    });

  async function app() {
    const store = createMemoryStore<unknown, string>();
    const created = await store.create('a', { n: 1 });
    if (!created.ok) throw new Error('setup');
    const hono = new Hono();
    // A middleware that reads the body and lets the failure pass: Hono caches the rejected read.
    hono.use('/items/*', async (c, next) => {
      await c.req.text().catch(() => {});
      await next();
    });
    hono.route('/items', ifmatchRoutes({ store }));
    const send = (method: string, ifMatch: string) =>
      hono.request('/items/a', {
        method,
        headers: { 'If-Match': ifMatch, 'Content-Type': 'application/json' },
        body: broken(),
        duplex: 'half',
      } as RequestInit);
    const put = (ifMatch: string) => send('PUT', ifMatch);
    return { store, etag: formatEntityTag(created.record.etag), put, send };
  }

  it('evaluates the preconditions first (RFC 9110 §13.2.1): a stale If-Match is 412, not 400', async () => {
    const { store, put } = await app();
    expect((await put('"stale"')).status).toBe(412);
    expect((await store.get('a'))?.value).toEqual({ n: 1 });
  });

  it('answers 400 when the preconditions hold, and writes nothing', async () => {
    const { store, etag, put } = await app();
    const response = await put(etag);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 400, detail: 'the body could not be read to its end' });
    expect((await store.get('a'))?.value).toEqual({ n: 1 });
  });

  it('does not run a DELETE whose body could not be read: 400, and the record stays', async () => {
    const { store, etag, send } = await app();
    const response = await send('DELETE', etag);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ status: 400, detail: 'the body could not be read to its end' });
    expect((await store.get('a'))?.value).toEqual({ n: 1 });
  });
});
