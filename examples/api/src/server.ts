/**
 * `pnpm start`: the orders API at http://127.0.0.1:PORT (default 3000), on SQLite by default
 * (see backends.ts for ORDERS_BACKEND=postgres or pglite).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connectListener } from '@ifmatch/http/node';
import { createOrdersApi } from './app.js';
import { type Backend, openOrders } from './backends.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const database = await openOrders((process.env.ORDERS_BACKEND ?? 'sqlite') as Backend);

const api = createOrdersApi({
  store: database.store,
  onConflict: (event) =>
    console.log(`${event.reason} ${event.method} /orders/${event.key} (current ${event.currentEtag ?? 'none'})`),
});
const server = createServer(api);
server.on('connect', connectListener()); // CONNECT gets a 405 too, not a silent close
server.listen(port, host, () => {
  // The port really listened on: PORT=0 picks a free one (the start test does).
  const { port: listening } = server.address() as AddressInfo;
  console.log(`orders API on http://${host}:${listening} (${database.description})`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close();
    void database.close();
  });
}
