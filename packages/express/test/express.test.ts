import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rawRequest, refusedInFrontByExpressJson } from '@ifmatch/contract';
import { createMemoryStore, formatEntityTag, type WriteCondition } from '@ifmatch/core';
import { ifmatchRouter } from '@ifmatch/express';
import express5 from 'express';
import express4 from 'express4';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';

let server: Server | undefined;
async function closeServer(): Promise<void> {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
}
afterEach(closeServer);

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

  it('leaves an absolute-form target Express finds no path in to the next handler, not a 500', async () => {
    const app = express();
    app.use(
      '/items',
      ifmatchRouter({ store: createMemoryStore<unknown, string>() }) as unknown as express4.RequestHandler[],
    );
    const base = await listen(app);
    const response = await rawRequest(
      base,
      'GET http:///items HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
    );
    expect(response?.status).toBe(404);
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

  it.each([
    ['with no body parser in front', undefined, 9007199254740993n],
    ['behind express.text() for JSON', () => express.text({ type: 'application/json' }), 9007199254740993n],
    ['behind express.raw() for JSON', () => express.raw({ type: 'application/json' }), 9007199254740993n],
    // express.json() parsed the body with JSON.parse before the router saw it.
    ['behind express.json() (rounded there)', () => express.json(), 9007199254740992],
  ])('reads an integer past 2^53 %s', async (_, front, expected) => {
    const written: unknown[] = [];
    const inner = createMemoryStore<unknown, string>();
    // The value the router hands the store: the memory store itself would refuse a bigint.
    const store = {
      ...inner,
      put: async (key: string, value: unknown, condition: WriteCondition) => {
        written.push(value);
        return inner.put(key, {}, condition);
      },
    };
    const app = express();
    if (front) app.use(front());
    app.use('/items', ifmatchRouter({ store }) as unknown as express4.RequestHandler[]);
    const base = await listen(app);
    const headers = { 'If-None-Match': '*', 'Content-Type': 'application/json' };
    const put = await fetch(`${base}/items/a`, { method: 'PUT', headers, body: '{"n":9007199254740993}' });
    expect(put.status).toBe(201);
    expect(written).toEqual([{ n: expected }]);
  });
});

