/**
 * @ifmatch/express: `app.use('/orders', ifmatchRouter({ store }))` serves POST /orders and
 * GET/HEAD/PUT/PATCH/DELETE /orders/:id from a Store, through @ifmatch/http.
 */
import { createResource, type ResourceOptions } from '@ifmatch/http';
import { sendResponse, toFetchRequest } from '@ifmatch/http/node';
import express, { type Request as ExpressRequest, type RequestHandler, type Router } from 'express';

export interface IfmatchRouterOptions<T, K> extends ResourceOptions<T, K> {
  /** Turns the `:id` route parameter into a key (default: the string itself). */
  readonly key?: (id: string) => K;
}

/** An Express router for one resource collection. Works with or without `express.json()`. */
export function ifmatchRouter<T = unknown, K = string>(options: IfmatchRouterOptions<T, K>): Router {
  const resource = createResource(options);
  const toKey = options.key ?? ((id: string) => id as K);
  const router = express.Router();
  // A body `express.json()` already parsed is passed on; otherwise the stream is read.
  const fetchRequest = (req: ExpressRequest) =>
    toFetchRequest(req, { url: req.originalUrl, ...(req.body === undefined ? {} : { body: req.body }) });
  const run =
    (handler: (req: ExpressRequest) => Promise<globalThis.Response>): RequestHandler =>
    (req, res, next) => {
      handler(req)
        .then((response) => sendResponse(res, response))
        .catch(next);
    };
  router.post(
    '/',
    run((req) => resource.create(fetchRequest(req))),
  );
  router.all(
    '/:id',
    run((req) => resource.handle(fetchRequest(req), toKey(String(req.params.id)))),
  );
  return router;
}
