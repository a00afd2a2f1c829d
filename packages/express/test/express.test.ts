import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStore } from '@ifmatch/core';
import { ifmatchRouter } from '@ifmatch/express';
import express5 from 'express';
import express4 from 'express4';
import { afterEach, describe, expect, it } from 'vitest';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function listen(app: { listen(port: number, host: string): Server }): Promise<string> {
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server!.once('listening', resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe.each([
  ['Express 5', express5 as unknown as typeof express4],
  ['Express 4', express4],
])('@ifmatch/express on %s', (_version, express) => {
  it('hands key and newKey the request: records scoped per tenant', async () => {
    const store = createMemoryStore<unknown, { tenant: string; id: string }>();
    const app = express();
    app.use((req, _res, next) => {
      (req as unknown as { tenant: string }).tenant = String(req.headers['x-tenant']);
      next();
    });
    const tenantOf = (req: unknown) => (req as { tenant: string }).tenant;
    const router = ifmatchRouter({
      store,
      key: (id, req) => ({ tenant: tenantOf(req), id }),
      newKey: (_request, req) => ({ tenant: tenantOf(req), id: 'new' }),
      formatKey: (key) => key.id,
    });
    app.use('/items', router as unknown as express4.RequestHandler[]);
    const base = await listen(app);
    const post = await fetch(`${base}/items`, {
      method: 'POST',
      headers: { 'X-Tenant': 'acme', 'Content-Type': 'application/json' },
      body: '{"n":1}',
    });
    expect(post.status).toBe(201);
    expect(post.headers.get('location')).toBe('/items/new');
    expect((await store.get({ tenant: 'acme', id: 'new' }))?.value).toEqual({ n: 1 });
    expect((await fetch(`${base}/items/new`, { headers: { 'X-Tenant': 'acme' } })).status).toBe(200);
    expect((await fetch(`${base}/items/new`, { headers: { 'X-Tenant': 'other' } })).status).toBe(404);
  });

  it('passes an unexpected error to next(err), for the application’s error handler', async () => {
    const store = createMemoryStore<unknown, string>();
    const failing = { ...store, get: () => Promise.reject(new Error('a bug')) };
    const seen: string[] = [];
    const app = express();
    app.use('/items', ifmatchRouter({ store: failing }) as unknown as express4.RequestHandler[]);
    app.use((error: Error, _req: express4.Request, res: express4.Response, _next: express4.NextFunction) => {
      seen.push(error.message);
      res.status(500).send('handled');
    });
    const base = await listen(app);
    const response = await fetch(`${base}/items/a`);
    expect(await response.text()).toBe('handled');
    expect(seen).toEqual(['a bug']);
  });

  it('leaves other paths, and GET on the collection, to the next handler', async () => {
    const app = express();
    app.use(
      '/items',
      ifmatchRouter({ store: createMemoryStore<unknown, string>() }) as unknown as express4.RequestHandler[],
    );
    app.get('/items', (_req, res) => {
      res.send('list');
    });
    app.get('/items/a/children', (_req, res) => {
      res.send('children');
    });
    const base = await listen(app);
    expect(await (await fetch(`${base}/items`)).text()).toBe('list');
    expect(await (await fetch(`${base}/items/a/children`)).text()).toBe('children');
  });

  it('answers a malformed percent-encoded id with 400, not an error', async () => {
    const app = express();
    app.use(
      '/items',
      ifmatchRouter({ store: createMemoryStore<unknown, string>() }) as unknown as express4.RequestHandler[],
    );
    const base = await listen(app);
    expect((await fetch(`${base}/items/%E0%A4%A`)).status).toBe(400);
  });
});
