/**
 * @ifmatch/hono: `app.route('/orders', ifmatchRoutes({ store }))` serves POST and OPTIONS
 * /orders and GET/HEAD/PUT/PATCH/DELETE/OPTIONS /orders/:id from a Store. Hono speaks Fetch:
 * no conversion.
 */
import {
  createResource,
  type HandleOptions,
  isHttpProblem,
  problemResponse,
  type ReadBody,
  type ResourceOptions,
} from '@ifmatch/http';
import { type Context, Hono } from 'hono';

/** `@ifmatch/http`'s resource options, with `key` and `newKey` seeing Hono's context. */
export interface IfmatchRoutesOptions<T, K> extends ResourceOptions<T, K, Context> {
  /**
   * Turns the `:id` route parameter into a key (default: the string itself). Receives the
   * context, for keys scoped to a tenant or a user: `(id, c) => ({ tenant: c.get('tenant'), id })`.
   */
  readonly key?: (id: string, c: Context) => K;
}

/**
 * The body a middleware in front already read (a `validator('json')`, a zod validator), as
 * Hono caches it, or `undefined` when the stream is untouched (ifmatch reads it then). Hono
 * caches the exact text or bytes it read (`c.req.text()`, `c.req.arrayBuffer()`; `json()` reads
 * through the text), so the resource parses exactly what was sent; reading `c.req.raw` again
 * would fail with "ReadableStream is locked". A cached read that failed (the client broke off
 * mid-body) is a refusal of the content, which the resource answers with 400 only after the
 * preconditions (RFC 9110 §13.2.1), like its own, for the methods whose content it reads;
 * `ifmatchRoutes` answers any other request with such a refusal at once, without running it.
 */
export async function honoBody(c: Context): Promise<ReadBody | undefined> {
  const cache = c.req.bodyCache as unknown as Partial<
    Record<'arrayBuffer' | 'text' | 'json' | 'blob', Promise<unknown>>
  >;
  try {
    if (cache.arrayBuffer) return { kind: 'bytes', bytes: new Uint8Array((await cache.arrayBuffer) as ArrayBuffer) };
    if (cache.text) return { kind: 'text', text: (await cache.text) as string };
    if (cache.blob) return { kind: 'bytes', bytes: new Uint8Array(await ((await cache.blob) as Blob).arrayBuffer()) };
    // Hono before 4.10 cached the parsed JSON alone: Request.json() of this very body.
    if (cache.json) return { kind: 'json', value: await cache.json };
  } catch {
    return { kind: 'refused', status: 400, detail: 'the body could not be read to its end' };
  }
  if (c.req.raw.bodyUsed || Object.keys(cache).length > 0) return { kind: 'consumed', by: 'a Hono middleware' };
  return undefined;
}

/**
 * The request as a Fetch `Request`, or a 400 when the runtime cannot make one. @hono/node-server
 * builds it on first use, and the Fetch `Request` constructor throws a TypeError for a request
 * target with credentials (`PUT http://user@host/k`, whose userinfo RFC 9110 §4.2.4 says to
 * treat as an error): a client's mistake, not the server's 500.
 */
function fetchRequest(c: Context): Request | Response {
  try {
    const request = c.req.raw;
    // What @hono/node-server hands over stands in for the Request until a property only the
    // real one has is read: reading one here makes it now, so that a throw is caught here.
    void request.bodyUsed;
    return request;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return problemResponse({ status: 400, title: 'Bad Request', detail: 'the request target is not a usable URL' });
  }
}

/** The methods whose content the resource reads (and refuses itself, after the preconditions). */
const READS_CONTENT = new Set(['POST', 'PUT', 'PATCH']);

/** A Hono app for one resource collection, to mount with `app.route(path, …)`. */
export function ifmatchRoutes<T = unknown, K = string>(options: IfmatchRoutesOptions<T, K>): Hono {
  const resource = createResource<T, K, Context>(options);
  const toKey = options.key ?? ((id: string) => id as K);
  const app = new Hono();
  /**
   * The body for the resource; a `Response` when a middleware's read of it failed and the
   * method is one whose content the resource ignores (a DELETE runs regardless of its body:
   * a broken request must not).
   */
  const handleOptions = async (c: Context): Promise<HandleOptions<Context> | Response> => {
    const body = await honoBody(c);
    if (body === undefined) return { context: c };
    if (body.kind === 'refused' && !READS_CONTENT.has(c.req.method)) {
      return problemResponse({ status: body.status, title: 'Bad Request', detail: body.detail });
    }
    return { body, context: c };
  };
  // POST creates; OPTIONS answers the collection's Allow, as the Fetch resource does.
  app.on(['POST', 'OPTIONS'], '/', async (c) => {
    const request = fetchRequest(c);
    if (request instanceof Response) return request;
    const handling = await handleOptions(c);
    return handling instanceof Response ? handling : resource.create(request, handling);
  });
  app.all('/:id', async (c) => {
    const request = fetchRequest(c);
    if (request instanceof Response) return request;
    try {
      const handling = await handleOptions(c);
      if (handling instanceof Response) return handling;
      return await resource.handle(request, await toKey(c.req.param('id'), c), handling);
    } catch (error) {
      // A key function refusing an id (a malformed ObjectId).
      if (isHttpProblem(error)) return problemResponse(error.problem, error.headers);
      throw error;
    }
  });
  return app;
}
