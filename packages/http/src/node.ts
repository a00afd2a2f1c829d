/**
 * node:http support: run a Fetch-style handler on an `IncomingMessage` and stream the
 * `Response` to a `ServerResponse`. The Fetch layer itself also serves Next.js route
 * handlers, Bun and Deno as it is.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { toFetchRequest } from './node/request.js';
import { sendResponse } from './node/response.js';

export { type FetchRequestResult, type ToFetchRequestOptions, toFetchRequest } from './node/request.js';
export { nodeHeaders, sendResponse } from './node/response.js';

/** Options of `nodeListener`. */
export interface NodeListenerOptions {
  /**
   * Called with anything the handler throws or rejects with (the request is answered 500),
   * and with failures writing the response. Default: `console.error`.
   */
  readonly onError?: (error: unknown, req: IncomingMessage) => void;
}

/**
 * A node:http request listener running a Fetch handler. It never throws: a request Fetch
 * cannot represent is answered (405, 400), a handler's failure is a 500 problem document and
 * a call to `onError`, and the server goes on serving.
 *
 * node:http itself drops a `CONNECT` (it never reaches a request listener) unless the server
 * has a `connect` listener: see the README.
 */
export function nodeListener(
  handler: (request: Request) => Response | Promise<Response>,
  options: NodeListenerOptions = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const onError = options.onError ?? ((error: unknown) => console.error('ifmatch: the handler failed:', error));
  return (req, res) => {
    const failed = (error: unknown) => {
      try {
        onError(error, req);
      } catch {
        // A failing logger must not take the server down with it.
      }
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'application/problem+json', Connection: 'close' });
        res.end(JSON.stringify({ type: 'about:blank', status: 500, title: 'Internal Server Error' }));
      } else {
        res.destroy();
      }
    };
    try {
      const converted = toFetchRequest(req);
      const answer = converted.ok ? Promise.resolve().then(() => handler(converted.request)) : converted.response;
      Promise.resolve(answer)
        .then((response) => sendResponse(res, response, req))
        .catch(failed);
    } catch (error) {
      failed(error);
    }
  };
}

/**
 * A `connect` listener for a node:http server: answers `CONNECT` with 405. Without one,
 * node:http closes the connection without a word (a `CONNECT` never reaches a request
 * listener): `server.on('connect', connectListener())`.
 */
export function connectListener(allow = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS') {
  return (_req: IncomingMessage, socket: Duplex): void => {
    socket.on('error', () => {});
    socket.end(`HTTP/1.1 405 Method Not Allowed\r\nAllow: ${allow}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
  };
}
