/**
 * @ifmatch/express: `app.use('/orders', ifmatchRouter({ store }))` serves POST /orders and
 * GET/HEAD/PUT/PATCH/DELETE/OPTIONS /orders/:id from a Store, through @ifmatch/http, on
 * Express 4 and 5, with or without body parsers mounted before it.
 */
import {
  createResource,
  HttpProblem,
  isHttpProblem,
  problemResponse,
  type ReadBody,
  type ResourceOptions,
} from '@ifmatch/http';
import { sendResponse, toFetchRequest } from '@ifmatch/http/node';
import type {
  ErrorRequestHandler,
  Request as ExpressRequest,
  Response as ExpressResponse,
  NextFunction,
  RequestHandler,
} from 'express';

/** `@ifmatch/http`'s resource options, with `key` and `newKey` seeing Express's `req`. */
export interface IfmatchRouterOptions<T, K> extends ResourceOptions<T, K, ExpressRequest> {
  /**
   * Turns the `:id` route parameter into a key (default: the string itself). Receives the
   * request, for keys scoped to a tenant or a user: `(id, req) => ({ tenant: req.user.tenant, id })`.
   */
  readonly key?: (id: string, req: ExpressRequest) => K;
}

/**
 * What a body parser mounted before the router left, as a body ifmatch can prove is the
 * request's own, or `undefined` when nobody read the stream (ifmatch reads it then).
 *
 * A parser that skipped the request's content type does not touch the stream: Express 4's
 * `express.json()` still sets `req.body = {}`, which must not be mistaken for an empty object
 * sent by the client (a lost PATCH, a PUT that wipes the record). So `req.body` counts only
 * once the stream has been read (`readableDidRead`): a Buffer (`express.raw()`) or a string
 * (`express.text()`) is the content itself, anything else is what a JSON parser made of it.
 * The resource checks the request's `Content-Type` before it looks at any of them.
 */
export function expressBody(req: ExpressRequest): ReadBody | undefined {
  if (!req.readableDidRead) return undefined;
  const body: unknown = req.body;
  if (Buffer.isBuffer(body)) return { kind: 'bytes', bytes: body };
  if (typeof body === 'string') return { kind: 'text', text: body };
  if (body !== undefined) return { kind: 'json', value: body };
  return { kind: 'consumed', by: 'a middleware mounted before ifmatch' };
}

/** The record's id from the path below the mount point, decoded; `undefined` when the path is not `/:id`. */
function recordId(path: string): string | HttpProblem | undefined {
  const slash = path.indexOf('/', 1);
  const raw = slash === -1 ? path.slice(1) : slash === path.length - 1 ? path.slice(1, -1) : undefined;
  if (raw === undefined || raw === '') return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return new HttpProblem({ status: 400, title: 'Bad Request', detail: 'the id is not valid percent-encoding' });
  }
}

/**
 * The refusals of body-parser (behind `express.json()`, `text()`, `raw()`, `urlencoded()`) that
 * only say the content is unusable, with the status each comes with. The resource refuses such
 * content itself (after the preconditions), so taking these over changes the answer's order,
 * never what is written. Not here, on purpose: `entity.verify.failed` (a `verify` option's
 * refusal, such as a bad signature, is a decision about the request, not about the content),
 * `request.aborted` (no one is listening), and any type body-parser does not produce.
 */
const CONTENT_REFUSALS: ReadonlyMap<string, number> = new Map([
  ['entity.parse.failed', 400], // malformed JSON, or not an object/array under `strict`
  ['entity.too.large', 413], // past the parser's `limit`
  ['request.size.invalid', 400], // fewer or more bytes than Content-Length said
  ['encoding.unsupported', 415], // a Content-Encoding the parser does not inflate
  ['charset.unsupported', 415], // a charset the parser cannot decode
  ['parameters.too.many', 413], // urlencoded: a type the resource refuses anyway (415)
  ['querystring.parse.rangeError', 400], // urlencoded (body-parser 2): nested too deep
]);

/**
 * A body parser's refusal of the client's content, when it is provably one the resource may
 * answer in its place: an `Error` with one of the types above and exactly the status
 * body-parser gives it, and not a `verify` failure in disguise. body-parser lets `verify`
 * throw an error with its own `type` and `status`, but always attaches the raw bytes it
 * verified as `body` (a Buffer), whereas a parse failure carries the decoded text and the other
 * refusals happen before any byte is read. Anything else is not ours to overrule: `undefined`.
 */
