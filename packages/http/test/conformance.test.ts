import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeHttpConformance } from '@ifmatch/contract';
import { createResource } from '@ifmatch/http';
import { nodeListener } from '@ifmatch/http/node';

/** The Fetch layer on node:http, routed by hand: /items and /items/:id. */
describeHttpConformance({
  name: '@ifmatch/http on node:http',
  async serve(options) {
    const items = createResource(options);
    const server = createServer(
      nodeListener(async (request) => {
        const { pathname } = new URL(request.url);
        if (pathname === '/items') return items.create(request);
        const id = /^\/items\/([^/]+)$/.exec(pathname)?.[1];
        return id ? items.handle(request, decodeURIComponent(id)) : new Response(null, { status: 404 });
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/items`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
});
