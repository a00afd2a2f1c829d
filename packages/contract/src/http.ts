/**
 * The HTTP conformance table every framework integration passes: one list of requests and
 * the statuses and headers they must get, run against a real listening server.
 */
import { createMemoryStore, type Store } from '@ifmatch/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What the integration mounts: the options of `@ifmatch/http`'s `createResource`. */
export interface ConformanceResource {
  readonly store: Store<Item, string>;
  readonly parse: (body: unknown) => Item;
  readonly newKey: () => string;
  readonly onConflict: (event: { method: string; key: string; reason: string; currentEtag?: string }) => void;
}

export type Item = { name: string; count: number; tags?: string[] };

export interface HttpConformanceOptions {
  readonly name: string;
  /**
   * Starts a real server with the resource mounted at `/items` (POST creates) and
   * `/items/:id`, and returns the collection's URL (`http://127.0.0.1:port/items`).
   */
  serve(resource: ConformanceResource): Promise<{ url: string; close(): Promise<void> }>;
}

export function describeHttpConformance(options: HttpConformanceOptions): void {
  describe(`${options.name}: ifmatch HTTP conformance`, () => {
    let server: { url: string; close(): Promise<void> };
    let nextId = 0;
    const conflicts: { method: string; reason: string }[] = [];
    beforeAll(async () => {
      server = await options.serve({
        store: createMemoryStore<Item, string>(),
        parse(body) {
          const item = body as Item;
          if (typeof item?.name !== 'string' || typeof item.count !== 'number') {
            throw new Error('an item has a name (string) and a count (number)');
          }
          return item;
        },
        newKey: () => `item-${++nextId}`,
        onConflict: (event) => conflicts.push(event),
      });
    });
    afterAll(() => server?.close());

    const send = (path: string, method = 'GET', headers: Record<string, string> = {}, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: body === undefined ? headers : { 'Content-Type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    const item = (name: string, count = 0): Item => ({ name, count });
    /** Creates an item through the API; returns its path and ETag. */
    const created = async () => {
      const response = await send('', 'POST', {}, item('new'));
      expect(response.status).toBe(201);
      const location = response.headers.get('location')!;
      return { path: location.slice(location.lastIndexOf('/')), etag: response.headers.get('etag')! };
    };
    const expectProblem = async (response: Response, status: number) => {
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = await response.json();
      expect(body).toMatchObject({ status });
      return body as Record<string, unknown>;
    };

    it('POST creates: 201 with Location, a strong ETag and Last-Modified', async () => {
      const response = await send('', 'POST', {}, item('a', 1));
      expect(response.status).toBe(201);
      expect(response.headers.get('location')).toMatch(/\/items\/item-\d+$/);
      expect(response.headers.get('etag')).toMatch(/^"[^"]+"$/);
      expect(response.headers.get('last-modified')).toMatch(/GMT$/);
      expect(await response.json()).toEqual(item('a', 1));
    });

    it('GET answers 200 with validators; HEAD the same headers and no body', async () => {
      const { path, etag } = await created();
      const get = await send(path);
      expect(get.status).toBe(200);
      expect(get.headers.get('etag')).toBe(etag);
      expect(await get.json()).toEqual(item('new'));
      const head = await send(path, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.headers.get('etag')).toBe(etag);
      expect(await head.text()).toBe('');
    });

    it('a conditional GET that is fresh answers 304 with the ETag', async () => {
      const { path, etag } = await created();
      const byTag = await send(path, 'GET', { 'If-None-Match': `"other", ${etag}` });
      expect(byTag.status).toBe(304);
      expect(byTag.headers.get('etag')).toBe(etag);
      const lastModified = (await send(path)).headers.get('last-modified')!;
      expect((await send(path, 'GET', { 'If-Modified-Since': lastModified })).status).toBe(304);
      expect((await send(path, 'GET', { 'If-None-Match': '"other"' })).status).toBe(200);
    });

    it.each(['PUT', 'PATCH', 'DELETE'])('%s without a precondition is 428 and changes nothing', async (method) => {
      const { path, etag } = await created();
      await expectProblem(await send(path, method, {}, method === 'DELETE' ? undefined : item('x')), 428);
      expect((await send(path)).headers.get('etag')).toBe(etag);
    });

    it('PUT with the current ETag replaces and answers the new ETag', async () => {
      const { path, etag } = await created();
      const response = await send(path, 'PUT', { 'If-Match': etag }, item('replaced', 2));
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).not.toBe(etag);
      expect(await response.json()).toEqual(item('replaced', 2));
    });

    it('PUT with a stale ETag is 412 with the current ETag, in the body and the header', async () => {
      const { path, etag } = await created();
      const newer = (await send(path, 'PUT', { 'If-Match': etag }, item('first'))).headers.get('etag');
      const response = await send(path, 'PUT', { 'If-Match': etag }, item('lost'));
      const problem = await expectProblem(response, 412);
      expect(problem.currentEtag).toBe(newer);
      expect(response.headers.get('etag')).toBe(newer);
      expect(await (await send(path)).json()).toEqual(item('first'));
      expect(conflicts.some((event) => event.method === 'PUT' && event.reason === 'precondition-failed')).toBe(true);
    });

    it('If-Match: * writes an existing item and is 412 for a missing one', async () => {
      const { path } = await created();
      expect((await send(path, 'PUT', { 'If-Match': '*' }, item('any'))).status).toBe(200);
      await expectProblem(await send('/nothing-here', 'PUT', { 'If-Match': '*' }, item('x')), 412);
    });

    it('PUT with If-None-Match: * creates once (201), then is 412', async () => {
      const path = `/chosen-${Date.now()}`;
      const first = await send(path, 'PUT', { 'If-None-Match': '*' }, item('chosen'));
      expect(first.status).toBe(201);
      await expectProblem(await send(path, 'PUT', { 'If-None-Match': '*' }, item('again')), 412);
    });

    it('a missing item: GET, PATCH and DELETE are 404; PUT with If-Match is 412', async () => {
      await expectProblem(await send('/missing'), 404);
      await expectProblem(await send('/missing', 'PATCH', { 'If-Match': '"x"' }, { count: 1 }), 404);
      await expectProblem(await send('/missing', 'DELETE', { 'If-Match': '"x"' }), 404);
      await expectProblem(await send('/missing', 'PUT', { 'If-Match': '"x"' }, item('x')), 412);
    });

    it('PATCH applies a JSON merge patch under If-Match, and is 412 when stale', async () => {
      const { path, etag } = await created();
      const response = await send(path, 'PATCH', { 'If-Match': etag }, { count: 5, tags: ['a'] });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ name: 'new', count: 5, tags: ['a'] });
      await expectProblem(await send(path, 'PATCH', { 'If-Match': etag }, { count: 6 }), 412);
    });

    it('DELETE deletes only the version the client saw', async () => {
      const { path, etag } = await created();
      const newer = (await send(path, 'PUT', { 'If-Match': etag }, item('changed'))).headers.get('etag')!;
      await expectProblem(await send(path, 'DELETE', { 'If-Match': etag }), 412);
      expect((await send(path, 'DELETE', { 'If-Match': newer })).status).toBe(204);
      await expectProblem(await send(path), 404);
    });

    it('bad input: a malformed If-Match is 412, bad JSON 400, an invalid item 422', async () => {
      const { path, etag } = await created();
      await expectProblem(await send(path, 'PUT', { 'If-Match': 'no-quotes' }, item('x')), 412);
      await expectProblem(await send(path, 'PUT', { 'If-Match': etag }, '{"name":'), 400);
      await expectProblem(await send(path, 'PUT', { 'If-Match': etag }, { name: 1 }), 422);
      expect((await send(path)).headers.get('etag')).toBe(etag);
    });

    it('lets exactly one of 50 concurrent PUTs with the same If-Match succeed', async () => {
      const { path, etag } = await created();
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) => send(path, 'PUT', { 'If-Match': etag }, item(`writer-${i}`, i))),
      );
      const statuses = responses.map((response) => response.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 412)).toHaveLength(49);
      const winner = responses.find((response) => response.status === 200)!;
      expect((await send(path)).headers.get('etag')).toBe(winner.headers.get('etag'));
    });
  });
}