function parserRefusal(error: unknown): ReadBody | undefined {
  if (!(error instanceof Error)) return undefined;
  const { type, status, body } = error as Error & { type?: unknown; status?: unknown; body?: unknown };
  if (typeof type !== 'string' || CONTENT_REFUSALS.get(type) !== status || Buffer.isBuffer(body)) return undefined;
  return { kind: 'refused', status: status as number, detail: error.message || 'the body was refused' };
}

/**
 * The methods whose content the resource reads and refuses itself, so that a parser's refusal
 * can be answered after their preconditions without anything being written: POST on the
 * collection, PUT and PATCH on a record. A refusal of any other request (a DELETE or a GET with
 * a body) stays the application's, through `next(err)`: the resource would run it regardless
 * of the body, overruling the middleware.
 */
const READS_CONTENT = { collection: new Set(['POST']), record: new Set(['PUT', 'PATCH']) };

/** The router: the request handler, and the error handler that takes over a body parser's refusals. */
export type IfmatchRouter = [RequestHandler, ErrorRequestHandler];

/**
 * Express middleware for one resource collection, to mount with `app.use(path, …)`: POST to
 * the mount path creates and OPTIONS there answers `Allow`, any method on `/:id` is the
 * record's (405 for the ones it does not serve). Other paths, and other methods on the mount
 * path itself, go on to the next handler.
 *
 * It comes with an error handler for the refusals of a body parser mounted before it
 * (`express.json()` answering malformed JSON or a body too large) of a POST, PUT or PATCH it
 * serves: those requests reach the resource, which evaluates the preconditions first (RFC 9110
 * §13.2.1: a stale `If-Match` is still a 412), writes nothing, and otherwise answers the
 * parser's status as a problem document. Every other error goes to `next(err)`, for your error
 * handler: a `verify` option's refusal, a refusal of any other method (a DELETE with a
 * malformed body is not run), any other middleware's error, and every unexpected one.
 */
export function ifmatchRouter<T = unknown, K = string>(options: IfmatchRouterOptions<T, K>): IfmatchRouter {
  const resource = createResource<T, K, ExpressRequest>(options);
  const toKey = options.key ?? ((id: string) => id as K);

  const serve = (
    req: ExpressRequest,
    res: ExpressResponse,
    next: NextFunction,
    handle: (request: Request, body: ReadBody | undefined) => Promise<Response>,
    refusal?: ReadBody,
  ) => {
    const body = refusal ?? expressBody(req);
    const converted = toFetchRequest(req, { url: req.originalUrl, stream: body === undefined });
    const answer = converted.ok
      ? Promise.resolve().then(() => handle(converted.request, body))
      : Promise.resolve(converted.response);
    answer.then((response) => sendResponse(res, response, req)).catch(next);
  };

  /**
   * Routes a request to the resource; `false` when it is not one of ours, or when it comes with
   * a parser's `refusal` the resource cannot answer in the parser's place (see READS_CONTENT).
   */
  const route = (req: ExpressRequest, res: ExpressResponse, next: NextFunction, refusal?: ReadBody): boolean => {
    // Express has no path for some absolute-form targets (`GET http:///items`): not ours.
    const path = req.path as string | null | undefined;
    if (typeof path !== 'string') return false;
    if (path === '/' || path === '') {
      // OPTIONS on the collection answers its Allow, as the Fetch resource does.
      if (req.method !== 'POST' && req.method !== 'OPTIONS') return false;
      if (refusal !== undefined && !READS_CONTENT.collection.has(req.method)) return false;
      serve(req, res, next, (request, body) => resource.create(request, { body, context: req }), refusal);
      return true;
    }
    const id = recordId(path);
    if (id === undefined) return false;
    if (refusal !== undefined && !READS_CONTENT.record.has(req.method)) return false;
    if (isHttpProblem(id)) {
      sendResponse(res, problemResponse(id.problem), req).catch(next);
      return true;
    }
    const handle = (request: Request, body: ReadBody | undefined) =>
      Promise.resolve()
        .then(() => toKey(id, req))
        .then(
          (key) => resource.handle(request, key, { body, context: req }),
          // A key function may refuse an id with an HttpProblem (a malformed ObjectId: 400).
          (error: unknown) =>
            isHttpProblem(error) ? problemResponse(error.problem, error.headers) : Promise.reject(error),
        );
    serve(req, res, next, handle, refusal);
    return true;
  };

  return [
    (req, res, next) => {
      if (!route(req, res, next)) next();
    },
    (error, req, res, next) => {
      const refusal = parserRefusal(error);
      if (refusal === undefined || !route(req, res, next, refusal)) next(error);
    },
  ];
}
