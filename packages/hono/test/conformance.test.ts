import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describeHttpConformance } from '@ifmatch/contract';
import { ifmatchRoutes } from '@ifmatch/hono';
import { Hono } from 'hono';

describeHttpConformance({
  name: '@ifmatch/hono',
  async serve(options) {
    const app = new Hono();
    app.route('/items', ifmatchRoutes(options));
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
    });
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/items`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
});
