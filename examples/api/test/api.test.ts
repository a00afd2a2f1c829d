import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { header, rawRequest } from '@ifmatch/contract';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConflictEvent } from '../src/app.js';
import type { Backend } from '../src/backends.js';
import { serveOrders } from '../src/serve.js';

const POSTGRES_URL = process.env.IFMATCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** A tag no order ever had: tags are opaque, so tests read real ones from responses. */
const STALE = '"made-up-stale-tag"';
const MERGE = { 'Content-Type': 'application/merge-patch+json' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

/** The PostgreSQL server is optional on a developer's machine, required under CI=true. */
async function postgresUp(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch (error) {
    if (process.env.CI === 'true') throw error;
    console.warn(
      `skipping the API tests on PostgreSQL: ${POSTGRES_URL} is not reachable; install and start PostgreSQL`,
    );
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

const backends: Backend[] = ['sqlite', 'pglite', ...((await postgresUp()) ? (['postgres'] as const) : [])];

describe.each(backends)('orders API on %s', (backend) => {
  const dir = mkdtempSync(join(tmpdir(), 'ifmatch-api-'));
  let api: Awaited<ReturnType<typeof serveOrders>>;
  let base: string;
  const conflicts: ConflictEvent<string>[] = [];

  beforeAll(async () => {
    api = await serveOrders(
      backend,
      { DATABASE_FILE: join(dir, 'orders.db'), DATABASE_URL: POSTGRES_URL },
      { onConflict: (event) => conflicts.push(event) },
    );
    base = api.base;
  });

  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const order = { customer: 'Ada', items: [{ sku: 'tea', quantity: 2 }], status: 'open', note: null };

  function request(path: string, init: RequestInit & { json?: unknown } = {}) {
    const headers = new Headers(init.headers);
    if (init.json !== undefined && !headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
    const body = init.json === undefined ? init.body : JSON.stringify(init.json);
    return fetch(`${base}${path}`, {
      ...init,
      headers,
      ...(body === undefined ? {} : { body }),
    });
  }

  async function createOrder() {
    const response = await request('/orders', { method: 'POST', json: order });
    expect(response.status).toBe(201);
    return { path: response.headers.get('location')!, etag: response.headers.get('etag')! };
  }

  describe('requests', () => {
    it('creates with POST and answers with ETag, Last-Modified and Location', async () => {
      const response = await request('/orders', { method: 'POST', json: order });
      expect(response.status).toBe(201);
      expect(response.headers.get('etag')).toMatch(/^"[^"]+"$/);
      expect(response.headers.get('last-modified')).toMatch(/GMT$/);
      expect(response.headers.get('location')).toMatch(/^\/orders\/[0-9a-f-]{36}$/);
      expect(await response.json()).toEqual(order);
    });

    it('serves GET and HEAD with the same validators, HEAD without a body', async () => {
      const { path, etag } = await createOrder();
      const get = await request(path);
      expect(get.status).toBe(200);
      expect(get.headers.get('etag')).toBe(etag);
      expect(await get.json()).toEqual(order);
      const head = await request(path, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('etag')).toBe(etag);
      expect(await head.text()).toBe('');
    });

    it('answers a fresh conditional GET with 304 (If-None-Match and If-Modified-Since)', async () => {
      const { path, etag } = await createOrder();
      const byTag = await request(path, { headers: { 'If-None-Match': etag } });
      expect(byTag.status).toBe(304);
      expect(byTag.headers.get('etag')).toBe(etag);
      const lastModified = (await request(path)).headers.get('last-modified')!;
      expect((await request(path, { headers: { 'If-Modified-Since': lastModified } })).status).toBe(304);
      expect((await request(path, { headers: { 'If-None-Match': STALE } })).status).toBe(200);
    });

    it('refuses a write without a precondition with 428 and a problem document', async () => {
      const { path, etag } = await createOrder();
      for (const method of ['PUT', 'PATCH', 'DELETE']) {
        const response = await request(path, { method, json: order });
        expect(response.status).toBe(428);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(await response.json()).toMatchObject({ status: 428, title: 'Precondition Required' });
      }
      expect((await request(path)).headers.get('etag')).toBe(etag);
    });

    it('prevents the lost update: the second writer gets 412 with the current ETag', async () => {
      const { path, etag } = await createOrder();
      // Alice and Bob both read v1.
      const alice = await request(path, {
        method: 'PUT',
        headers: { 'If-Match': etag },
        json: { ...order, status: 'paid' },
      });
      expect(alice.status).toBe(200);
      const aliceEtag = alice.headers.get('etag');
      expect(aliceEtag).not.toBe(etag);
      const bob = await request(path, {
        method: 'PUT',
        headers: { 'If-Match': etag },
        json: { ...order, note: 'leave at door' },
      });
      expect(bob.status).toBe(412);
      expect(bob.headers.get('content-type')).toBe('application/problem+json');
      expect(bob.headers.get('etag')).toBe(aliceEtag);
      expect(await bob.json()).toMatchObject({ status: 412, currentEtag: aliceEtag });
      expect(await (await request(path)).json()).toMatchObject({ status: 'paid', note: null });
      expect(conflicts.some((event) => event.method === 'PUT' && path.endsWith(event.key))).toBe(true);
    });

    it('creates with PUT and If-None-Match: *, once', async () => {
      const path = `/orders/chosen-${Date.now()}`;
      const first = await request(path, { method: 'PUT', headers: { 'If-None-Match': '*' }, json: order });
      expect(first.status).toBe(201);
      const second = await request(path, { method: 'PUT', headers: { 'If-None-Match': '*' }, json: order });
      expect(second.status).toBe(412);
      expect(await second.json()).toMatchObject({ currentEtag: first.headers.get('etag') });
    });

    it('answers 412 to If-Match on a PUT of a missing order, 404 to PATCH and DELETE', async () => {
      const path = `/orders/missing-${Date.now()}`;
      const put = await request(path, { method: 'PUT', headers: { 'If-Match': STALE }, json: order });
      expect(put.status).toBe(412);
      const patch = await request(path, { method: 'PATCH', headers: { 'If-Match': STALE, ...MERGE }, json: {} });
      expect(patch.status).toBe(404);
      expect((await request(path, { method: 'DELETE', headers: { 'If-Match': STALE } })).status).toBe(404);
      expect((await request(path, { headers: { 'If-Match': STALE } })).status).toBe(404);
    });

    it('applies a JSON merge patch under If-Match', async () => {
      const { path, etag } = await createOrder();
      const patched = await request(path, {
        method: 'PATCH',
        headers: { 'If-Match': etag, ...MERGE },
        json: { note: 'gift' },
      });
      expect(patched.status).toBe(200);
      expect(await patched.json()).toEqual({ ...order, note: 'gift' });
      const stale = await request(path, {
        method: 'PATCH',
        headers: { 'If-Match': etag, ...MERGE },
        json: { note: 'x' },
      });
      expect(stale.status).toBe(412);
      const invalid = await request(path, {
        method: 'PATCH',
        headers: { 'If-Match': patched.headers.get('etag')!, ...MERGE },
        json: { status: 'lost' },
      });
      expect(invalid.status).toBe(422);
    });

    it('deletes only the version the client has seen', async () => {
      const { path, etag } = await createOrder();
      await request(path, { method: 'PATCH', headers: { 'If-Match': etag, ...MERGE }, json: { note: 'changed' } });
      expect((await request(path, { method: 'DELETE', headers: { 'If-Match': etag } })).status).toBe(412);
      expect((await request(path, { method: 'DELETE', headers: { 'If-Match': '*' } })).status).toBe(204);
      expect((await request(path)).status).toBe(404);
    });

    it('treats a malformed If-Match as matching nothing (412), and bad bodies as 400/422', async () => {
      const { path, etag } = await createOrder();
      expect((await request(path, { method: 'PUT', headers: { 'If-Match': 'no-quotes' }, json: order })).status).toBe(
        412,
      );
      const huge = `"${'x'.repeat(9_000)}"`; // over the 8 KiB cap, under Node's own 16 KiB limit
      expect((await request(path, { method: 'PUT', headers: { 'If-Match': huge }, json: order })).status).toBe(412);
      const notJson = await request(path, { method: 'PUT', headers: { 'If-Match': etag, ...JSON_TYPE }, body: '{' });
      expect(notJson.status).toBe(400);
      const wrong = await request(path, { method: 'PUT', headers: { 'If-Match': etag }, json: { customer: 1 } });
      expect(wrong.status).toBe(422);
      expect((await request(path)).headers.get('etag')).toBe(etag);
    });

    it('refuses what it does not understand before writing: text/plain (415), a JSON PATCH sent as JSON (415)', async () => {
      const { path, etag } = await createOrder();
      const text = await request(path, {
        method: 'PUT',
        headers: { 'If-Match': etag, 'Content-Type': 'text/plain' },
        json: order,
      });
      expect(text.status).toBe(415);
      const patch = await request(path, { method: 'PATCH', headers: { 'If-Match': etag }, json: { note: 'x' } });
      expect(patch.status).toBe(415);
      expect(patch.headers.get('accept-patch')).toContain('application/merge-patch+json');
      expect((await request(path)).headers.get('etag')).toBe(etag);
    });

    it('applies a JSON Patch (RFC 6902) with a test, all or nothing', async () => {
      const { path, etag } = await createOrder();
      const patch = [
        { op: 'test', path: '/status', value: 'open' },
        { op: 'replace', path: '/status', value: 'paid' },
        { op: 'add', path: '/items/-', value: { sku: 'cake', quantity: 1 } },
      ];
      const headers = { 'If-Match': etag, 'Content-Type': 'application/json-patch+json' };
      const response = await request(path, { method: 'PATCH', headers, json: patch });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        status: 'paid',
        items: [order.items[0], { sku: 'cake', quantity: 1 }],
      });
      const again = { ...headers, 'If-Match': response.headers.get('etag')! };
      expect((await request(path, { method: 'PATCH', headers: again, json: patch })).status).toBe(409);
    });

    it('keeps __proto__ as data: a merge patch cannot smuggle fields past the validation (422)', async () => {
      const { path, etag } = await createOrder();
      const smuggle = '{"__proto__": {"status": "shipped"}}';
      const response = await request(path, { method: 'PATCH', headers: { 'If-Match': etag, ...MERGE }, body: smuggle });
      expect(response.status).toBe(422);
      expect(await (await request(path)).json()).toEqual(order);
    });

    it('answers TRACE, CONNECT and a broken Host instead of crashing, and serves on', async () => {
      const trace = await rawRequest(base, 'TRACE /orders/x HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
      expect(trace?.status).toBe(405);
      const connect = await rawRequest(base, 'CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n');
      expect(connect?.status).toBe(405);
      const host = await rawRequest(base, 'GET /orders/x HTTP/1.1\r\nHost: not a host\r\nConnection: close\r\n\r\n');
      expect(host?.status).toBe(400);
      const absolute = await rawRequest(
        base,
        `POST http://evil.example/orders HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: ${JSON.stringify(order).length}\r\nConnection: close\r\n\r\n${JSON.stringify(order)}`,
      );
      expect(absolute?.status).toBe(201);
      expect(header(absolute!, 'location')).toMatch(/^\/orders\/[0-9a-f-]{36}$/);
      expect((await createOrder()).etag).toBeTruthy();
    });

    it('lets exactly one of 50 concurrent PUTs with the same If-Match succeed', async () => {
      const { path, etag } = await createOrder();
      const responses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          request(path, { method: 'PUT', headers: { 'If-Match': etag }, json: { ...order, note: `writer ${i}` } }),
        ),
      );
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status === 412)).toHaveLength(49);
      const winner = responses.find((response) => response.status === 200)!;
      expect((await request(path)).headers.get('etag')).toBe(winner.headers.get('etag'));
    });
  });
});
