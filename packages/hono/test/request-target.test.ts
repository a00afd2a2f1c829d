/**
 * A request target the Fetch `Request` constructor refuses: absolute-form with credentials
 * (`PUT http://user@host/items/k`; RFC 9110 §4.2.4 says to treat such userinfo as an error).
 * @hono/node-server builds the Request lazily and the constructor's TypeError used to leave as
 * a 500; it is the client's mistake: 400, and nothing stored.
 */
import net from 'node:net';
import { serve } from '@hono/node-server';
import { createMemoryStore } from '@ifmatch/core';
import { ifmatchRoutes } from '@ifmatch/hono';
import { Hono } from 'hono';
import { afterAll, beforeAll, expect, it } from 'vitest';

const store = createMemoryStore<unknown, string>();
const app = new Hono();
app.route('/items', ifmatchRoutes({ store }));
let port: number;
let server: ReturnType<typeof serve>;

beforeAll(async () => {
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
      port = info.port;
      resolve();
    });
  });
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The status line and body of one raw HTTP/1.1 exchange. */
const exchange = (head: string, body = '') =>
  new Promise<{ status: string; body: string }>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () =>
      socket.write(
        `${head}\r\nHost: b\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
      ),
    );
    let text = '';
    socket.on('data', (chunk) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: text.split('\r\n')[0] ?? '', body: text.split('\r\n\r\n')[1] ?? '' }));
  });

it.each([
  ['a PUT to a record', 'PUT http://a@b/items/k0 HTTP/1.1'],
  ['a POST to the collection', 'POST http://user:secret@b/items HTTP/1.1'],
])('answers %s whose target holds credentials 400, storing nothing', async (_, head) => {
  const answer = await exchange(head, '{}');
  expect(answer.status).toBe('HTTP/1.1 400 Bad Request');
  expect(JSON.parse(answer.body)).toMatchObject({ status: 400, detail: 'the request target is not a usable URL' });
  expect(await store.get('k0')).toBeUndefined();
});

it('still answers the same request without credentials', async () => {
  const answer = await exchange('PUT http://b/items/k0 HTTP/1.1', '{}');
  expect(answer.status).toBe('HTTP/1.1 428 Precondition Required');
});
