/**
 * The HTTP conformance table every framework integration passes, under each of the setups
 * people really use (body parsers, validators in front): one list of requests with the
 * statuses and headers they must get, and what must (not) be stored, against a real
 * listening server.
 */
import { createMemoryStore, type RawRecord } from '@ifmatch/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConformanceResource,
  failingOnDemand,
  type HttpConformanceOptions,
  type Item,
  parseItem,
  type ServerUnderTest,
} from './http-fixtures.js';

const JSON_TYPE = 'application/json';
const MERGE_PATCH = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const STALE = '"stale-made-up-tag"';

/** Registers the table for one integration (and one setup of it). */
export function describeHttpConformance(options: HttpConformanceOptions): void {
  describe(`${options.name}: ifmatch HTTP conformance`, () => {
    let server: ServerUnderTest;
    let nextId = 0;
    const records = new Map<string, RawRecord<Item, string>>();
    const conflicts: { method: string; reason: string }[] = [];
    const errors: { status: number }[] = [];
    const newKeyCalls: boolean[] = [];
    beforeAll(async () => {
      const resource: ConformanceResource = {
        store: failingOnDemand(createMemoryStore<Item, string>({ records })),
        parse: parseItem,
        newKey: (request) => {
          newKeyCalls.push(request instanceof Request);
          return `item-${++nextId}`;
        },
        onConflict: (event) => conflicts.push(event),
        onError: (_error, event) => errors.push(event),
      };
      server = await options.serve(resource);
    });
    afterAll(() => server?.close());
    /** The status of a stale or malformed precondition with malformed JSON (see `malformedJsonRefusedInFront`). */
    const staleWithMalformedJson = options.malformedJsonRefusedInFront ? 400 : 412;

    const send = (path: string, method = 'GET', headers: Record<string, string> = {}, body?: unknown) =>
      fetch(`${server.url}${path}`, {
        method,
        headers: body === undefined ? headers : { 'Content-Type': JSON_TYPE, ...headers },
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
    /** What is stored for a path, as the store holds it (undefined when absent). */
    const stored = (path: string) => records.get(JSON.stringify(decodeURIComponent(path.slice(1))));
    const expectProblem = async (response: Response, status: number) => {
      expect(response.status).toBe(status);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const body = await response.json();
      expect(body).toMatchObject({ status });
      return body as Record<string, unknown>;
    };
    /** Sends `request` and checks it changed nothing at `path`. */
    const expectUnchanged = async (path: string, request: () => Promise<Response>) => {
      const before = structuredClone(stored(path));
      const response = await request();
      expect(stored(path)).toEqual(before);
      return response;
    };

    describe('reading and creating', () => {
      it('POST creates: 201 with a path-only Location, a strong ETag and Last-Modified; newKey sees the request', async () => {
        const response = await send('', 'POST', {}, item('a', 1));
        expect(response.status).toBe(201);
        expect(response.headers.get('location')).toMatch(/^\/items\/item-\d+$/);
        expect(response.headers.get('etag')).toMatch(/^"[^"]+"$/);
        expect(response.headers.get('last-modified')).toMatch(/GMT$/);
        expect(await response.json()).toEqual(item('a', 1));
        expect(newKeyCalls.at(-1)).toBe(true);
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

      it('OPTIONS answers Allow and Accept-Patch (RFC 5789 §3.1)', async () => {
        const { path } = await created();
        const response = await send(path, 'OPTIONS');
        expect(response.status).toBe(204);
        expect(response.headers.get('allow')).toBe('GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
        expect(response.headers.get('accept-patch')).toBe(`${MERGE_PATCH}, ${JSON_PATCH}`);
      });

      it('a method the record does not serve is 405 with Allow', async () => {
        const { path } = await created();
        const response = await expectUnchanged(path, () => send(path, 'POST', {}, item('x')));
        await expectProblem(response, 405);
        expect(response.headers.get('allow')).toBe('GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
      });
    });

    describe('writing under preconditions', () => {
      it.each(['PUT', 'PATCH', 'DELETE'])('%s without a precondition is 428 and changes nothing', async (method) => {
        const { path } = await created();
        const body = method === 'DELETE' ? undefined : JSON.stringify(item('x'));
        const headers: Record<string, string> =
          body === undefined ? {} : { 'Content-Type': method === 'PATCH' ? MERGE_PATCH : JSON_TYPE };
        const response = await expectUnchanged(path, () => send(path, method, headers, body));
        await expectProblem(response, 428);
      });

      it('PUT with the current ETag replaces and answers the new ETag', async () => {
        const { path, etag } = await created();
        const response = await send(path, 'PUT', { 'If-Match': etag }, item('replaced', 2));
        expect(response.status).toBe(200);
        expect(response.headers.get('etag')).not.toBe(etag);
        expect(await response.json()).toEqual(item('replaced', 2));
        expect(stored(path)?.value).toEqual(item('replaced', 2));
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
        expect(stored('/nothing-here')).toBeUndefined();
      });

      it('PUT with If-None-Match: * creates once (201, Location: the request path), then is 412', async () => {
        const path = `/chosen-${Date.now()}`;
        const first = await send(path, 'PUT', { 'If-None-Match': '*' }, item('chosen'));
        expect(first.status).toBe(201);
        expect(first.headers.get('location')).toBe(`/items${path}`);
        await expectProblem(await send(path, 'PUT', { 'If-None-Match': '*' }, item('again')), 412);
        expect(stored(path)?.value).toEqual(item('chosen'));
      });

      it('a missing item: GET, PATCH and DELETE are 404; PUT with If-Match is 412', async () => {
        await expectProblem(await send('/missing'), 404);
        await expectProblem(
          await send('/missing', 'PATCH', { 'If-Match': STALE, 'Content-Type': MERGE_PATCH }, { count: 1 }),
          404,
        );
        await expectProblem(await send('/missing', 'DELETE', { 'If-Match': STALE }), 404);
        await expectProblem(await send('/missing', 'PUT', { 'If-Match': STALE }, item('x')), 412);
        expect(stored('/missing')).toBeUndefined();
      });

      it('DELETE deletes only the version the client saw', async () => {
        const { path, etag } = await created();
        const newer = (await send(path, 'PUT', { 'If-Match': etag }, item('changed'))).headers.get('etag')!;
        await expectProblem(await send(path, 'DELETE', { 'If-Match': etag }), 412);
        expect((await send(path, 'DELETE', { 'If-Match': newer })).status).toBe(204);
        await expectProblem(await send(path), 404);
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

    describe('content types', () => {
      it.each([
        'text/plain',
        'text/csv',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        MERGE_PATCH,
        JSON_PATCH,
        'application/json; charset=utf-16',
      ])('PUT of %s is 415 and writes nothing', async (type) => {
        const { path, etag } = await created();
        const response = await expectUnchanged(path, () =>
          send(path, 'PUT', { 'If-Match': etag, 'Content-Type': type }, JSON.stringify(item('replaced', 9))),
        );
        await expectProblem(response, 415);
      });

      it('POST of text/plain is 415 and creates nothing', async () => {
        const before = records.size;
        const response = await send('', 'POST', { 'Content-Type': 'text/plain' }, JSON.stringify(item('simple', 1)));
        await expectProblem(response, 415);
        expect(records.size).toBe(before);
      });

      it('PUT accepts a +json type and a UTF-8 charset', async () => {
        const { path, etag } = await created();
        const type = 'application/vnd.items+json; charset=UTF-8';
        expect((await send(path, 'PUT', { 'If-Match': etag, 'Content-Type': type }, item('vendor', 3))).status).toBe(
          200,
        );
        expect(stored(path)?.value).toEqual(item('vendor', 3));
      });

      it('PATCH with application/merge-patch+json applies the change (RFC 7396), and is 412 when stale', async () => {
        const { path, etag } = await created();
        const response = await send(
          path,
          'PATCH',
          { 'If-Match': etag, 'Content-Type': MERGE_PATCH },
          {
            count: 5,
            tags: ['a'],
          },
        );
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ name: 'new', count: 5, tags: ['a'] });
        expect(stored(path)?.value).toEqual({ name: 'new', count: 5, tags: ['a'] });
        const stale = await expectUnchanged(path, () =>
          send(path, 'PATCH', { 'If-Match': etag, 'Content-Type': MERGE_PATCH }, { count: 6 }),
        );
        await expectProblem(stale, 412);
      });

      it('PATCH with application/json-patch+json applies every operation (RFC 6902), or none (409)', async () => {
        const { path, etag } = await created();
        const patch = [
          { op: 'test', path: '/name', value: 'new' },
          { op: 'replace', path: '/count', value: 7 },
          { op: 'add', path: '/tags', value: ['x'] },
          { op: 'add', path: '/tags/-', value: 'y' },
        ];
        const response = await send(path, 'PATCH', { 'If-Match': etag, 'Content-Type': JSON_PATCH }, patch);
        expect(response.status).toBe(200);
        expect(stored(path)?.value).toEqual({ name: 'new', count: 7, tags: ['x', 'y'] });
        const failing = [
          { op: 'replace', path: '/count', value: 8 },
          { op: 'test', path: '/name', value: 'other' },
        ];
        const current = response.headers.get('etag')!;
        const refused = await expectUnchanged(path, () =>
          send(path, 'PATCH', { 'If-Match': current, 'Content-Type': JSON_PATCH }, failing),
        );
        await expectProblem(refused, 409);
      });

      it.each([JSON_TYPE, 'text/plain', ''])(
        'PATCH of %j is 415 with Accept-Patch, and writes nothing',
        async (type) => {
          const { path, etag } = await created();
          const response = await expectUnchanged(path, () =>
            send(path, 'PATCH', { 'If-Match': etag, 'Content-Type': type }, JSON.stringify({ count: 9 })),
          );
          await expectProblem(response, 415);
          expect(response.headers.get('accept-patch')).toBe(`${MERGE_PATCH}, ${JSON_PATCH}`);
        },
      );
    });

    describe('bad input', () => {
      it('a malformed If-Match is 412, bad JSON 400, an invalid item 422, and nothing is written', async () => {
        const { path, etag } = await created();
        await expectProblem(
          await expectUnchanged(path, () => send(path, 'PUT', { 'If-Match': 'no-quotes' }, item('x'))),
          412,
        );
        await expectProblem(
          await expectUnchanged(path, () => send(path, 'PUT', { 'If-Match': etag }, '{"name":')),
          400,
        );
        await expectProblem(
          await expectUnchanged(path, () => send(path, 'PUT', { 'If-Match': etag }, { name: 1 })),
          422,
        );
      });

      it('a __proto__ member is data, never a prototype: the allow-list sees and refuses it (422)', async () => {
        const { path, etag } = await created();
        const smuggle = '{"__proto__": {"count": 99, "tags": ["smuggled"]}}';
        const patched = await expectUnchanged(path, () =>
          send(path, 'PATCH', { 'If-Match': etag, 'Content-Type': MERGE_PATCH }, smuggle),
        );
        expect((await expectProblem(patched, 422)).detail).toContain('__proto__');
        const put = await expectUnchanged(path, () =>
          send(path, 'PUT', { 'If-Match': etag }, '{"name": "x", "count": 1, "__proto__": {"admin": true}}'),
        );
        await expectProblem(put, 422);
        expect(({} as Record<string, unknown>).count).toBeUndefined();
      });

      it('a 100,000-deep body is a 4xx, not a stack overflow, and the server goes on', async () => {
        const { path, etag } = await created();
        const deep = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`;
        const response = await expectUnchanged(path, () =>
          send(path, 'PATCH', { 'If-Match': etag, 'Content-Type': MERGE_PATCH }, deep),
        );
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
        expect((await send(path)).status).toBe(200);
      });

      it('a member named twice in one object is 400 (RFC 6902 appendix A.13)', async () => {
        const { path, etag } = await created();
        const twice = '[{ "op": "add", "path": "/name", "value": "qux", "op": "remove" }]';
        const response = await expectUnchanged(path, () =>
          send(path, 'PATCH', { 'If-Match': etag, 'Content-Type': JSON_PATCH }, twice),
        );
        await expectProblem(response, 400);
      });
    });

    describe('preconditions are evaluated before the content (RFC 9110 §13.2.1)', () => {
      it.each([
        ['bad JSON', JSON_TYPE, '{"name":', staleWithMalformedJson],
        ['an unsupported media type', 'text/plain', JSON.stringify({ name: 'x', count: 1 }), 412],
        ['an invalid item', JSON_TYPE, JSON.stringify({ name: 1 }), 412],
      ])('PUT with a stale If-Match and %s is 412 with the current ETag', async (_what, type, body, status) => {
        const { path, etag } = await created();
        const newer = (await send(path, 'PUT', { 'If-Match': etag }, item('newer'))).headers.get('etag');
        const response = await expectUnchanged(path, () =>
          send(path, 'PUT', { 'If-Match': etag, 'Content-Type': type }, body),
        );
        const problem = await expectProblem(response, status);
        if (status === 412) expect(problem.currentEtag).toBe(newer);
      });

      it('a malformed If-Match with bad JSON is 412; If-None-Match: * on an existing item with bad JSON is 412', async () => {
        const { path } = await created();
        const bad = '{"name":';
        await expectProblem(await send(path, 'PUT', { 'If-Match': 'no-quotes' }, bad), staleWithMalformedJson);
        await expectProblem(await send(path, 'PUT', { 'If-None-Match': '*' }, bad), staleWithMalformedJson);
      });

      it('PATCH: stale with an unsupported media type is 412; missing with a bad patch is 404', async () => {
        const { path } = await created();
        await expectProblem(await send(path, 'PATCH', { 'If-Match': STALE, 'Content-Type': 'text/plain' }, '{}'), 412);
        const absent = await send('/absent', 'PATCH', { 'If-Match': STALE, 'Content-Type': MERGE_PATCH }, '{');
        await expectProblem(absent, options.malformedJsonRefusedInFront ? 400 : 404);
      });
    });

    describe('store errors are answered on purpose', () => {
      it.each([
        ['TRANSPORT', 503, '1'],
        ['THROTTLED', 503, '1'],
        ['RETRIES_EXHAUSTED', 503, '1'],
        ['OUTCOME_UNKNOWN', 504, null],
        ['INVALID_VALUE', 422, null],
        ['NOT_SUPPORTED', 501, null],
        ['STORE_ERROR', 500, null],
      ])('%s is %i (Retry-After: %s), reported to onError', async (code, status, retryAfter) => {
        const before = errors.length;
        const response = await send(`/fail-${code}`, 'PUT', { 'If-Match': '*' }, item('x'));
        expect((await expectProblem(response, status)).code).toBe(code);
        expect(response.headers.get('retry-after')).toBe(retryAfter);
        expect(errors.slice(before)).toEqual([expect.objectContaining({ method: 'PUT', status })]);
      });

      it('an error that is not the store’s is the framework’s 500, and the server goes on serving', async () => {
        expect((await send('/crash-now')).status).toBe(500);
        const { path } = await created();
        expect((await send(path)).status).toBe(200);
      });
    });
  });
}
