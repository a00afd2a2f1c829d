/**
 * Writing a Fetch `Response` to a node:http `ServerResponse`: every header line kept (two
 * `Set-Cookie` fields stay two, RFC 6265 §3 forbids folding them), and the body streamed with
 * backpressure rather than buffered whole.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** The response's header fields as node takes them: repeated fields as arrays. */
export function nodeHeaders(headers: Headers): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') fields[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) fields['set-cookie'] = cookies;
  return fields;
}

/**
 * Writes `response` to `res`, streaming its body. When `req`'s body was not read to its end
 * (a 413, or an answer that needed no body), the connection is closed after the response:
 * the unread rest cannot be mistaken for the next request, and no one waits on it.
 * Resolves when the response is sent or the client has gone away.
 */
export async function sendResponse(res: ServerResponse, response: Response, req?: IncomingMessage): Promise<void> {
  const headers = nodeHeaders(response.headers);
  if (req?.readableDidRead && !req.readableEnded) headers.connection = 'close';
  res.writeHead(response.status, headers);
  if (response.body === null) {
    res.end();
    return;
  }
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), res);
  } catch (error) {
    // The client went away mid-response: nothing left to answer, and not a server failure.
    if (!res.destroyed && !res.writableFinished) throw error;
  }
}
