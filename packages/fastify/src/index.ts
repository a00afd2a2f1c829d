/**
 * @ifmatch/fastify: `app.register(ifmatchPlugin, { prefix: '/orders', store })` serves POST
 * /orders and GET/HEAD/PUT/PATCH/DELETE /orders/:id from a Store, through @ifmatch/http.
 */
import { createResource, type ResourceOptions } from '@ifmatch/http';
import { toFetchRequest } from '@ifmatch/http/node';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';

export interface IfmatchPluginOptions<T, K> extends ResourceOptions<T, K> {
  /** Turns the `:id` route parameter into a key (default: the string itself). */
  readonly key?: (id: string) => K;
}

async function reply(replyTo: FastifyReply, response: Response): Promise<void> {
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const body = response.body === null ? undefined : Buffer.from(await response.arrayBuffer());
  await replyTo.code(response.status).headers(headers).send(body);
}

/** The plugin. Register it with a `prefix`; it parses its own bodies so bad JSON is a problem document too. */
// biome-ignore lint/suspicious/noExplicitAny: the options' store may hold any key and value.
export const ifmatchPlugin: FastifyPluginAsync<IfmatchPluginOptions<any, any>> = async (app, options) => {
  const resource = createResource(options);
  const toKey = options.key ?? ((id: string) => id);
  // The raw text goes to @ifmatch/http, which answers invalid JSON with a 400 problem.
  app.addContentTypeParser(
    ['application/json', 'application/merge-patch+json'],
    { parseAs: 'string' },
    (_req, body, done) => done(null, body),
  );
  const fetchRequest = (request: FastifyRequest) =>
    toFetchRequest(request.raw, typeof request.body === 'string' ? { body: request.body } : {});
  app.post('/', async (request, replyTo) => reply(replyTo, await resource.create(fetchRequest(request))));
  app.route({
    method: ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE'],
    url: '/:id',
    exposeHeadRoute: false,
    handler: async (request, replyTo) =>
      reply(replyTo, await resource.handle(fetchRequest(request), toKey((request.params as { id: string }).id))),
  });
};
