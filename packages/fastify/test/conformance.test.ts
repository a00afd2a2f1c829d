import { describeHttpConformance } from '@ifmatch/contract';
import { ifmatchPlugin } from '@ifmatch/fastify';
import Fastify from 'fastify';

describeHttpConformance({
  name: '@ifmatch/fastify',
  async serve(options) {
    const app = Fastify();
    await app.register(ifmatchPlugin, { prefix: '/items', ...options });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    return { url: `${address}/items`, close: () => app.close() };
  },
});
