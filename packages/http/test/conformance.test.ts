import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeHttpConformance } from '@ifmatch/contract';
import { createMemoryStore } from '@ifmatch/core';
import { conflictCounter, createResource } from '@ifmatch/http';
import { nodeListener } from '@ifmatch/http/node';
import { describe, expect, it } from 'vitest';

/** The Fetch layer on node:http, routed by hand: /items and /items/:id. */
describeHttpConformance({
  name: '@ifmatch/http on node:http',
  async serve(options) {
    const items = createResource(options);
    const server = createServer(
      nodeListener(async (request) => {
        const { pathname } = new URL(request.url);
        if (pathname === '/items') return items.create(request);
        const id = /^\/items\/([^/]+)$/.exec(pathname)?.[1];
        return id ? items.handle(request, decodeURIComponent(id)) : new Response(null, { status: 404 });
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/items`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
});

describe('@ifmatch/http request bodies', () => {
  const store = createMemoryStore<unknown, string>();
  const items = createResource({ store, maxBodyBytes: 1024 });
  const put = (body: BodyInit, headers: Record<string, string> = {}) =>
    items.handle(
      new Request('http://localhost/items/a', {
        method: 'PUT',
        headers: { 'If-None-Match': '*', ...headers },
        body,
        duplex: 'half',
      } as RequestInit),
      'a',
    );

  it('refuses a body over the limit with 413, declared or streamed, and writes nothing', async () => {
    expect((await put(JSON.stringify({ blob: 'x'.repeat(2000) }))).status).toBe(413);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(512).fill(0x20));
      },
    });
    expect((await put(endless)).status).toBe(413);
    expect(pulled).toBeLessThan(10); // it stopped reading, it did not buffer the stream
    expect(await store.get('a')).toBeUndefined();
  });

  it('accepts a body at the limit', async () => {
    const body = JSON.stringify({ blob: 'x'.repeat(1000) });
    expect(new TextEncoder().encode(body).length).toBeLessThanOrEqual(1024);
    expect((await put(body)).status).toBe(201);
  });
});

describe('conflictCounter', () => {
  it('counts 412s and missing records by method and reason, and passes events on', async () => {
    const seen: string[] = [];
    const conflicts = conflictCounter<string>((event) => seen.push(event.currentEtag ?? 'none'));
    const items = createResource({ store: createMemoryStore<unknown, string>(), onConflict: conflicts.onConflict });
    const put = (headers: Record<string, string>) =>
      items.handle(new Request('http://localhost/items/a', { method: 'PUT', headers, body: '{"n":1}' }), 'a');
    expect((await put({ 'If-None-Match': '*' })).status).toBe(201);
    expect((await put({ 'If-Match': '"v9"' })).status).toBe(412);
    expect((await put({ 'If-None-Match': '*' })).status).toBe(412);
    const remove = new Request('http://localhost/items/b', { method: 'DELETE', headers: { 'If-Match': '"v1"' } });
    expect((await items.handle(remove, 'b')).status).toBe(404);
    expect(Object.fromEntries(conflicts.counts)).toEqual({ 'PUT precondition-failed': 2, 'DELETE not-found': 1 });
    expect(seen).toEqual([expect.stringMatching(/^"v1\./), expect.stringMatching(/^"v1\./), 'none']);
  });
});
