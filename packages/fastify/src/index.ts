/**
 * @ifmatch/fastify: `app.register(ifmatchPlugin, { prefix: '/orders', store })` serves POST and
 * OPTIONS /orders and GET/HEAD/PUT/PATCH/DELETE/OPTIONS /orders/:id from a Store, through
 * @ifmatch/http.
 */

import { STATUS_CODES } from 'node:http';
import { createResource, type ErrorEvent, isHttpProblem, problemResponse, type ResourceOptions } from '@ifmatch/http';
import { nodeHeaders, toFetchRequest } from '@ifmatch/http/node';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

/** `@ifmatch/http`'s resource options, with `key` and `newKey` seeing Fastify's `request`. */
export interface IfmatchPluginOptions<T, K> extends ResourceOptions<T, K, FastifyRequest> {
  /**
   * Turns the `:id` route parameter into a key (default: the string itself). Receives the
   * request, for keys scoped to a tenant or a user: `(id, request) => ({ tenant: request.user.tenant, id })`.
   */
  readonly key?: (id: string, request: FastifyRequest) => K;
}

/** Sends a Fetch `Response` through Fastify (its hooks run), streaming the body, every header line kept. */
async function reply(replyTo: FastifyReply, response: Response): Promise<FastifyReply> {
  return replyTo
    .code(response.status)
    .headers(nodeHeaders(response.headers))
    .send(response.body ?? undefined);
}

/** Store errors answered 5xx are logged where Fastify logs everything else: `request.log`. */
function logToRequest(error: unknown, event: ErrorEvent<unknown, FastifyRequest>): void {
  if (event.status >= 500) event.context?.log.error({ err: error, status: event.status }, 'ifmatch: store error');
}

/**
 * The plugin. Register it with a `prefix`. Inside it, ifmatch reads request bodies itself:
 * its encapsulated context replaces every content-type parser (yours included, which keep
 * working on your other routes) with one that leaves the stream untouched, so the resource
 * checks the media type, bounds the size and parses exactly the bytes sent. Unexpected
 * errors go to your error handler (Fastify's default logs them through `request.log`).
 */
// biome-ignore lint/suspicious/noExplicitAny: the options' store may hold any key and value.
export const ifmatchPlugin: FastifyPluginAsync<IfmatchPluginOptions<any, any>> = async (app, options) => {
  const resource = createResource({ onError: logToRequest, ...options });
  const toKey = options.key ?? ((id: string) => id);

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));

  const run = async (
    request: FastifyRequest,
    replyTo: FastifyReply,
    handle: (fetchRequest: Request) => Promise<Response>,
  ): Promise<FastifyReply> => {
    const converted = toFetchRequest(request.raw);
    if (!converted.ok) return reply(replyTo, converted.response);
    return reply(replyTo, await handle(converted.request));
  };
  const record = (request: FastifyRequest, replyTo: FastifyReply) =>
    run(request, replyTo, async (fetchRequest) => {
      let key: unknown;
      try {
        key = await toKey((request.params as { id: string }).id, request);
      } catch (error) {
        // A key function may refuse an id with an HttpProblem (a malformed ObjectId: 400).
        if (isHttpProblem(error)) return problemResponse(error.problem, error.headers);
        throw error;
      }
      return resource.handle(fetchRequest, key, { context: request });
    });
  const collection = (request: FastifyRequest, replyTo: FastifyReply) =>
    run(request, replyTo, (fetchRequest) => resource.create(fetchRequest, { context: request }));

  // Fastify refuses a Content-Type it cannot parse (empty, not a media type) before any
  // handler runs. Hand the request to the resource instead: it evaluates the preconditions
  // first (RFC 9110 §13.2.1), then answers the 415 itself, as on every other integration.
  app.setErrorHandler(async (error: FastifyError, request, replyTo) => {
    if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return request.routeOptions.url?.endsWith('/:id') ? record(request, replyTo) : collection(request, replyTo);
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply(
        replyTo,
        problemResponse({
          status: error.statusCode,
          title: STATUS_CODES[error.statusCode] ?? 'Bad Request',
          detail: error.message,
        }),
      );
    }
    throw error;
  });

  // POST creates; OPTIONS answers the collection's Allow, as the Fetch resource does.
  app.route({ method: ['POST', 'OPTIONS'], url: '/', handler: collection });
  app.all('/:id', { exposeHeadRoute: false }, record);
};