describe.each([
  ['Express 5', express5 as unknown as typeof express4],
  ['Express 4', express4],
])('@ifmatch/express on %s: a middleware’s refusal is never overruled', (_version, express) => {
  /** An app with `parser` in front of the router, and an error handler that says it answered. */
  async function appWith(parser: express4.RequestHandler) {
    const store = createMemoryStore<unknown, string>();
    const created = await store.create('a', { n: 1 });
    if (!created.ok) throw new Error('setup');
    const app = express();
    app.use(parser);
    app.use('/items', ifmatchRouter({ store }) as unknown as express4.RequestHandler[]);
    app.use(
      (
        error: Error & { status?: number },
        _req: express4.Request,
        res: express4.Response,
        _next: express4.NextFunction,
      ) => {
        res.status(error.status ?? 500).json({ handledBy: 'the application', message: error.message });
      },
    );
    const base = await listen(app);
    const send = (method: string, ifMatch: string, body: string) =>
      fetch(`${base}/items/a`, { method, headers: { 'If-Match': ifMatch, 'Content-Type': 'application/json' }, body });
    return { store, etag: formatEntityTag(created.record.etag), send };
  }

  const refusingVerify = (error: Error) =>
    express.json({
      verify: () => {
        throw error;
      },
    });

  it('a verify refusal with its own type and a 4xx: DELETE and PUT are not run', async () => {
    const refusal = Object.assign(new Error('bad signature'), { status: 403, type: 'x' });
    const { store, etag, send } = await appWith(refusingVerify(refusal));
    for (const [method, ifMatch] of [
      ['DELETE', '*'],
      ['DELETE', etag],
      ['PUT', etag],
      ['PATCH', etag],
    ] as const) {
      const response = await send(method, ifMatch, '{"n":2}');
      expect(response.status, method).toBe(403);
      expect(await response.json(), method).toEqual({ handledBy: 'the application', message: 'bad signature' });
    }
    expect((await store.get('a'))?.value).toEqual({ n: 1 });
  });

  it('a verify refusal is not taken for a parse failure, whatever type and status it claims', async () => {
    for (const refusal of [
      new Error('bad signature'), // body-parser's entity.verify.failed, 403
      Object.assign(new Error('bad signature'), { status: 400, type: 'entity.parse.failed' }),
      Object.assign(new Error('bad signature'), { status: 413, type: 'entity.too.large' }),
    ]) {
      const { store, etag, send } = await appWith(refusingVerify(refusal));
      const response = await send('PUT', etag, '{"n":2}');
      expect(await response.json()).toMatchObject({ handledBy: 'the application' });
      expect((await send('DELETE', etag, '{}')).status).not.toBe(204);
      expect((await store.get('a'))?.value).toEqual({ n: 1 });
      await closeServer();
    }
  });

  it('another middleware’s 4xx error with a type goes to next(err): nothing is run', async () => {
    for (const refusal of [
      Object.assign(new Error('slow down'), { status: 429, type: 'rate.limited' }),
      // A known body-parser type with a status body-parser never gives it.
      Object.assign(new Error('who are you'), { status: 401, type: 'entity.parse.failed' }),
    ]) {
      const refusing: express4.RequestHandler = (_req, _res, next) => next(refusal);
      const { store, etag, send } = await appWith(refusing);
      for (const method of ['DELETE', 'PUT']) {
        const response = await send(method, etag, '{"n":2}');
        expect(response.status, method).toBe(refusal.status);
        expect(await response.json(), method).toMatchObject({ handledBy: 'the application' });
      }
      expect((await store.get('a'))?.value).toEqual({ n: 1 });
      await closeServer();
    }
  });

  it('malformed JSON: a DELETE is the application’s 400 (not run); a PUT the router’s problem, the store unread', async () => {
    const { store, etag, send } = await appWith(express.json());
    const deleted = await send('DELETE', etag, '{"n":');
    expect(deleted.status).toBe(400);
    expect(await deleted.json()).toMatchObject({ handledBy: 'the application' });
    expect((await store.get('a'))?.value).toEqual({ n: 1 });
    // The router answers a PUT's refusal as a problem document, with or without a stale tag:
    // the preconditions are not evaluated (the store is not read, see the next test).
    for (const tag of ['"stale"', etag]) {
      const put = await send('PUT', tag, '{"n":');
      expect(put.status).toBe(400);
      expect(put.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(put.headers.get('etag')).toBeNull();
    }
    expect((await store.get('a'))?.value).toEqual({ n: 1 });
  });

  it('a parser’s refusal skips the middleware after it, so the router reads nothing: no record, tag or existence leaks past authentication', async () => {
    const inner = createMemoryStore<unknown, string>();
    if (!(await inner.create('secret', { owner: 'alice' })).ok) throw new Error('setup');
    let reads = 0;
    const store = {
      ...inner,
      get: (key: string) => {
        reads++;
        return inner.get(key);
      },
    };
    const app = express();
    app.use(express.json());
    // Authentication after the parser: Express skips it when the parser fails.
    app.use((_req: express4.Request, res: express4.Response) => {
      res.status(401).json({ title: 'Unauthorized' });
    });
    app.use('/items', ifmatchRouter({ store }) as unknown as express4.RequestHandler[]);
    const base = await listen(app);
    const send = (method: string, path: string, body: string) =>
      fetch(`${base}/items${path}`, {
        method,
        headers: { 'If-Match': '"stale"', 'Content-Type': 'application/json' },
        body,
      });
    expect((await send('PUT', '/secret', '{"owner":"mallory"}')).status).toBe(401);
    // PATCH as application/json: a media type the resource refuses anyway, from the header alone.
    for (const [method, path, status] of [
      ['PUT', '/secret', 400],
      ['PUT', '/nobody', 400],
      ['POST', '', 400],
      ['PATCH', '/secret', 415],
    ] as const) {
      const refused = await send(method, path, '{');
      expect(refused.status, `${method} ${path}`).toBe(status);
      expect(refused.headers.get('etag'), `${method} ${path}`).toBeNull();
      expect(refused.headers.get('last-modified'), `${method} ${path}`).toBeNull();
      expect(await refused.json(), `${method} ${path}`).not.toHaveProperty('currentEtag');
    }
    expect(reads).toBe(0);
    expect((await inner.get('secret'))?.value).toEqual({ owner: 'alice' });
  });

  // The robustness suite's model of express.json() decides which answers are right: held here to
  // the real middleware, so the model is not wrong in a case the random runs reach once in a while
  // (one byte declared UTF-16 reads as an empty body, which express.json() lets through). A PUT,
  // so that an empty body is announced (Content-Length: 0) as the suite sends it.
  it('refusedInFrontByExpressJson says which requests express.json() refuses', async () => {
    const app = express();
    app.use(express.json());
    app.use((_req, res) => res.status(204).end());
    app.use((error: { status?: number }, _req: express4.Request, res: express4.Response, _next: unknown) =>
      res.status(error.status ?? 500).end(),
    );
    const base = await listen(app);
    const types = [
      'application/json',
      'application/json; charset=utf-8',
      'Application/JSON',
      'application/json; charset=UTF-16',
      'application/json; charset=utf-16',
      'application/json; charset=utf-16le',
      'application/json; charset="utf-8"',
      'application/json; charset=utf8',
      'application/json; charset=latin1',
      'application/vnd.items+json',
      'text/plain',
    ];
    const bodies = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.constantFrom('', ' ', '  ', '{}', '[]', '{"a":1}', '1', '"x"', 'nul', '{', '\uFEFF{}', ' \n{"n":2}'),
    );
    const seen = new Set<boolean>();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...types), bodies, async (type, body) => {
        const response = await fetch(`${base}/x`, { method: 'PUT', headers: { 'Content-Type': type }, body });
        const refused = refusedInFrontByExpressJson(type, body);
        seen.add(refused);
        expect(response.status >= 400, `${type} ${JSON.stringify(body)} → ${response.status}`).toBe(refused);
      }),
      {
        numRuns: 400,
        examples: [
          ['application/json; charset=utf-16', ' '],
          ['application/json; charset=utf-16', '  '],
          ['application/json; charset=latin1', ''],
          ['application/json', '1'],
        ],
      },
    );
    expect([...seen].sort()).toEqual([false, true]);
  });
});
