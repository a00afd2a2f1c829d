import { Writable } from 'node:stream';
import { createMemoryStore, IfMatchError } from '@ifmatch/core';
import { ifmatchPlugin } from '@ifmatch/fastify';
import Fastify, { type FastifyRequest } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';

const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

/** A Fastify app whose log lines the test can read. */
function withLog() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const app = Fastify({ logger: { level: 'info', stream } });
  apps.push(app);
  return { app, lines };
}

describe('@ifmatch/fastify', () => {
  it('logs a store error answered 5xx through request.log, with the request id', async () => {
    const { app, lines } = withLog();
    const store = createMemoryStore<unknown, string>();
    const failing = { ...store, get: () => Promise.reject(new IfMatchError('STORE_ERROR', 'disk on fire')) };
    await app.register(ifmatchPlugin, { prefix: '/items', store: failing });
    const response = await app.inject({ method: 'GET', url: '/items/a' });
    expect(response.statusCode).toBe(500);
    const logged = lines.find((line) => line.msg === 'ifmatch: store error');
    expect(logged).toMatchObject({ level: 50, status: 500, reqId: expect.any(String) });
  });

  it('lets an unexpected error reach Fastify’s error handling (logged, 500)', async () => {
    const { app, lines } = withLog();
    const store = createMemoryStore<unknown, string>();
    const failing = { ...store, get: () => Promise.reject(new Error('a bug')) };
    await app.register(ifmatchPlugin, { prefix: '/items', store: failing });
    const response = await app.inject({ method: 'GET', url: '/items/a' });
    expect(response.statusCode).toBe(500);
    expect(lines.some((line) => (line.err as { message?: string } | undefined)?.message === 'a bug')).toBe(true);
  });

  it('hands key and newKey the Fastify request: records scoped per tenant', async () => {
    const app = Fastify();
    apps.push(app);
    const store = createMemoryStore<unknown, string>();
    const tenant = (request: FastifyRequest) => String(request.headers['x-tenant']);
    await app.register(ifmatchPlugin, {
      prefix: '/items',
      store,
      key: (id: string, request: FastifyRequest) => `${tenant(request)}/${id}`,
      newKey: (_request: Request, request: FastifyRequest) => `${tenant(request)}/new`,
      formatKey: (key: string) => key.split('/')[1]!,
    });
    const post = await app.inject({
      method: 'POST',
      url: '/items',
      headers: { 'x-tenant': 'acme', 'content-type': 'application/json' },
      payload: '{"n":1}',
    });
    expect(post.statusCode).toBe(201);
    expect(post.headers.location).toBe('/items/new');
    expect((await store.get('acme/new'))?.value).toEqual({ n: 1 });
    expect((await app.inject({ url: '/items/new', headers: { 'x-tenant': 'other' } })).statusCode).toBe(404);
  });

  it('keeps the app’s own parsers for its other routes', async () => {
    const app = Fastify();
    apps.push(app);
    await app.register(ifmatchPlugin, { prefix: '/items', store: createMemoryStore<unknown, string>() });
    app.post('/echo', async (request) => request.body);
    const echo = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 } });
    expect(echo.json()).toEqual({ a: 1 });
  });
});
