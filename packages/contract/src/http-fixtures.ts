/**
 * What the HTTP conformance table and the robustness suite share: the resource they mount,
 * the server they talk to, a store that fails on demand, and a raw HTTP/1.1 client over
 * `node:net` for the requests `fetch` cannot express (TRACE, a bad Host, absolute-form
 * targets, duplicate header lines).
 */
import { connect } from 'node:net';
import { IfMatchError, type IfMatchErrorCode, type Store } from '@ifmatch/core';
import type { RefusedInFront } from './http-in-front.js';

/** What the table and the suite store: `parseItem` checks it. */
export type Item = { name: string; count: number; tags?: string[] };

/** What the integration mounts: the options of `@ifmatch/http`'s `createResource`. */
export interface ConformanceResource {
  readonly store: Store<Item, string>;
  readonly parse: (body: unknown) => Item;
  /** Receives the Fetch request (and the integration's context); the table checks it does. */
  readonly newKey: (request: Request, context?: unknown) => string;
  readonly onConflict: (event: { method: string; key: string; reason: string; currentEtag?: string }) => void;
  readonly onError: (error: unknown, event: { method: string; status: number }) => void;
}

/** A server under test. */
export interface ServerUnderTest {
  /** The collection's URL, `http://127.0.0.1:port/items`. */
  readonly url: string;
  close(): Promise<void>;
}

/** How the table reaches one integration. */
export interface HttpConformanceOptions {
  readonly name: string;
  /**
   * Starts a real server with the resource mounted at `/items` (POST creates) and
   * `/items/:id`, and returns the collection's URL (`http://127.0.0.1:port/items`).
   */
  serve(resource: ConformanceResource): Promise<ServerUnderTest>;
  /**
   * Set when a middleware in front of the integration answers malformed JSON itself before
   * ifmatch sees the request. RFC 9110 §13.2.1's order cannot hold for that one refusal: where
   * the table expects a 412 for a stale tag with malformed JSON, it expects that refusal
   * instead (400, or 415 for a media type ifmatch refuses anyway), and still checks that
   * nothing is written. `true`: the middleware refuses malformed JSON of every JSON media type,
   * `application/json` and `+json`, as Hono's `validator('json')` does. A function says which
   * requests it refuses, by `Content-Type` and body (`undefined`: none): Express's
   * `express.json()` only `application/json` with a body, malformed or not UTF-8
   * (`refusedInFrontByExpressJson`).
   */
  readonly malformedJsonRefusedInFront?: boolean | RefusedInFront;
}

const ITEM_MEMBERS = new Set(['name', 'count', 'tags']);

/**
 * The application's validation, an allow-list as real APIs write it: a `__proto__` member
 * that sneaked in as a prototype would pass it; as the own data it must be, it is refused.
 */
export function parseItem(body: unknown): Item {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error('an item is a JSON object');
  const unknown = Object.keys(body).find((name) => !ITEM_MEMBERS.has(name));
  if (unknown !== undefined) throw new Error(`unknown member ${JSON.stringify(unknown)}`);
  const item = body as Item;
  if (typeof item.name !== 'string' || typeof item.count !== 'number') {
    throw new Error('an item has a name (string) and a count (number)');
  }
  if (item.tags !== undefined && (!Array.isArray(item.tags) || item.tags.some((tag) => typeof tag !== 'string'))) {
    throw new Error('tags are strings');
  }
  return item;
}

/** Keys of the form `fail-<CODE>` make every call of the returned store throw that `IfMatchError`; `crash-…` a plain Error. */
export function failingOnDemand(store: Store<Item, string>): Store<Item, string> {
  const guard = (key: string) => {
    if (key.startsWith('fail-')) {
      throw new IfMatchError(key.slice(5) as IfMatchErrorCode, 'injected by the conformance table');
    }
    if (key.startsWith('crash-')) throw new Error('injected: not an ifmatch error');
  };
  return {
    strategy: store.strategy,
    capabilities: store.capabilities,
    async get(key) {
      guard(key);
      return store.get(key);
    },
    async create(key, value) {
      guard(key);
      return store.create(key, value);
    },
    async put(key, value, condition) {
      guard(key);
      return store.put(key, value, condition);
    },
    async update(key, change, condition, retry) {
      guard(key);
      return store.update(key, change, condition, retry);
    },
    async delete(key, condition) {
      guard(key);
      return store.delete(key, condition);
    },
  };
}

/** A response read off the wire. */
export interface RawResponse {
  readonly status: number;
  /** Header lines in order, names lower case: repeated fields stay repeated. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string;
}

/**
 * Sends `text` as it is (each character one byte, latin1) to `url`'s host and port and reads the response until the server
 * closes the connection (send `Connection: close`). `undefined` when the server closed it
 * without any answer. Bounded by `timeoutMs`; loopback only.
 */
export function rawRequest(url: string, text: string, timeoutMs = 5000): Promise<RawResponse | undefined> {
  const { hostname, port } = new URL(url);
  if (hostname !== '127.0.0.1' && hostname !== 'localhost' && hostname !== '[::1]') {
    throw new TypeError('rawRequest talks to loopback servers only');
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(Number(port), hostname.replace(/^\[|\]$/g, ''));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms to ${JSON.stringify(text.slice(0, 80))}`));
    }, timeoutMs);
    // Not end(): a half-closed connection lets node:http drop a response still being computed.
    // The request says `Connection: close`, so the server closes once it has answered.
    socket.on('connect', () => socket.write(Buffer.from(text, 'latin1')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => {}); // a reset after the answer is still an answer; 'close' decides
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseRawResponse(Buffer.concat(chunks).toString('latin1')));
    });
  });
}

function parseRawResponse(text: string): RawResponse | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(statusLine?.split(' ')[1]);
  const headers = lines.map((line) => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as const;
  });
  let body = text.slice(end + 4);
  if (headers.some(([name, value]) => name === 'transfer-encoding' && value.includes('chunked'))) body = unchunk(body);
  return { status, headers, body };
}

function unchunk(text: string): string {
  let body = '';
  let at = 0;
  for (;;) {
    const lineEnd = text.indexOf('\r\n', at);
    if (lineEnd === -1) return body;
    const size = Number.parseInt(text.slice(at, lineEnd), 16);
    if (!(size > 0)) return body;
    body += text.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

/** The value of the first header line named `name`. */
export function header(response: RawResponse, name: string): string | undefined {
  return response.headers.find(([field]) => field === name)?.[1];
}
