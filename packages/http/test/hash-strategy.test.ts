/**
 * Conditional writes over HTTP on a store under the hash strategy, where equal content has an
 * equal tag: a write whose precondition no longer holds may still be a 2xx when it "appears to
 * have already been applied", but only under If-Match (RFC 9110 §13.1.1) and
 * If-Unmodified-Since (§13.1.4); under If-None-Match (§13.1.2) a failed condition is always a
 * 412, so a create-only claim has exactly one winner.
 */
import { createMemoryStore } from '@ifmatch/core';
import { createResource } from '@ifmatch/http';
import { describe, expect, it } from 'vitest';

type Doc = Record<string, unknown>;

const put = (headers: Record<string, string>, body: Doc) =>
  new Request('http://localhost/items/a', {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe.each([
  ['without a secret', {}],
  ['with a secret', { secret: 'hash-strategy-http-test-secret-32-bytes' }],
])('a resource on a hash-strategy store (%s)', (_name, secret) => {
  /** `require: {}` lets a write carry If-Unmodified-Since alone (the default requires a tag: 428). */
  const resource = (require?: Record<string, never>) => {
    const store = createMemoryStore<Doc, string>({ strategy: 'hash', ...secret });
    return { store, items: createResource({ store, ...(require ? { require } : {}) }) };
  };

  describe('when If-None-Match: * creates the record', () => {
    it('answers 201, then 412 to a second create with equal content, writing nothing', async () => {
      const { store, items } = resource();
      const first = await items.handle(put({ 'If-None-Match': '*' }, { title: 'claim' }), 'a');
      expect(first.status).toBe(201);
      const second = await items.handle(put({ 'If-None-Match': '*' }, { title: 'claim' }), 'a');
      expect(second.status).toBe(412);
      expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
      expect((await store.get('a'))?.version).toBe(1);
    });
  });

  describe('when If-None-Match names the current tag', () => {
    it('answers 412 even when the content is equal', async () => {
      const { store, items } = resource();
      const created = await items.handle(put({ 'If-None-Match': '*' }, { title: 'same' }), 'a');
      const etag = created.headers.get('etag') as string;
      expect(etag).toMatch(/^"[^"]+"$/);
      const response = await items.handle(put({ 'If-None-Match': etag }, { title: 'same' }), 'a');
      expect(response.status).toBe(412);
      expect((await store.get('a'))?.version).toBe(1);
    });
  });

  describe('when If-Match names a stale tag', () => {
    it('answers 2xx when the record already holds what the request writes (a retry after a lost response)', async () => {
      const { store, items } = resource();
      const created = await items.handle(put({ 'If-None-Match': '*' }, { title: 'a' }), 'a');
      const stale = created.headers.get('etag') as string;
      const applied = await items.handle(put({ 'If-Match': stale }, { title: 'b' }), 'a');
      expect(applied.status).toBe(200);
      const current = applied.headers.get('etag');
      expect(current).not.toBe(stale);
      // The same request again: its precondition no longer holds, but its content is there.
      const retried = await items.handle(put({ 'If-Match': stale }, { title: 'b' }), 'a');
      expect(retried.status).toBe(200);
      expect(retried.headers.get('etag')).toBe(current);
      expect(await retried.json()).toEqual({ title: 'b' });
      // Nothing was written again.
      expect((await store.get('a'))?.version).toBe(2);
    });

    it('answers 412 when the content differs from the current record', async () => {
      const { store, items } = resource();
      const created = await items.handle(put({ 'If-None-Match': '*' }, { title: 'a' }), 'a');
      const stale = created.headers.get('etag') as string;
      await items.handle(put({ 'If-Match': stale }, { title: 'b' }), 'a');
      const response = await items.handle(put({ 'If-Match': stale }, { title: 'c' }), 'a');
      expect(response.status).toBe(412);
      expect((await store.get('a'))?.value).toEqual({ title: 'b' });
    });
  });

  describe('when If-Unmodified-Since no longer holds', () => {
    it('answers 2xx for content equal to the current record, 412 for other content', async () => {
      const { store, items } = resource({});
      await items.handle(put({ 'If-None-Match': '*' }, { title: 'a' }), 'a');
      const since = new Date(((await store.get('a'))?.lastModified ?? 0) - 5_000).toUTCString();
      expect((await items.handle(put({ 'If-Unmodified-Since': since }, { title: 'a' }), 'a')).status).toBe(200);
      expect((await items.handle(put({ 'If-Unmodified-Since': since }, { title: 'b' }), 'a')).status).toBe(412);
      expect((await store.get('a'))?.version).toBe(1);
    });
  });
});
