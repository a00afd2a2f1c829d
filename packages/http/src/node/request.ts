/**
 * From a node:http `IncomingMessage` to a Fetch `Request`, for every request Node accepts. The
 * Fetch API cannot represent all of them (`TRACE`, a `Host` that is not a host, a request
 * target that is not a URL): those get their answer here (405, 400) as a value, never as an
 * exception thrown out of a request listener, where it would end the process.
 */
import type { IncomingMessage } from 'node:http';
import { type Problem, problemResponse } from '../problem.js';

/** The Fetch request, or the response that answers a request Fetch cannot represent. */
export type FetchRequestResult =
  | { readonly ok: true; readonly request: Request }
  | { readonly ok: false; readonly response: Response };

/** Options of `toFetchRequest`. */
export interface ToFetchRequestOptions {
  /** The path and query to use instead of `req.url` (Express: `req.originalUrl`). */
  readonly url?: string;
  /**
   * Whether the request's stream becomes the `Request` body (default `true`). An integration
   * that hands the resource a body it already read passes `false`.
   */
  readonly stream?: boolean;
  /** `Allow` of the 405 for a method Fetch refuses (`TRACE`, `TRACK`, `CONNECT`). */
  readonly allow?: string;
}

/** Methods the Fetch standard forbids in a `Request` (fetch.spec.whatwg.org, "forbidden method"). */
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

const DEFAULT_ALLOW = 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS';

function refusal(problem: Problem, headers: HeadersInit = {}): FetchRequestResult {
  return { ok: false, response: problemResponse(problem, headers) };
}

const badRequest = (detail: string) => refusal({ status: 400, title: 'Bad Request', detail });

/**
 * A Fetch `Request` for a node request, or the response to answer instead. Never throws.
 *
 * The URL's authority is the request target's when it is in absolute form (RFC 9112 §3.2.2),
 * else the `Host` header's, which must then be exactly one valid host (§3.2: 400 otherwise).
 * Nothing in ifmatch trusts that authority: `Location` is built from the path alone.
 */
export function toFetchRequest(req: IncomingMessage, options: ToFetchRequestOptions = {}): FetchRequestResult {
  try {
    const method = req.method ?? 'GET';
    if (FORBIDDEN_METHODS.has(method.toUpperCase())) {
      return refusal(
        { status: 405, title: 'Method Not Allowed', detail: `${method} is not supported here` },
        { Allow: options.allow ?? DEFAULT_ALLOW },
      );
    }
    const url = requestUrl(req, options.url ?? req.url ?? '/');
    if (typeof url === 'string') return badRequest(url);
    const headers = new Headers();
    for (let at = 0; at + 1 < req.rawHeaders.length; at += 2) {
      headers.append(req.rawHeaders[at] ?? '', req.rawHeaders[at + 1] ?? '');
    }
    const init: RequestInit & { duplex?: 'half' } = { method, headers };
    if (method !== 'GET' && method !== 'HEAD' && options.stream !== false) {
      init.body = lazyBody(req);
      init.duplex = 'half';
    }
    return { ok: true, request: new Request(url, init) };
  } catch (error) {
    // A header value Fetch refuses, a method it cannot carry: the client's request, not our failure.
    return badRequest(`the request cannot be represented: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The request's absolute URL, or why there is none. */
function requestUrl(req: IncomingMessage, target: string): URL | string {
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target)) {
    // absolute-form: its authority wins over Host (RFC 9112 §3.2.2).
    const url = URL.canParse(target) ? new URL(target) : undefined;
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.host === '') {
      return 'the request target is not an http URL';
    }
    return url;
  }
  if (!target.startsWith('/') && target !== '*') return 'the request target is not a path';
  const hosts = req.rawHeaders.filter((name, at) => at % 2 === 0 && name.toLowerCase() === 'host').length;
  if (hosts > 1) return 'more than one Host header (RFC 9112 §3.2)';
  let host = req.headers.host;
  if (host === undefined) {
    if (req.httpVersion !== '1.0') return 'no Host header (RFC 9112 §3.2)';
    host = 'localhost';
  }
  if (!isHost(host)) return 'the Host header is not a host (RFC 9112 §3.2)';
  const scheme = (req.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http';
  // Concatenated, not resolved: a target of `//other/x` is a path on this host, not another host.
  const text = `${scheme}://${host}${target === '*' ? '/*' : target}`;
  return URL.canParse(text) ? new URL(text) : 'the request target is not a path';
}

/**
 * `Host = uri-host [ ":" port ]` (RFC 9110 §7.2): a reg-name, an IPv4 address or an IP literal
 * in brackets, then digits. Characters that would end the authority (`/ ? # @ \`) or anything
 * outside the grammar are refused before the URL parser can reinterpret them.
 */
function isHost(host: string): boolean {
  if (host.length === 0 || host.length > 255) return false;
  let end = host.length;
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && host.lastIndexOf(']') < colon) {
    for (let at = colon + 1; at < host.length; at++) {
      const code = host.charCodeAt(at);
      if (code < 0x30 || code > 0x39) return false;
    }
    end = colon;
  }
  const name = host.slice(0, end);
  if (name.length === 0) return false;
  const bracketed = name.startsWith('[') && name.endsWith(']');
  for (let at = bracketed ? 1 : 0; at < (bracketed ? name.length - 1 : name.length); at++) {
    const code = name.charCodeAt(at);
    const ok =
      (code >= 0x30 && code <= 0x39) ||
      (code >= 0x41 && code <= 0x5a) ||
      (code >= 0x61 && code <= 0x7a) ||
      (bracketed ? code === 0x3a /* : */ || code === 0x2e : "-._~!$&'()*+,;=%".includes(name.charAt(at)));
    if (!ok) return false;
  }
  return URL.canParse(`http://${host}/`);
}

/**
 * The request's stream as a web stream that reads only when pulled. Node discards a body no
 * one started to read once the response is sent; a stream read eagerly would instead hold the
 * connection on a body the handler never wanted (a 428 to a large PUT, say). Cancelling stops
 * reading without destroying the socket, so a 413 can still be answered.
 */
function lazyBody(req: IncomingMessage): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        return new Promise<void>((resolve) => {
          const finish = (settle: () => void) => {
            req.off('readable', step);
            req.off('end', onEnd);
            req.off('error', onError);
            req.off('close', onClose);
            settle();
            resolve();
          };
          const onEnd = () => finish(() => controller.close());
          const onError = (error: Error) => finish(() => controller.error(error));
          const onClose = () => {
            if (!req.complete) finish(() => controller.error(new Error('the client closed the request mid-body')));
          };
          function step() {
            const chunk = req.read() as Buffer | null;
            if (chunk !== null) {
              finish(() => controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
            } else if (req.readableEnded) {
              finish(() => controller.close());
            }
          }
          req.on('readable', step);
          req.once('end', onEnd);
          req.once('error', onError);
          req.once('close', onClose);
          step();
        });
      },
    },
    { highWaterMark: 0 },
  );
}
