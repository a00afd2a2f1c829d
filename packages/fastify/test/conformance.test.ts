import { type ConformanceResource, describeHttpConformance, describeHttpRobustness } from '@ifmatch/contract';
import { ifmatchPlugin } from '@ifmatch/fastify';
import { connectListener } from '@ifmatch/http/node';
import Fastify from 'fastify';

/** Fastify as people set it up: its default parsers, or a content-type parser of their own registered first. */
const SETUPS = {
  'default parsers': () => Fastify(),
  'a custom JSON parser registered': () => {
    const app = Fastify();
    app.removeContentTypeParser('application/json');
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) =>
      done(null, { wrapped: body }),
    );
    app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, (_request, body, done) => {
      try {
        done(null, JSON.parse(String(body)));
      } catch (error) {
        done(Object.assign(error as Error, { statusCode: 400 }), undefined);
      }
    });
    return app;
  },
};

for (const [setup, create] of Object.entries(SETUPS)) {
  const serve = async (options: ConformanceResource) => {
    const app = create();
    await app.register(ifmatchPlugin, { prefix: '/items', ...options });
    app.server.on('connect', connectListener()); // CONNECT never reaches Fastify: answered here
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: `${address}/items`, close: () => app.close() };
  };
  describeHttpConformance({ name: `@ifmatch/fastify, ${setup}`, serve });
  describeHttpRobustness({ name: `@ifmatch/fastify, ${setup}`, serve });
}
