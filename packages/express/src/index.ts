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
 * A body parser's refusal of the client's content, as body-parser (behind `express.json()`,
 * `express.text()`…) reports it: an `http-errors` error with a `type` and a 4xx `status`.
 */
function parserRefusal(error: unknown): ReadBody | undefined {
  const { type, status, message } = (error ?? {}) as { type?: unknown; status?: unknown; message?: unknown };
  if (typeof type !== 'string' || typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  return { kind: 'refused', status, detail: typeof message === 'string' ? message : 'the body was refused' };
}

/** The router: the request handler, and the error handler that takes over a body parser's refusals. */
export type IfmatchRouter = [RequestHandler, ErrorRequestHandler];

/**
 * Express middleware for one resource collection, to mount with `app.use(path, …)`: POST to
 * the mount path creates, any method on `/:id` is the record's (405 for the ones it does not
 * serve). Other paths, and other methods on the mount path itself, go on to the next handler.
 *
 * It comes with an error handler for the refusals of a body parser mounted before it
 * (`express.json()` answering malformed JSON): those requests reach the resource, which
 * evaluates the preconditions first (RFC 9110 §13.2.1: a stale `If-Match` is still a 412) and
 * otherwise answers the parser's status as a problem document. Any other error, and every
 * unexpected one, goes to `next(err)`, for your error handler.
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

  /** Routes a request to the resource; `false` when it is not one of ours. */
  const route = (req: ExpressRequest, res: ExpressResponse, next: NextFunction, refusal?: ReadBody): boolean => {
    const path = req.path;
    if (path === '/' || path === '') {
      if (req.method !== 'POST') return false;
      serve(req, res, next, (request, body) => resource.create(request, { body, context: req }), refusal);
      return true;
    }
    const id = recordId(path);
    if (id === undefined) return false;
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
