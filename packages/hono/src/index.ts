/**
 * @ifmatch/hono: `app.route('/orders', ifmatchRoutes({ store }))` serves POST /orders and
 * GET/HEAD/PUT/PATCH/DELETE /orders/:id from a Store. Hono speaks Fetch: no conversion.
 */
import { createResource, type ResourceOptions } from '@ifmatch/http';
import { Hono } from 'hono';

export interface IfmatchRoutesOptions<T, K> extends ResourceOptions<T, K> {
  /** Turns the `:id` route parameter into a key (default: the string itself). */
  readonly key?: (id: string) => K;
}

/** A Hono app for one resource collection, to mount with `app.route(path, …)`. */
export function ifmatchRoutes<T = unknown, K = string>(options: IfmatchRoutesOptions<T, K>): Hono {
  const resource = createResource(options);
  const toKey = options.key ?? ((id: string) => id as K);
  const app = new Hono();
  app.post('/', (c) => resource.create(c.req.raw));
  app.on(['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'], '/:id', (c) =>
    resource.handle(c.req.raw, toKey(c.req.param('id'))),
  );
  return app;
}
