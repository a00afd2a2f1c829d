/**
 * The HTTP conformance table every framework integration passes, under each of the setups
 * people really use (body parsers, validators in front): one list of requests with the
 * statuses and headers they must get, and what must (not) be stored, against a real
 * listening server.
 */
import { describe, expect, it } from 'vitest';
import { present } from './helpers.js';
import { describeContentConformance } from './http-content.js';
import { conformanceContext, JSON_PATCH, JSON_TYPE, MERGE_PATCH, STALE } from './http-context.js';
import type { HttpConformanceOptions } from './http-fixtures.js';

/** Registers the table for one integration (and one setup of it). */
export function describeHttpConformance(options: HttpConformanceOptions): void {
  describe(`${options.name}: ifmatch HTTP conformance`, () => {
    const t = conformanceContext(options);
    const { conflicts, newKeyCalls, send, item, created, stored, expectProblem, expectUnchanged } = t;

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
        const lastModified = present((await send(path)).headers.get('last-modified'), 'Last-Modified');
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

      it('OPTIONS on the collection answers its Allow, as every integration mounts it', async () => {
        const response = await send('', 'OPTIONS');
        expect(response.status).toBe(204);
        expect(response.headers.get('allow')).toBe('POST, OPTIONS');
        expect(response.headers.get('accept-patch')).toBeNull();
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
        const newer = present(
          (await send(path, 'PUT', { 'If-Match': etag }, item('changed'))).headers.get('etag'),
          'an ETag',
        );
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
        const winner = present(
          responses.find((response) => response.status === 200),
          'a 200',
        );
        expect((await send(path)).headers.get('etag')).toBe(winner.headers.get('etag'));
      });
    });

    describeContentConformance(t);
  });
}
