/**
 * The conformance table's groups about content: media types and patch formats, bad input,
 * RFC 9110 §13.2.1's order (preconditions before content), and store errors.
 */
import { describe, expect, it } from 'vitest';
import { present } from './helpers.js';
import { type ConformanceContext, JSON_PATCH, JSON_TYPE, MERGE_PATCH, STALE } from './http-context.js';

/** Registers the content groups inside `describeHttpConformance`. */
export function describeContentConformance(t: ConformanceContext): void {
  const {
    records,
    errors,
    send,
    item,
    created,
    stored,
    expectProblem,
    expectUnchanged,
    staleWithMalformedJson,
    inFront,
  } = t;

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
      expect((await send(path, 'PUT', { 'If-Match': etag, 'Content-Type': type }, item('vendor', 3))).status).toBe(200);
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
      const current = present(response.headers.get('etag'), 'an ETag');
      const refused = await expectUnchanged(path, () =>
        send(path, 'PATCH', { 'If-Match': current, 'Content-Type': JSON_PATCH }, failing),
      );
      await expectProblem(refused, 409);
    });

    it.each([JSON_TYPE, 'text/plain', ''])('PATCH of %j is 415 with Accept-Patch, and writes nothing', async (type) => {
      const { path, etag } = await created();
      const response = await expectUnchanged(path, () =>
        send(path, 'PATCH', { 'If-Match': etag, 'Content-Type': type }, JSON.stringify({ count: 9 })),
      );
      await expectProblem(response, 415);
      expect(response.headers.get('accept-patch')).toBe(`${MERGE_PATCH}, ${JSON_PATCH}`);
    });
  });

  describe('bad input', () => {
    it('a malformed If-Match is 412, bad JSON 400, an invalid item 422, and nothing is written', async () => {
      const { path, etag } = await created();
      await expectProblem(
        await expectUnchanged(path, () => send(path, 'PUT', { 'If-Match': 'no-quotes' }, item('x'))),
        412,
      );
      await expectProblem(await expectUnchanged(path, () => send(path, 'PUT', { 'If-Match': etag }, '{"name":')), 400);
      await expectProblem(await expectUnchanged(path, () => send(path, 'PUT', { 'If-Match': etag }, { name: 1 })), 422);
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
      await expectProblem(absent, inFront(MERGE_PATCH, '{') ? 400 : 404);
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
}
