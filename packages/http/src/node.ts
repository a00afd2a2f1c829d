/**
 * node:http support: run a Fetch-style handler on an `IncomingMessage` and write the
 * `Response` to a `ServerResponse`. The Fetch layer itself also serves Next.js route
 * handlers, Bun and Deno as it is.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

export interface ToFetchRequestOptions {
  /** The body a framework already read from the stream (a string, or parsed JSON). */
  readonly body?: unknown;
  /** The path and query to use instead of `req.url` (Express: `req.originalUrl`). */
  readonly url?: string;
}

/** A Fetch `Request` for a node request. */
export function toFetchRequest(req: IncomingMessage, options: ToFetchRequestOptions = {}): Request {
  const { body } = options;
  const host = req.headers.host ?? 'localhost';
  const url = new URL(options.url ?? req.url ?? '/', `http://${host}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = req.method ?? 'GET';
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers });
  if (body !== undefined) {
    headers.delete('content-length');
    return new Request(url, { method, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  }
  return new Request(url, {
    method,
    headers,
    body: Readable.toWeb(req) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
}

/** Writes a Fetch `Response` to a node response. */
export async function sendResponse(res: ServerResponse, response: Response): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  res.writeHead(response.status, headers);
  res.end(response.body === null ? undefined : Buffer.from(await response.arrayBuffer()));
}

/** A node:http request listener running a Fetch handler. */
export function nodeListener(handler: (request: Request) => Promise<Response>) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handler(toFetchRequest(req))
      .then((response) => sendResponse(res, response))
      .catch((error: unknown) => {
        console.error(error);
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/problem+json' });
        res.end(JSON.stringify({ type: 'about:blank', status: 500, title: 'Internal Server Error' }));
      });
  };
}
