import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ConformanceResource, describeHttpConformance, describeHttpRobustness } from '@ifmatch/contract';
import { createResource, problemResponse } from '@ifmatch/http';
import { connectListener, nodeListener } from '@ifmatch/http/node';

/** The Fetch layer, routed by hand: /items and /items/:id. */
function fetchHandler(options: ConformanceResource): (request: Request) => Promise<Response> {
  const items = createResource(options);
  return async (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/items') return items.create(request);
    const id = /^\/items\/([^/]+)$/.exec(pathname)?.[1];
    if (id === undefined) return new Response(null, { status: 404 });
    let key: string;
    try {
      key = decodeURIComponent(id);
    } catch {
      // `/items/k0%`: not percent-encoding, so no id at all (the robustness suite sends it).
      return problemResponse({ status: 400, title: 'Bad Request', detail: 'the id is not valid percent-encoding' });
    }
    return items.handle(request, key);
  };
}

describeHttpRobustness({ name: '@ifmatch/http on the Fetch API', handler: fetchHandler });

const onNode = {
  name: '@ifmatch/http on node:http',
  async serve(options: ConformanceResource) {
    // The table provokes a handler failure on purpose: keep it out of the test output.
    const server = createServer(nodeListener(fetchHandler(options), { onError: () => {} }));
    server.on('connect', connectListener()); // CONNECT answered too (node:http drops it otherwise)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}/items`,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  },
};
describeHttpConformance(onNode);
describeHttpRobustness(onNode);
