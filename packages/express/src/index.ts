/**
 * @ifmatch/express: `app.use('/orders', ifmatchRouter({ store }))` serves POST /orders and
 * GET/HEAD/PUT/PATCH/DELETE/OPTIONS /orders/:id from a Store, through @ifmatch/http, on
 * Express 4 and 5, with or without body parsers mounted before it.
 */
import {
  contentFormat,
  createResource,
  HttpProblem,
  isHttpProblem,
  type Problem,
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

/** The mount path itself (`targetOf`). */
const COLLECTION: unique symbol = Symbol('the collection');

/**
 * What a request addresses below the mount point: the collection, a record's id (or the
 * problem with it), or `undefined` when the router does not serve the path. One function for
 * the router and its error handler, so both always agree on what is the router's.
 */
function targetOf(req: ExpressRequest): typeof COLLECTION | string | HttpProblem | undefined {
  // Express has no path for some absolute-form targets (`GET http:///items`): not ours.
  const path = req.path as string | null | undefined;
  if (typeof path !== 'string') return undefined;
  return path === '/' || path === '' ? COLLECTION : recordId(path);
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
 * only say the content is unusable, with the status each comes with: the router answers them
 * as problem documents, reading nothing (see `ifmatchRouter`). Not here, on purpose: `entity.verify.failed` (a `verify` option's
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
 * A body parser's refusal of the client's content, when it is provably one the router may
 * answer in the parser's place: an `Error` with one of the types above and exactly the status
 * body-parser gives it, and not a `verify` failure in disguise. body-parser lets `verify`
 * throw an error with its own `type` and `status`, but always attaches the raw bytes it
 * verified as `body` (a Buffer), whereas a parse failure carries the decoded text and the other
 * refusals happen before any byte is read. Anything else is not ours to overrule: `undefined`.
 */
function parserRefusal(error: unknown): Problem | undefined {
  if (!(error instanceof Error)) return undefined;
  const { type, status, body } = error as Error & { type?: unknown; status?: unknown; body?: unknown };
  if (typeof type !== 'string' || CONTENT_REFUSALS.get(type) !== status || Buffer.isBuffer(body)) return undefined;
  const title = status === 413 ? 'Content Too Large' : status === 415 ? 'Unsupported Media Type' : 'Bad Request';
  return { status: status as number, title, detail: error.message || 'the body was refused' };
}

/**
 * The requests whose content the resource reads: POST on the collection, PUT and PATCH on a
 * record. Only their parsers' refusals are answered by the router; a refusal of any other
 * request (a DELETE or a GET with a body) stays the application's, through `next(err)`.
 */
const READS_CONTENT = { collection: new Set(['POST']), record: new Set(['PUT', 'PATCH']) };

/** The router: the request handler, and the error handler that answers a body parser's refusals. */
export type IfmatchRouter = [RequestHandler, ErrorRequestHandler];

/**
 * Express middleware for one resource collection, to mount with `app.use(path, …)`: POST to
 * the mount path creates and OPTIONS there answers `Allow`, any method on `/:id` is the
 * record's (405 for the ones it does not serve). Other paths, and other methods on the mount
 * path itself, go on to the next handler.
 *
 * It comes with an error handler for the refusals of a body parser mounted before it
 * (`express.json()` answering malformed JSON or a body too large) of a POST, PUT or PATCH it
 * serves: it answers the parser's status as a problem document and does nothing else. It
 * never runs the resource: Express skipped every middleware between the parser and the
 * router (your authentication among them), so the store is not read, not even to evaluate
 * the preconditions first (RFC 9110 §13.2.1's order holds when no parser runs before the
 * router: it reads its own body). Every other error goes to `next(err)`, for your error
 * handler: a `verify` option's refusal, a refusal of any other method, any other
 * middleware's error, and every unexpected one.
 */
export function ifmatchRouter<T = unknown, K = string>(options: IfmatchRouterOptions<T, K>): IfmatchRouter {
  const resource = createResource<T, K, ExpressRequest>(options);
  const toKey = options.key ?? ((id: string) => id as K);

  const serve = (
    req: ExpressRequest,
    res: ExpressResponse,
    next: NextFunction,
    handle: (request: Request, body: ReadBody | undefined) => Promise<Response>,
  ) => {
    const body = expressBody(req);
    const converted = toFetchRequest(req, { url: req.originalUrl, stream: body === undefined });
    const answer = converted.ok
      ? Promise.resolve().then(() => handle(converted.request, body))
      : Promise.resolve(converted.response);
    answer.then((response) => sendResponse(res, response, req)).catch(next);
  };

  /** Whether the request is one of a method that carries content, on a path the router serves. */
  const readsContent = (req: ExpressRequest): req is ExpressRequest & { method: 'POST' | 'PUT' | 'PATCH' } => {
    const target = targetOf(req);
    if (target === undefined) return false;
    return (target === COLLECTION ? READS_CONTENT.collection : READS_CONTENT.record).has(req.method);
  };

  /** Routes a request to the resource; `false` when it is not one of ours. */
  const route = (req: ExpressRequest, res: ExpressResponse, next: NextFunction): boolean => {
    const id = targetOf(req);
    if (id === undefined) return false;
    if (id === COLLECTION) {
      // OPTIONS on the collection answers its Allow, as the Fetch resource does.
      if (req.method !== 'POST' && req.method !== 'OPTIONS') return false;
      serve(req, res, next, (request, body) => resource.create(request, { body, context: req }));
      return true;
    }
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
    serve(req, res, next, handle);
    return true;
  };

  return [
    (req, res, next) => {
      if (!route(req, res, next)) next();
    },
    (error, req, res, next) => {
      const refusal = parserRefusal(error);
      if (refusal === undefined || !readsContent(req)) return next(error);
      // A media type the resource refuses anyway is its 415 (a charset=utf-16 body the parser
      // decoded into garbage, say): known from the header alone, without reading the store.
      const format = contentFormat(req.method, req.headers['content-type'] ?? null);
      const answer = isHttpProblem(format) ? problemResponse(format.problem, format.headers) : problemResponse(refusal);
      sendResponse(res, answer, req).catch(next);
    },
  ];
}
