import { createServer, get, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { header, rawRequest } from '@ifmatch/contract';
import { nodeListener, toFetchRequest } from '@ifmatch/http/node';
import { afterEach, describe, expect, it } from 'vitest';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(handler: (request: Request) => Response | Promise<Response>, onError?: (error: unknown) => void) {
  server = createServer(nodeListener(handler, onError ? { onError } : {}));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An IncomingMessage as node's parser could hand it over, without a socket. */
function incoming(method: string, url: string, rawHeaders: string[], httpVersion = '1.1'): IncomingMessage {
  const req = Readable.from([]) as unknown as IncomingMessage;
  const headers: Record<string, string> = {};
  for (let at = 0; at < rawHeaders.length; at += 2) headers[rawHeaders[at]!.toLowerCase()] ??= rawHeaders[at + 1]!;
  return Object.assign(req, { method, url, rawHeaders, headers, httpVersion, socket: {} });
}

describe('toFetchRequest', () => {
  it.each([
    ['TRACE', '/x', ['Host', 'a'], 405],
    ['TRACK', '/x', ['Host', 'a'], 405],
    ['GET', '/x', ['Host', 'bad host'], 400],
    ['GET', '/x', ['Host', 'evil.example/../x?'], 400],
    ['GET', '/x', ['Host', 'a@b'], 400],
    ['GET', '/x', ['Host', 'a:port'], 400],
    ['GET', '/x', ['Host', 'a', 'Host', 'b'], 400],
    ['GET', '/x', [], 400],
    ['GET', 'x', ['Host', 'a'], 400],
    ['GET', 'ftp://a/x', ['Host', 'a'], 400],
    ['GET', '/x', ['Host', 'a', 'X-Bad', 'a\u0000b'], 400],
  ])('answers %s %s with %j as %i instead of throwing', async (method, url, rawHeaders, status) => {
    const result = toFetchRequest(incoming(method, url, rawHeaders));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.response.status).toBe(status);
  });

  it.each([
    ['/x?q=1', ['Host', 'a.example:8080'], 'http://a.example:8080/x?q=1'],
    ['//other.example/x', ['Host', 'a'], 'http://a//other.example/x'],
    ['http://target.example/x', ['Host', 'a'], 'http://target.example/x'],
    ['/x', ['Host', '[::1]:3000'], 'http://[::1]:3000/x'],
  ])('builds %s with %j as %s', (url, rawHeaders, expected) => {
    const result = toFetchRequest(incoming('GET', url, rawHeaders));
    expect(result.ok && result.request.url).toBe(expected);
  });

  it('takes HTTP/1.0 without Host as localhost', () => {
    const result = toFetchRequest(incoming('GET', '/x', [], '1.0'));
    expect(result.ok && result.request.url).toBe('http://localhost/x');
  });
});

describe('nodeListener', () => {
  it('answers TRACE, a bad Host and an absolute-form target, and the server lives on', async () => {
    const url = await serve(() => new Response('ok'));
    const trace = await rawRequest(url, 'TRACE / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(trace?.status).toBe(405);
    expect(header(trace!, 'allow')).toContain('GET');
    const badHost = await rawRequest(url, 'GET / HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n');
    expect(badHost?.status).toBe(400);
    const twoHosts = await rawRequest(url, 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n');
    expect(twoHosts?.status).toBe(400);
    const absolute = await rawRequest(url, 'GET http://evil.example/ HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(absolute?.status).toBe(200);
    expect((await fetch(url)).status).toBe(200);
  });

  it('keeps every header line: two Set-Cookie stay two', async () => {
    const url = await serve(() => {
      const headers = new Headers();
      headers.append('Set-Cookie', 'a=1; Path=/');
      headers.append('Set-Cookie', 'b=2; Path=/');
      return new Response('ok', { headers });
    });
    const response = await rawRequest(url, 'GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    expect(response!.headers.filter(([name]) => name === 'set-cookie').map(([, value]) => value)).toEqual([
      'a=1; Path=/',
      'b=2; Path=/',
    ]);
  });

  it('streams a response: the first chunk arrives before the handler has produced the second', async () => {
    let release: () => void = () => {};
    const secondChunkMayGo = new Promise<void>((resolve) => {
      release = resolve;
    });
    const url = await serve(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            async start(controller) {
              controller.enqueue(new TextEncoder().encode('first;'));
              await secondChunkMayGo; // never resolves unless the client saw the first chunk
              controller.enqueue(new TextEncoder().encode('second'));
              controller.close();
            },
          }),
        ),
    );
    const body = await new Promise<string>((resolve, reject) => {
      get(url, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text === 'first;') release();
        });
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(body).toBe('first;second');
  });

  it('answers 500 when the handler throws, even synchronously, tells onError, and lives on', async () => {
    const errors: unknown[] = [];
    const url = await serve(
      (request) => {
        if (new URL(request.url).pathname === '/sync') throw new Error('sync');
        return Promise.reject(new Error('async'));
      },
      (error) => errors.push(error),
    );
    expect((await fetch(`${url}/sync`)).status).toBe(500);
    expect((await fetch(`${url}/async`)).status).toBe(500);
    expect(errors.map((error) => (error as Error).message)).toEqual(['sync', 'async']);
  });

  it('answers 413 to a body over the limit and closes the connection, rather than resetting it', async () => {
    const url = await serve(async (request) => {
      const reader = request.body!.getReader();
      await reader.read();
      await reader.cancel();
      return new Response('too large', { status: 413 });
    });
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(url, { method: 'PUT' }, (res) => {
        expect(res.headers.connection).toBe('close');
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.write(Buffer.alloc(64 * 1024));
      req.end();
    });
    expect(status).toBe(413);
  });
});
