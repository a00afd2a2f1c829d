import { createMemoryStore } from '@ifmatch/core';
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
